package eval

import (
	"encoding/json"
	"math"
	"strconv"
)

// NotAvailable is how an undefined figure is shown in HTML and CSV.
const NotAvailable = "n/a"

// Interval is a bootstrap confidence interval.
type Interval struct {
	// Low and High bound the interval.
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	// Replicates is the number of bootstrap replicates in which the figure
	// was defined (a replicate can draw no mated pair for a group).
	Replicates int `json:"replicates"`
}

// Rate is an error rate (FMR, FNMR, FTE, FNIR, FPIR) with the counts it is
// computed from. With no trials it is undefined: shown as "n/a" and written
// as null in JSON, never NaN.
type Rate struct {
	// Errors of Trials went wrong.
	Errors int64
	Trials int64
	// CI is the bootstrap 95% interval; nil when not computed.
	CI *Interval
	// Note says why the rate or its interval is not available.
	Note string
}

// Defined reports whether the rate has at least one trial.
func (r Rate) Defined() bool { return r.Trials > 0 }

// Value is Errors/Trials, or 0 and false when undefined.
func (r Rate) Value() (float64, bool) {
	if r.Trials <= 0 {
		return 0, false
	}
	return float64(r.Errors) / float64(r.Trials), true
}

// String is the rate to four significant digits, or "n/a".
func (r Rate) String() string {
	v, ok := r.Value()
	if !ok {
		return NotAvailable
	}
	return formatFigure(v)
}

type rateJSON struct {
	Errors int64     `json:"errors"`
	Trials int64     `json:"trials"`
	Value  *float64  `json:"value"`
	CI95   *Interval `json:"ci95,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// MarshalJSON writes {"errors", "trials", "value" (null when undefined),
// "ci95", "note"}.
func (r Rate) MarshalJSON() ([]byte, error) {
	j := rateJSON{Errors: r.Errors, Trials: r.Trials, CI95: r.CI, Note: r.Note}
	if v, ok := r.Value(); ok {
		j.Value = &v
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Rate) UnmarshalJSON(b []byte) error {
	var j rateJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Rate{Errors: j.Errors, Trials: j.Trials, CI: j.CI95, Note: j.Note}
	return nil
}

// Ratio is a ratio of two rates (a group's FMR over the lowest group's FMR).
// It is undefined when the denominator is zero or undefined.
type Ratio struct {
	// Value is meaningful only when Defined.
	Value   float64
	Defined bool
	// CI is the bootstrap 95% interval; nil when not computed.
	CI *Interval
	// Note says why the ratio or its interval is not available.
	Note string
}

// String is the ratio to four significant digits, or "n/a".
func (r Ratio) String() string {
	if !r.Defined {
		return NotAvailable
	}
	return formatFigure(r.Value)
}

type ratioJSON struct {
	Value *float64  `json:"value"`
	CI95  *Interval `json:"ci95,omitempty"`
	Note  string    `json:"note,omitempty"`
}

// MarshalJSON writes {"value" (null when undefined), "ci95", "note"}.
func (r Ratio) MarshalJSON() ([]byte, error) {
	j := ratioJSON{CI95: r.CI, Note: r.Note}
	if r.Defined {
		v := r.Value
		j.Value = &v
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Ratio) UnmarshalJSON(b []byte) error {
	var j ratioJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Ratio{CI: j.CI95, Note: j.Note}
	if j.Value != nil {
		r.Value, r.Defined = *j.Value, true
	}
	return nil
}

// formatFigure prints a rate or ratio with four significant digits; it is
// the one number format of the HTML report and the CSV tables.
func formatFigure(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return NotAvailable
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// formatThreshold prints a grid threshold exactly (at most four decimals).
func formatThreshold(t float64) string {
	return strconv.FormatFloat(t, 'f', -1, 64)
}
