package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"

	"facecase/models"
	"facecase/recognition/scorenorm"
)

// fmrFlag is an operating point given as a target false match rate. A
// rate outside the cohort's calibrated range is refused while the flags
// are parsed, with the reason (too few pairs to support a lower rate).
type fmrFlag struct {
	v   *float64
	cal scorenorm.Calibration
}

// newFMRFlag registers --name as a target FMR with default def. The help
// gives the calibrated range.
func newFMRFlag(fs *flag.FlagSet, name string, def float64, what string) *float64 {
	f := &fmrFlag{v: new(float64)}
	*f.v = def
	text := fmt.Sprintf("%s: target false match rate `FMR`", what)
	if c, err := models.LoadCohort(); err == nil {
		f.cal = c.Calibration()
		text += fmt.Sprintf(" from %s to %s (the calibrated range of cohort %s)",
			scorenorm.FormatFMR(f.cal.MinFMR), scorenorm.FormatFMR(f.cal.MaxFMR), c.ID())
	}
	fs.Var(f, name, text)
	return f.v
}

// Set parses and checks a rate.
func (f *fmrFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("not a number; give a false match rate such as 1e-3")
	}
	if len(f.cal.Points) > 0 {
		if err := f.cal.Check(v); err != nil {
			return err
		}
	} else if !(v > 0 && v < 1) {
		return errors.New("a false match rate is between 0 and 1")
	}
	*f.v = v
	return nil
}

func (f *fmrFlag) String() string {
	if f == nil || f.v == nil {
		return ""
	}
	return strconv.FormatFloat(*f.v, 'g', -1, 64)
}

// retiredThreshold answers the distance --threshold of older versions:
// operating points are target false match rates now.
type retiredThreshold struct{ fmrFlag string }

func (r retiredThreshold) Set(string) error {
	return fmt.Errorf("the operating point is a target false match rate now, not a distance: use --%s (for example --%s 1e-3)", r.fmrFlag, r.fmrFlag)
}

func (retiredThreshold) String() string { return "" }
