package scorenorm

import (
	"fmt"
	"math"
)

// OperatingPoint is where a comparison counts as a match: a target false
// match rate and the normalised score threshold that gives it, with what
// the threshold was calibrated on. Settings, the CLI and search records
// name operating points by their FMR; the threshold follows from it.
type OperatingPoint struct {
	// TargetFMR is the false match rate aimed at.
	TargetFMR float64 `json:"target_fmr"`
	// Threshold is the normalised score at or below which a pair matches.
	Threshold float64 `json:"score_threshold"`
	// Calibration names what the threshold was measured on: a cohort's
	// own non-mated pairs, or a case's Lab run.
	Calibration string `json:"calibration"`
}

// Point is the operating point of a target false match rate under this
// calibration; a rate outside its range is refused (ErrUncalibrated).
func (c Calibration) Point(fmr float64) (OperatingPoint, error) {
	t, err := c.Threshold(fmr)
	if err != nil {
		return OperatingPoint{}, err
	}
	return OperatingPoint{TargetFMR: fmr, Threshold: t, Calibration: c.Source}, nil
}

// Match reports whether a normalised score is a match at this point (a
// tie is a match).
func (p OperatingPoint) Match(score float64) bool { return score <= p.Threshold }

// Valid reports whether the point can be used: a target FMR in (0, 1) and
// a finite threshold.
func (p OperatingPoint) Valid() error {
	if math.IsNaN(p.TargetFMR) || p.TargetFMR <= 0 || p.TargetFMR >= 1 {
		return fmt.Errorf("%w: target false match rate %v is not between 0 and 1", ErrUncalibrated, p.TargetFMR)
	}
	if math.IsNaN(p.Threshold) || math.IsInf(p.Threshold, 0) {
		return fmt.Errorf("%w: score threshold %v is not a number", ErrUncalibrated, p.Threshold)
	}
	return nil
}

// String is "FMR 1e-04 (score ≤ -2.314, cohort fairface-adults-v1)".
func (p OperatingPoint) String() string {
	return fmt.Sprintf("FMR %s (score ≤ %.3f, %s)", FormatFMR(p.TargetFMR), p.Threshold, p.Calibration)
}

// Kinds of normalised score. An operating point applies only to the kind
// of score it was calibrated on: thresholds of the shipped cohort's score
// and of an in-domain cohort's differ.
const (
	// KindShipped: statistics against the shipped cohort.
	KindShipped = "as-norm/shipped-cohort"
	// KindDomain: local scaling against an in-domain cohort (the faces
	// searched against), identities of the comparison left out. Until
	// 2026-12 the in-domain score was AS-norm ("as-norm/in-domain"); a case
	// operating point calibrated on that score is no longer applied.
	KindDomain = "local-scaling/in-domain"
)
