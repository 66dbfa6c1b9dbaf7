package session

import (
	"fmt"

	"facecase/casefile"
)

// SetCaseThreshold makes an operating point measured in the Lab the
// case's own: the case records it with its measurement (an audited
// settings change) and this session searches at its FMR, with its
// threshold, from now on.
func (s *Session) SetCaseThreshold(cal casefile.ThresholdCalibration) error {
	if err := s.SetCalibratedThreshold(cal); err != nil {
		return err
	}
	p, ok := cal.Point()
	if !ok {
		return nil
	}
	st := s.UserSettings()
	st.SearchFMR = p.TargetFMR
	return s.SetUserSettings(st)
}

// LabCalibration is the record of a Lab run's normalised score calibrated
// for a target FMR on its data (eval's Result.NormalisedThreshold), with
// the overall rates there, ready for SetCaseThreshold.
func LabCalibration(out *LabOutcome, targetFMR float64) (casefile.ThresholdCalibration, error) {
	t, fmr, fnmr, err := out.Result.NormalisedThreshold(targetFMR)
	if err != nil {
		return casefile.ThresholdCalibration{}, fmt.Errorf("target FMR %g: %w", targetFMR, err)
	}
	score := ""
	if f := out.Result.Summary.Fairness; f != nil {
		score = f.Score
	}
	return casefile.ThresholdCalibration{
		Threshold: t, Score: score, Dataset: out.Dataset, Model: out.Result.Summary.Model, TargetFMR: targetFMR,
		FMRErrors: fmr.Errors, FMRTrials: fmr.Trials, FNMRErrors: fnmr.Errors, FNMRTrials: fnmr.Trials,
		MeasuredAt: out.Finished,
	}, nil
}
