package eval

import (
	"fmt"
	"math"
)

// calibrations finds, for each target FMR, the highest grid threshold whose
// overall FMR meets it, with the FMR and FNMR it gives overall and per group.
func calibrations(r *Result, targets []float64) []Calibration {
	out := []Calibration{}
	nm := r.nonMated[0][0]
	for _, target := range targets {
		c := Calibration{TargetFMR: target, MinNonMatedPairs: ruleOfThree(target), Groups: []CalibratedGroup{}}
		n := int64(nm.Total())
		c.Reliable = n >= c.MinNonMatedPairs
		k, ok := calibrate(nm, target)
		if !ok {
			c.Note = "no threshold meets the target: "
			if n == 0 {
				c.Note += "there are no non-mated pairs"
			} else {
				c.Note += "too many non-mated pairs score 0"
			}
			c.FMR, c.FNMR = Rate{Note: NotAvailable}, Rate{Note: NotAvailable}
			out = append(out, c)
			continue
		}
		t := nm.threshold(k)
		c.Threshold = &t
		c.FMR, c.FNMR = fmrAt(nm, k), fnmrAt(r.mated[0][0], k)
		if !c.Reliable {
			c.Note = fmt.Sprintf("only %d non-mated pairs: at least %d are needed to support FMR <= %g (rule of three)", n, c.MinNonMatedPairs, target)
		}
		for col := 1; col < len(r.columns); col++ {
			for g, name := range r.groupNames[col] {
				c.Groups = append(c.Groups, CalibratedGroup{Column: r.columns[col], Group: name,
					FMR: fmrAt(r.nonMated[col][g], k), FNMR: fnmrAt(r.mated[col][g], k)})
			}
		}
		out = append(out, c)
	}
	return out
}

// calibrate returns the largest grid threshold at which the FMR of the
// non-mated scores in nm is at most target; ok is false when there are no
// non-mated scores or even threshold 0 exceeds the target.
func calibrate(nm *Histogram, target float64) (k int, ok bool) {
	n := nm.Total()
	if n == 0 {
		return 0, false
	}
	k = -1
	var cum uint64
	for i := 0; i < nm.grid.size(); i++ {
		cum += nm.counts[i]
		if float64(cum)/float64(n) > target {
			break
		}
		k = i
	}
	return k, k >= 0
}

// ruleOfThree is the smallest number of non-mated comparisons that supports
// a claim of FMR <= target: with no error in N trials the 95% upper bound
// on the rate is about 3/N (Hanley and Lippman-Hand, "If nothing goes
// wrong, is everything all right?", JAMA 1983; applied to biometric tests
// by Mansfield and Wayman, "Best Practices in Testing and Reporting
// Performance of Biometric Devices", NPL 2002).
func ruleOfThree(target float64) int64 {
	return int64(math.Ceil(3 / target))
}
