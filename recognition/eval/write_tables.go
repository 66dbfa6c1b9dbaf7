package eval

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// WriteSummaryJSON writes the summary as indented JSON. Undefined rates are
// null, never NaN.
func WriteSummaryJSON(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("write summary JSON: %w", err)
	}
	return nil
}

// WriteSamplesCSV writes one row per dataset image: its index (the a and b
// of the scores file), path, identity, group values and enrolment status.
func WriteSamplesCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	header := append([]string{"index", "path", "identity"}, r.Dataset.GroupColumns...)
	header = append(header, "status")
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write samples CSV: %w", err)
	}
	for i, s := range r.Dataset.Samples {
		row := append([]string{strconv.Itoa(i), s.Rel, s.Identity}, s.Groups...)
		row = append(row, string(r.Enrolment.Status[i]))
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write samples CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write samples CSV: %w", err)
	}
	return nil
}

// groupsCSVHeader names the columns of the per-group table.
var groupsCSVHeader = []string{
	"column", "group", "images", "identities", "enrolled",
	"fte", "fte_errors", "fte_trials",
	"fmr", "fmr_errors", "fmr_trials", "fmr_ci_low", "fmr_ci_high",
	"fnmr", "fnmr_errors", "fnmr_trials", "fnmr_ci_low", "fnmr_ci_high",
	"fmr_ratio", "fmr_ratio_ci_low", "fmr_ratio_ci_high",
	"fnir_rank1", "fpir",
}

// WriteGroupsCSV writes the per-group table at the operating threshold: a
// first row "all,all" with the overall figures, then every group of every
// column. Undefined figures are "n/a".
func WriteGroupsCSV(w io.Writer, s *Summary) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(groupsCSVHeader); err != nil {
		return fmt.Errorf("write groups CSV: %w", err)
	}
	v := &s.Verification
	fnir1 := Rate{Note: NotAvailable}
	for _, rr := range s.Identification.FNIR {
		if rr.Rank == 1 {
			fnir1 = rr.FNIR
		}
	}
	overall := GroupResult{Group: overallColumn, Images: s.Dataset.Images, Identities: s.Dataset.Identities,
		Enrolled: s.Enrolment.Enrolled, FTE: s.Enrolment.FTE, FMR: v.FMR, FNMR: v.FNMR,
		FMRRatio: Ratio{Note: "overall"}, FNIR1: fnir1, FPIR: s.Identification.FPIR}
	if err := cw.Write(groupRow(overallColumn, &overall)); err != nil {
		return fmt.Errorf("write groups CSV: %w", err)
	}
	for _, col := range s.Groups {
		for i := range col.Groups {
			if err := cw.Write(groupRow(col.Column, &col.Groups[i])); err != nil {
				return fmt.Errorf("write groups CSV: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write groups CSV: %w", err)
	}
	return nil
}

func groupRow(column string, g *GroupResult) []string {
	row := []string{column, g.Group, strconv.Itoa(g.Images), strconv.Itoa(g.Identities), strconv.Itoa(g.Enrolled)}
	row = append(row, g.FTE.String(), strconv.FormatInt(g.FTE.Errors, 10), strconv.FormatInt(g.FTE.Trials, 10))
	for _, r := range []Rate{g.FMR, g.FNMR} {
		lo, hi := ciStrings(r.CI)
		row = append(row, r.String(), strconv.FormatInt(r.Errors, 10), strconv.FormatInt(r.Trials, 10), lo, hi)
	}
	lo, hi := ciStrings(g.FMRRatio.CI)
	row = append(row, g.FMRRatio.String(), lo, hi, g.FNIR1.String(), g.FPIR.String())
	return row
}

func ciStrings(ci *Interval) (string, string) {
	if ci == nil {
		return NotAvailable, NotAvailable
	}
	return formatFigure(ci.Low), formatFigure(ci.High)
}
