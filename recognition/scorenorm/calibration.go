package scorenorm

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"facecase/facedata"
)

// ErrUncalibrated is returned for a false match rate outside the range a
// calibration supports.
var ErrUncalibrated = errors.New("false match rate outside the calibrated range")

// Default operating points, as target false match rates.
const (
	// DefaultVerifyFMR is the operating point of 1:1 verification
	// (compare, review): one false match in 1,000 non-mated pairs.
	DefaultVerifyFMR = 1e-3
	// DefaultSearchFMR is the operating point of watchlist search, where
	// every probe meets many strangers: one in 10,000.
	DefaultSearchFMR = 1e-4
)

// MaxCalibratedFMR is the highest target false match rate any calibration
// offers: above one in ten a candidate list is mostly strangers.
const MaxCalibratedFMR = 0.1

// pointsPerDecade is how finely a calibration samples the FMR axis.
const pointsPerDecade = 20

// Calibration maps target false match rates to normalised score
// thresholds, measured on a set of non-mated pairs.
type Calibration struct {
	// Source says what was measured ("cohort fairface-adults-v1: 64,261
	// non-mated pairs").
	Source string `json:"source"`
	// Pairs is the number of non-mated pairs measured.
	Pairs int64 `json:"pairs"`
	// MinFMR and MaxFMR bound the calibrated range. MinFMR is 3/Pairs
	// (rule of three: fewer pairs cannot support a lower rate).
	MinFMR float64 `json:"min_fmr"`
	MaxFMR float64 `json:"max_fmr"`
	// Points are (FMR, threshold) pairs, FMR decreasing, covering the
	// range; between points the threshold is interpolated linearly in
	// log FMR.
	Points []CalibrationPoint `json:"points"`
}

// CalibrationPoint is the score threshold at which the measured non-mated
// pairs match at rate FMR.
type CalibrationPoint struct {
	FMR       float64 `json:"fmr"`
	Threshold float64 `json:"threshold"`
}

// Threshold is the score threshold for a target false match rate. A rate
// outside [MinFMR, MaxFMR] is refused with ErrUncalibrated and the reason.
func (c Calibration) Threshold(fmr float64) (float64, error) {
	if err := c.Check(fmr); err != nil {
		return 0, err
	}
	p := c.Points
	i := firstAtOrBelow(p, fmr)
	if i == 0 {
		return p[0].Threshold, nil
	}
	if i >= len(p) {
		return p[len(p)-1].Threshold, nil
	}
	a, b := p[i-1], p[i] // a.FMR > fmr >= b.FMR
	if a.FMR == b.FMR {
		return b.Threshold, nil
	}
	f := (math.Log(a.FMR) - math.Log(fmr)) / (math.Log(a.FMR) - math.Log(b.FMR))
	return a.Threshold + f*(b.Threshold-a.Threshold), nil
}

// firstAtOrBelow returns the index of the first point whose FMR is at most fmr.
func firstAtOrBelow(p []CalibrationPoint, fmr float64) int {
	i, _ := slices.BinarySearchFunc(p, fmr, func(q CalibrationPoint, f float64) int {
		switch {
		case q.FMR > f:
			return -1
		case q.FMR < f:
			return 1
		}
		return 0
	})
	return i
}

// Check refuses a target false match rate outside the calibrated range,
// saying why.
func (c Calibration) Check(fmr float64) error {
	switch {
	case len(c.Points) == 0:
		return fmt.Errorf("%w: there is no calibration", ErrUncalibrated)
	case math.IsNaN(fmr) || fmr <= 0 || fmr >= 1:
		return fmt.Errorf("%w: a false match rate is a number between 0 and 1, not %v", ErrUncalibrated, fmr)
	case fmr < c.MinFMR*(1-1e-9):
		return fmt.Errorf("%w: %s is below %s, the lowest rate %s supports: %d non-mated pairs cannot show a lower one (rule of three)",
			ErrUncalibrated, FormatFMR(fmr), FormatFMR(c.MinFMR), c.Source, c.Pairs)
	case fmr > c.MaxFMR*(1+1e-9):
		return fmt.Errorf("%w: %s is above %s, the highest rate offered: above it most candidates would be strangers",
			ErrUncalibrated, FormatFMR(fmr), FormatFMR(c.MaxFMR))
	}
	return nil
}

// FormatFMR prints a false match rate the way settings and records show
// it: 0.001 as "1e-03", 0.0005 as "5e-04".
func FormatFMR(fmr float64) string {
	return strconv.FormatFloat(fmr, 'g', 3, 64)
}

// calibrationFromScores builds a calibration from the scores of n
// non-mated pairs (sorted in place).
func calibrationFromScores(source string, scores []float64) Calibration {
	slices.Sort(scores)
	n := len(scores)
	c := Calibration{Source: source, Pairs: int64(n), MaxFMR: MaxCalibratedFMR}
	if n == 0 {
		return c
	}
	c.MinFMR = 3 / float64(n)
	// Sample FMR from MaxFMR down to MinFMR on a log grid, ending exactly at
	// MinFMR.
	lo, hi := math.Log10(c.MinFMR), math.Log10(c.MaxFMR)
	steps := int(math.Ceil((hi - lo) * pointsPerDecade))
	for s := 0; s <= steps; s++ {
		fmr := math.Pow(10, hi-float64(s)/pointsPerDecade)
		if s == steps {
			fmr = c.MinFMR
		}
		c.Points = append(c.Points, CalibrationPoint{FMR: fmr, Threshold: quantileThreshold(scores, fmr)})
	}
	return c
}

// quantileThreshold is the score threshold at which the share of sorted
// scores at or below it is fmr: the (fmr·n)-th smallest score, interpolated
// between neighbouring scores, so that the threshold moves smoothly with fmr.
func quantileThreshold(sorted []float64, fmr float64) float64 {
	n := len(sorted)
	h := fmr*float64(n) - 0.5 // the rank's midpoint
	switch {
	case h <= 0:
		return sorted[0]
	case h >= float64(n-1):
		return sorted[n-1]
	}
	i := int(math.Floor(h))
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

// calibrate measures the cohort's own non-mated pairs: each face's
// statistics are taken against the others (as a face from outside would
// meet the whole cohort), every two faces are scored.
func calibrate(c *Cohort) Calibration {
	n := c.Size()
	stats := make([]facedata.CohortStats, n)
	for i := 0; i < n; i++ {
		d := c.Descriptor(i)
		stats[i] = c.stats(&d, i)
	}
	scores := make([]float64, 0, n*(n-1)/2)
	for i := 0; i < n; i++ {
		a := c.Descriptor(i)
		for j := i + 1; j < n; j++ {
			b := c.Descriptor(j)
			scores = append(scores, Score(a.Distance(&b), stats[i], stats[j]))
		}
	}
	return calibrationFromScores(fmt.Sprintf("cohort %s", c.info.ID), scores)
}
