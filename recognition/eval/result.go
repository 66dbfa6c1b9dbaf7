package eval

import (
	"errors"
	"fmt"
)

// ErrUnknownGroup is returned for a column or group the result does not have.
var ErrUnknownGroup = errors.New("unknown group")

// OverallColumn is the column name that selects the overall figures in
// Result methods (its single group has the same name).
const OverallColumn = overallColumn

// Columns lists the group columns, OverallColumn first.
func (r *Result) Columns() []string { return append([]string(nil), r.columns...) }

// Groups lists the groups of a column, sorted.
func (r *Result) Groups(column string) ([]string, error) {
	c, err := r.column(column)
	if err != nil {
		return nil, err
	}
	return append([]string(nil), r.groupNames[c]...), nil
}

// RatesAt is the FMR and FNMR of a group at a grid threshold. The desktop
// Lab view uses it to show the measured FMR next to a threshold setting.
func (r *Result) RatesAt(column, group string, threshold float64) (fmr, fnmr Rate, err error) {
	k, err := GridIndex(threshold)
	if err != nil {
		return Rate{}, Rate{}, err
	}
	c, g, err := r.group(column, group)
	if err != nil {
		return Rate{}, Rate{}, err
	}
	return fmrAt(r.nonMated[c][g], k), fnmrAt(r.mated[c][g], k), nil
}

// Curve is the DET curve of a group; ok is false without both mated and
// non-mated pairs.
func (r *Result) Curve(column, group string) (Curve, bool, error) {
	c, g, err := r.group(column, group)
	if err != nil {
		return Curve{}, false, err
	}
	cv, ok := makeCurve(column, group, r.nonMated[c][g], r.mated[c][g])
	return cv, ok, nil
}

func (r *Result) column(column string) (int, error) {
	for c, name := range r.columns {
		if name == column {
			return c, nil
		}
	}
	return 0, fmt.Errorf("%w: no column %q", ErrUnknownGroup, column)
}

func (r *Result) group(column, group string) (int, int, error) {
	c, err := r.column(column)
	if err != nil {
		return 0, 0, err
	}
	for g, name := range r.groupNames[c] {
		if name == group {
			return c, g, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: no group %q in column %q", ErrUnknownGroup, group, column)
}
