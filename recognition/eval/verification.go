package eval

import "math"

// fmrAt is the false match rate of the non-mated scores in h at grid
// threshold k: the share at or below the threshold.
func fmrAt(h *Histogram, k int) Rate {
	n := h.Total()
	r := Rate{Errors: int64(h.AtOrBelow(k)), Trials: int64(n)}
	if n == 0 {
		r.Note = "no non-mated pairs"
	}
	return r
}

// fnmrAt is the false non-match rate of the mated scores in h at grid
// threshold k: the share above the threshold.
func fnmrAt(h *Histogram, k int) Rate {
	n := h.Total()
	r := Rate{Errors: int64(n - h.AtOrBelow(k)), Trials: int64(n)}
	if n == 0 {
		r.Note = "no mated pairs"
	}
	return r
}

// Curve is a DET curve: FMR and FNMR at each threshold where either changes.
type Curve struct {
	// Column and Group name the group the curve is for.
	Column string `json:"column"`
	Group  string `json:"group"`
	// Threshold, FMR and FNMR are parallel: the rates at each threshold.
	Threshold []float64 `json:"threshold"`
	FMR       []float64 `json:"fmr"`
	FNMR      []float64 `json:"fnmr"`
}

// makeCurve builds the curve of non-mated histogram nm and mated histogram
// m; ok is false when either is empty.
func makeCurve(column, group string, nm, m *Histogram) (Curve, bool) {
	c := Curve{Column: column, Group: group}
	nn, mm := nm.Total(), m.Total()
	if nn == 0 || mm == 0 {
		return c, false
	}
	var cn, cm uint64
	size := nm.grid.size()
	for k := 0; k < size; k++ {
		changed := nm.counts[k] != 0 || m.counts[k] != 0
		cn += nm.counts[k]
		cm += m.counts[k]
		if changed || k == 0 || k == size-1 {
			c.Threshold = append(c.Threshold, nm.threshold(k))
			c.FMR = append(c.FMR, float64(cn)/float64(nn))
			c.FNMR = append(c.FNMR, float64(mm-cm)/float64(mm))
		}
	}
	return c, true
}

// equalErrorRate finds the grid threshold where FMR and FNMR are closest
// (the lowest such threshold) and returns their mean there.
func equalErrorRate(nm, m *Histogram) (eer, threshold float64, ok bool) {
	nn, mm := nm.Total(), m.Total()
	if nn == 0 || mm == 0 {
		return 0, 0, false
	}
	best := math.Inf(1)
	var cn, cm uint64
	for k := 0; k < nm.grid.size(); k++ {
		cn += nm.counts[k]
		cm += m.counts[k]
		fmr := float64(cn) / float64(nn)
		fnmr := float64(mm-cm) / float64(mm)
		if d := math.Abs(fmr - fnmr); d < best {
			best, eer, threshold = d, (fmr+fnmr)/2, nm.threshold(k)
		}
	}
	return eer, threshold, true
}
