package casefile

import (
	"fmt"
	"math"
	"strings"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
)

// SessionSettings are the settings a reviewer's session analyses and
// searches a case with: the detectors and the operating points. They live
// in the app, not in the case, but every change is written to the case's
// audit log (RecordSessionSettings), so the log says at which operating
// point and with which detector later searches and analyses were made
// (each search record also keeps the exact score threshold it used).
type SessionSettings struct {
	// Detector finds faces in photos, VideoDetector in video.
	Detector      facedata.DetectorName `json:"detector"`
	VideoDetector facedata.DetectorName `json:"video_detector,omitempty"`
	// SearchFMR is the watchlist search's operating point, VerifyFMR the
	// 1:1 comparison's, as target false match rates.
	SearchFMR float64 `json:"search_fmr"`
	VerifyFMR float64 `json:"verify_fmr"`
}

// check refuses settings that cannot be searched with: no or an unknown
// detector, a rate outside (0, 1).
func (s SessionSettings) check() error {
	if strings.TrimSpace(string(s.Detector)) == "" {
		return fmt.Errorf("%w: no detector named", ErrInvalid)
	}
	for _, d := range []facedata.DetectorName{s.Detector, s.VideoDetector} {
		if _, err := facedata.ParseDetectorName(string(d)); d != "" && err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	for _, f := range []float64{s.SearchFMR, s.VerifyFMR} {
		if math.IsNaN(f) || f <= 0 || f >= 1 {
			return fmt.Errorf("%w: target false match rate %v is not between 0 and 1", ErrInvalid, f)
		}
	}
	return nil
}

// RecordSessionSettings writes a change of the session's settings to the
// audit log: the old and new detectors and operating points, what changed,
// and the actor. Nothing else in the case changes. Equal settings record
// nothing; settings that do not hold are refused with ErrInvalid.
func (c *Case) RecordSessionSettings(old, new SessionSettings) error {
	if err := new.check(); err != nil {
		return fmt.Errorf("record session settings: %w", err)
	}
	if old == new {
		return nil
	}
	details := map[string]any{"old": old, "new": new, "changed": changedSessionSettings(old, new)}
	err := c.update(func(tx *bolt.Tx) error {
		_, err := appendAudit(tx, c.now(), c.actor, ActionChangeSessionSettings, details, nil)
		return err
	})
	if err != nil {
		return fmt.Errorf("record session settings in %s: %w", c.path, err)
	}
	return nil
}

// changedSessionSettings names what changed: "detector", "video
// detector", "search operating point", "verification operating point".
func changedSessionSettings(old, new SessionSettings) []string {
	var out []string
	if old.Detector != new.Detector {
		out = append(out, "detector")
	}
	if old.VideoDetector != new.VideoDetector {
		out = append(out, "video detector")
	}
	if old.SearchFMR != new.SearchFMR {
		out = append(out, "search operating point")
	}
	if old.VerifyFMR != new.VerifyFMR {
		out = append(out, "verification operating point")
	}
	return out
}
