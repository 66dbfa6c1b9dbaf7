package session

import (
	"errors"
	"fmt"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/models"
	"facecase/recognition/scorenorm"
)

// Settings are the user's choices that analysis and searching use.
type Settings struct {
	// Detector finds faces in photos (facedata.UltraFace by default; see
	// facedata.DetectorNames).
	Detector facedata.DetectorName
	// VideoDetector finds faces in video frames (facedata.BlazeFace: fast).
	VideoDetector facedata.DetectorName
	// SearchFMR is the watchlist search's operating point, VerifyFMR the
	// 1:1 comparison's: target false match rates, which the cohort's
	// calibration (or the case's own, from its Lab) turns into score
	// thresholds.
	SearchFMR float64
	VerifyFMR float64
	// Reviewer is who works on the case: the case's actor, recorded with
	// every change, search and review decision.
	Reviewer string
}

// DefaultSettings: UltraFace for photos, BlazeFace for video, watchlist search
// at FMR 1e-4 and verification at 1e-3.
func DefaultSettings() Settings {
	return Settings{Detector: facedata.DefaultDetector, VideoDetector: facedata.BlazeFace,
		SearchFMR: scorenorm.DefaultSearchFMR, VerifyFMR: scorenorm.DefaultVerifyFMR}
}

// withDefaults fills in empty fields.
func (s Settings) withDefaults() Settings {
	d := DefaultSettings()
	if s.Detector == "" {
		s.Detector = d.Detector
	}
	if s.VideoDetector == "" {
		s.VideoDetector = d.VideoDetector
	}
	if s.SearchFMR <= 0 {
		s.SearchFMR = d.SearchFMR
	}
	if s.VerifyFMR <= 0 {
		s.VerifyFMR = d.VerifyFMR
	}
	return s
}

// Cohort is the shipped score normalisation cohort, checked against the
// model manifest (see models.LoadCohort).
func Cohort() (*scorenorm.Cohort, error) { return models.LoadCohort() }

// CheckSettings refuses operating points outside the calibrated range of
// the cohort, with the reason (an error wrapping
// scorenorm.ErrUncalibrated).
func CheckSettings(s Settings) error {
	c, err := Cohort()
	if err != nil {
		return err
	}
	cal := c.Calibration()
	if err := cal.Check(s.SearchFMR); err != nil {
		return fmt.Errorf("watchlist search operating point: %w", err)
	}
	if err := cal.Check(s.VerifyFMR); err != nil {
		return fmt.Errorf("verification operating point: %w", err)
	}
	return nil
}

// VerifyPoint is the operating point of 1:1 comparisons (the face panel,
// review): the shipped cohort's calibration at the session's verification
// FMR. (Watchlist searches resolve theirs in casefile.Search, from the
// watchlist itself once it is large enough.)
func (s *Session) VerifyPoint() (scorenorm.OperatingPoint, error) {
	c, err := Cohort()
	if err != nil {
		return scorenorm.OperatingPoint{}, err
	}
	return c.Calibration().Point(s.UserSettings().VerifyFMR)
}

// sessionSettings is what the case's audit log records of st.
func sessionSettings(st Settings) casefile.SessionSettings {
	return casefile.SessionSettings{Detector: st.Detector, VideoDetector: st.VideoDetector, SearchFMR: st.SearchFMR, VerifyFMR: st.VerifyFMR}
}

// UseCaseOperatingPoint makes searches in this session use the case's own
// operating point, when its Lab calibrated one; it reports whether it
// did. The case window calls it on opening; the reviewer's Settings still
// change the operating point for the session afterwards.
func (s *Session) UseCaseOperatingPoint() (bool, error) {
	cs, err := s.Settings()
	if err != nil {
		return false, err
	}
	p, ok := cs.Calibration.Point()
	if !ok {
		return false, nil
	}
	st := s.UserSettings()
	st.SearchFMR = p.TargetFMR
	if err := s.SetUserSettings(st); err != nil {
		return false, err
	}
	return true, nil
}

// auditSettings writes a change of detector or operating point to the
// case's audit log; a read-only case (a review copy) records nothing.
func (s *Session) auditSettings(old, new Settings) error {
	if err := s.RecordSessionSettings(sessionSettings(old), sessionSettings(new)); err != nil && !errors.Is(err, casefile.ErrReadOnly) {
		return err
	}
	return nil
}
