package session

import (
	"facecase/facedata"
)

// Settings are the user's choices that analysis and searching use.
type Settings struct {
	// Detector finds faces in photos ("ultraface" by default; see
	// recognition.DetectorNames).
	Detector string
	// VideoDetector finds faces in video frames ("blazeface": fast).
	VideoDetector string
	// Threshold is the largest descriptor distance a search returns.
	Threshold float64
	// Reviewer is who works on the case: the case's actor, recorded with
	// every change, search and review decision.
	Reviewer string
}

// DefaultSettings: SSD for photos, BlazeFace for video, dlib's 0.6.
func DefaultSettings() Settings {
	return Settings{Detector: "ultraface", VideoDetector: "blazeface", Threshold: facedata.SameThreshold}
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
	if s.Threshold <= 0 {
		s.Threshold = d.Threshold
	}
	return s
}

// UseCaseThreshold makes searches in this session use the case's default
// match threshold, when the case has one; it reports whether it did. The
// case window calls it on opening; the reviewer's Settings still change
// the threshold for the session afterwards.
func (s *Session) UseCaseThreshold() (bool, error) {
	cs, err := s.Settings()
	if err != nil {
		return false, err
	}
	if cs.MatchThreshold <= 0 {
		return false, nil
	}
	st := s.UserSettings()
	st.Threshold = cs.MatchThreshold
	s.SetUserSettings(st)
	return true, nil
}
