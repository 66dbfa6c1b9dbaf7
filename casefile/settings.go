package casefile

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Settings are the case's rules.
type Settings struct {
	// RequireTwoReviewers makes a candidate a confirmed match only when two
	// different reviewers have confirmed it (and nobody rejected it).
	RequireTwoReviewers bool `json:"require_two_reviewers"`
	// MatchThreshold is the case's default search threshold (largest
	// descriptor distance a search returns); 0 leaves the reviewer's own
	// threshold in force. See SetCalibratedThreshold.
	MatchThreshold float64 `json:"match_threshold,omitempty"`
	// Calibration says how MatchThreshold was measured; zero when it was
	// set without a measurement.
	Calibration ThresholdCalibration `json:"threshold_calibration,omitzero"`
	// RequireAuthorisation refuses searches while the case record has no
	// authorisation reference (ErrNoAuthorisation).
	RequireAuthorisation bool `json:"require_authorisation,omitempty"`
}

// RequiredConfirmations is how many different reviewers must confirm.
func (s Settings) RequiredConfirmations() int {
	if s.RequireTwoReviewers {
		return 2
	}
	return 1
}

// Settings returns the case's settings.
func (c *Case) Settings() (Settings, error) {
	var s Settings
	err := c.view(func(tx *bolt.Tx) (err error) {
		s, err = readSettings(tx)
		return err
	})
	if err != nil {
		return s, fmt.Errorf("case %s: %w", c.path, err)
	}
	return s, nil
}

func readSettings(tx *bolt.Tx) (Settings, error) {
	var s Settings
	if err := json.Unmarshal(tx.Bucket(bucketMeta).Get(metaSettings), &s); err != nil {
		return s, fmt.Errorf("%w: settings record: %v", ErrCorrupt, err)
	}
	return s, nil
}

// SetSettings changes the case's settings; the change and the old and new
// values are recorded in the audit log. Settings that do not hold (see
// ThresholdCalibration) are refused with ErrInvalid.
func (c *Case) SetSettings(s Settings) error {
	return c.changeSettings(func(Settings) Settings { return s })
}

// changeSettings applies change to the stored settings in one transaction
// and records the change in the audit log.
func (c *Case) changeSettings(change func(old Settings) Settings) error {
	err := c.update(func(tx *bolt.Tx) error {
		old, err := readSettings(tx)
		if err != nil {
			return err
		}
		s := change(old)
		if err := s.check(); err != nil {
			return err
		}
		if old == s {
			return nil
		}
		raw, err := json.Marshal(s)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketMeta).Put(metaSettings, raw); err != nil {
			return err
		}
		_, err = appendAudit(tx, c.now(), c.actor, ActionChangeSettings,
			map[string]Settings{"old": old, "new": s},
			[]RecordRef{recordRef(bucketMeta, metaSettings, raw)})
		return err
	})
	if err != nil {
		return fmt.Errorf("change settings of %s: %w", c.path, err)
	}
	return nil
}
