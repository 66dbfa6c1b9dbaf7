package casefile

import (
	"fmt"
	"math"
	"strings"
	"time"

	"facecase/recognition/scorenorm"
)

// ThresholdCalibration records how a case's own operating point was
// measured: by the accuracy lab (recognition/eval, the desktop app's Lab
// view) on a labelled dataset, as a target FMR, the normalised score
// threshold that met it there, and the false match and false non-match
// counts at that threshold. It lives in Settings, so setting it goes
// through the settings change and its audit entry (old and new values).
//
// Calibrations stored before scores were normalised have an empty Score:
// their Threshold is a distance and equals Settings.MatchThreshold. They
// are kept and shown, but no longer searched with.
type ThresholdCalibration struct {
	// Threshold is the score the rates were measured at: a normalised
	// score when Score is set, else a distance.
	Threshold float64 `json:"threshold"`
	// Score names the normalised score Threshold is on ("as-norm
	// fairface-adults-v1"); empty for a distance.
	Score string `json:"score,omitempty"`
	// Dataset names the data measured on (its folder or file name).
	Dataset string `json:"dataset"`
	// Model names the descriptor model and settings that were measured.
	Model string `json:"model,omitempty"`
	// TargetFMR is the false match rate the threshold was calibrated for;
	// 0 when the threshold was chosen by hand.
	TargetFMR float64 `json:"target_fmr,omitempty"`
	// FMRErrors of FMRTrials non-mated pairs matched at Threshold.
	FMRErrors int64 `json:"fmr_errors"`
	FMRTrials int64 `json:"fmr_trials"`
	// FNMRErrors of FNMRTrials mated pairs did not match at Threshold.
	FNMRErrors int64 `json:"fnmr_errors"`
	FNMRTrials int64 `json:"fnmr_trials"`
	// MeasuredAt is when the evaluation ran (stored in UTC, whole seconds).
	MeasuredAt time.Time `json:"measured_at"`
}

// FMR is the measured false match rate; ok is false without non-mated pairs.
func (c ThresholdCalibration) FMR() (rate float64, ok bool) {
	return calibrationRate(c.FMRErrors, c.FMRTrials)
}

// FNMR is the measured false non-match rate; ok is false without mated pairs.
func (c ThresholdCalibration) FNMR() (rate float64, ok bool) {
	return calibrationRate(c.FNMRErrors, c.FNMRTrials)
}

func calibrationRate(errs, trials int64) (float64, bool) {
	if trials <= 0 {
		return 0, false
	}
	return float64(errs) / float64(trials), true
}

// Normalised reports whether the calibration is of a normalised score
// (not a distance stored before normalisation).
func (c ThresholdCalibration) Normalised() bool { return c.Score != "" }

// Point is the calibration as an operating point: its target FMR and score
// threshold. ok is false for a distance calibration or one without a
// target FMR.
func (c ThresholdCalibration) Point() (p scorenorm.OperatingPoint, ok bool) {
	if !c.Normalised() || c.TargetFMR <= 0 {
		return scorenorm.OperatingPoint{}, false
	}
	return scorenorm.OperatingPoint{TargetFMR: c.TargetFMR, Threshold: c.Threshold,
		Calibration: fmt.Sprintf("case calibration: Lab run on %s, %s", c.Dataset, c.MeasuredAt.UTC().Format("2006-01-02 15:04"))}, true
}

// SetCalibratedThreshold makes cal the case's own operating point: for a
// normalised calibration (Score set) the case searches at cal.TargetFMR
// with cal.Threshold; a distance calibration (from before normalisation)
// sets MatchThreshold as it did. It is one audited settings change (the
// other settings are kept). A calibration that does not hold (threshold
// out of range, a normalised one without a target FMR, counts out of
// range, no dataset name, no non-mated pairs, no time) is refused with
// ErrInvalid.
func (c *Case) SetCalibratedThreshold(cal ThresholdCalibration) error {
	cal.Dataset = strings.TrimSpace(cal.Dataset)
	cal.MeasuredAt = cal.MeasuredAt.UTC().Truncate(time.Second)
	return c.changeSettings(func(s Settings) Settings {
		s.MatchThreshold, s.Calibration = cal.Threshold, cal
		if cal.Normalised() {
			s.MatchThreshold = 0
		}
		return s
	})
}

// check validates the threshold settings: a default threshold in range,
// and a calibration, when there is one, that holds and belongs to it.
func (s Settings) check() error {
	if s.MatchThreshold != 0 && !validThreshold(s.MatchThreshold) {
		return fmt.Errorf("%w: match threshold %v is outside (0, %d]", ErrInvalid, s.MatchThreshold, MaxThreshold)
	}
	if s.Calibration == (ThresholdCalibration{}) {
		return nil
	}
	if err := s.Calibration.check(); err != nil {
		return err
	}
	if s.Calibration.Normalised() {
		if s.MatchThreshold != 0 {
			return fmt.Errorf("%w: a normalised calibration leaves no distance threshold (match threshold %v)", ErrInvalid, s.MatchThreshold)
		}
		return nil
	}
	if s.Calibration.Threshold != s.MatchThreshold {
		return fmt.Errorf("%w: the calibration was measured at threshold %v, not at the match threshold %v",
			ErrInvalid, s.Calibration.Threshold, s.MatchThreshold)
	}
	return nil
}

func (c ThresholdCalibration) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: threshold calibration: "+format, append([]any{ErrInvalid}, args...)...)
	}
	switch {
	case c.Normalised() && (math.IsNaN(c.Threshold) || math.IsInf(c.Threshold, 0)):
		return bad("score threshold %v is not a number", c.Threshold)
	case c.Normalised() && !(c.TargetFMR > 0):
		return bad("a normalised score threshold needs the target FMR it was calibrated for")
	case !c.Normalised() && !validThreshold(c.Threshold):
		return bad("threshold %v is outside (0, %d]", c.Threshold, MaxThreshold)
	case c.Dataset == "":
		return bad("the dataset is not named")
	case c.FMRTrials <= 0:
		return bad("no non-mated pairs were measured, so there is no false match rate")
	case c.FMRErrors < 0 || c.FMRErrors > c.FMRTrials:
		return bad("%d false matches of %d non-mated pairs", c.FMRErrors, c.FMRTrials)
	case c.FNMRTrials < 0 || c.FNMRErrors < 0 || c.FNMRErrors > c.FNMRTrials:
		return bad("%d false non-matches of %d mated pairs", c.FNMRErrors, c.FNMRTrials)
	case math.IsNaN(c.TargetFMR) || c.TargetFMR < 0 || c.TargetFMR >= 1:
		return bad("target FMR %v is not below 1", c.TargetFMR)
	case c.MeasuredAt.IsZero():
		return bad("the time of the measurement is missing")
	}
	return nil
}

func validThreshold(t float64) bool { return t > 0 && t <= MaxThreshold && !math.IsNaN(t) }
