package session

import (
	"fmt"

	"facecase/casefile"
	"facecase/recognition/eval"
)

// SetCaseThreshold makes a threshold measured in the Lab the case's
// default match threshold: the case records it with its measurement
// (an audited settings change) and this session searches with it from now
// on.
func (s *Session) SetCaseThreshold(cal casefile.ThresholdCalibration) error {
	if err := s.SetCalibratedThreshold(cal); err != nil {
		return err
	}
	st := s.UserSettings()
	st.Threshold = cal.Threshold
	s.SetUserSettings(st)
	return nil
}

// LabCalibration is the record of a Lab run's overall rates at threshold
// t, ready for SetCaseThreshold. targetFMR is the rate t was calibrated
// for (0 when t was chosen by hand). t must be on eval's threshold grid.
func LabCalibration(out *LabOutcome, t, targetFMR float64) (casefile.ThresholdCalibration, error) {
	fmr, fnmr, err := out.Result.RatesAt(eval.OverallColumn, eval.OverallColumn, t)
	if err != nil {
		return casefile.ThresholdCalibration{}, fmt.Errorf("threshold %v: %w", t, err)
	}
	return casefile.ThresholdCalibration{
		Threshold: t, Dataset: out.Dataset, Model: out.Result.Summary.Model, TargetFMR: targetFMR,
		FMRErrors: fmr.Errors, FMRTrials: fmr.Trials, FNMRErrors: fnmr.Errors, FNMRTrials: fnmr.Trials,
		MeasuredAt: out.Finished,
	}, nil
}
