package casefile

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
)

// Track is one face followed through a video.
type Track struct {
	EvidenceID uint64 `json:"evidence_id"`
	// ID is the tracker's id, unique within the evidence item (not 0).
	ID uint64 `json:"id"`
	// FirstFrame and LastFrame bound the frames the face was seen in.
	FirstFrame uint32 `json:"first_frame"`
	LastFrame  uint32 `json:"last_frame"`
	// Path is the face's box in each frame it was seen in, in frame order.
	Path []TrackPoint `json:"path"`
	// CutFrame is the frame that starts the shot after the scene cut that
	// ended the track, or 0 when it ended otherwise (lost, or the video
	// ended). A viewer stops the track's path there.
	CutFrame uint32 `json:"cut_frame,omitempty"`
}

// TrackPoint is a track's position in one frame.
type TrackPoint struct {
	Frame uint32        `json:"frame"`
	Time  time.Duration `json:"time_ns"`
	Box   facedata.Rect `json:"box"`
}

// PutTrack stores a track, replacing an earlier version with the same
// evidence and id (a tracker may store a track while it grows). Every
// version is audited.
func (c *Case) PutTrack(t Track) error {
	if t.ID == 0 {
		return fmt.Errorf("put track: %w: track id 0", ErrInvalid)
	}
	for i := 1; i < len(t.Path); i++ {
		if t.Path[i].Frame < t.Path[i-1].Frame {
			return fmt.Errorf("put track %d: %w: path is not in frame order", t.ID, ErrInvalid)
		}
	}
	if len(t.Path) > 0 {
		t.FirstFrame, t.LastFrame = t.Path[0].Frame, t.Path[len(t.Path)-1].Frame
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return err
	}
	err = c.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketEvidence).Get(u64Key(t.EvidenceID)) == nil {
			return fmt.Errorf("evidence %d: %w", t.EvidenceID, ErrNotFound)
		}
		k := u64Pair(t.EvidenceID, t.ID)
		if err := tx.Bucket(bucketTracks).Put(k, raw); err != nil {
			return err
		}
		_, err := appendAudit(tx, c.now(), c.actor, ActionPutTrack,
			map[string]any{"evidence_id": t.EvidenceID, "track_id": t.ID, "points": len(t.Path)},
			[]RecordRef{recordRef(bucketTracks, k, raw)})
		return err
	})
	if err != nil {
		return fmt.Errorf("put track %d of evidence %d in %s: %w", t.ID, t.EvidenceID, c.path, err)
	}
	return nil
}

// Tracks returns the tracks of one evidence item in id order.
func (c *Case) Tracks(evidenceID uint64) ([]Track, error) {
	var out []Track
	err := c.view(func(tx *bolt.Tx) error {
		prefix := u64Key(evidenceID)
		cur := tx.Bucket(bucketTracks).Cursor()
		for k, v := cur.Seek(prefix); k != nil && len(k) >= 8 && string(k[:8]) == string(prefix); k, v = cur.Next() {
			var t Track
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("%w: track %x: %v", ErrCorrupt, k, err)
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}
