package casefile

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Evidence is one evidence item: a photo or video file taken into the case.
// The record is written once and never changed.
type Evidence struct {
	ID uint64 `json:"id"`
	// Name is the original file's base name.
	Name string `json:"name"`
	// OriginalPath is where the file was taken from (absolute).
	OriginalPath string `json:"original_path"`
	// StoredPath is the copy's path relative to the case file's folder;
	// empty when the file is referenced in place.
	StoredPath string `json:"stored_path,omitempty"`
	// Referenced is true when the original is used in place, not copied.
	Referenced bool `json:"referenced"`
	// Size in bytes, SHA-256 and MD5 (for older tools) of the content, hex.
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	MD5    string `json:"md5"`
	// MediaType is the sniffed MIME type; Kind is "photo", "video" or "other".
	MediaType string `json:"media_type"`
	Kind      string `json:"kind"`
	// ModTime is the original's modification time at intake.
	ModTime time.Time `json:"mod_time"`
	// AddedBy and AddedAt say who took the file in and when.
	AddedBy string    `json:"added_by"`
	AddedAt time.Time `json:"added_at"`
	// Note is free text given at intake.
	Note string `json:"note,omitempty"`
}

// Kinds of evidence.
const (
	KindPhoto = "photo"
	KindVideo = "video"
	KindOther = "other"
)

// WorkingPath is the file facecase reads for this item: the copy in the
// media folder, or the original when referenced. caseFile is the case
// file's path.
func (e Evidence) WorkingPath(caseFile string) string {
	if e.Referenced {
		return e.OriginalPath
	}
	return filepath.Join(filepath.Dir(caseFile), e.StoredPath)
}

// Evidence returns one evidence item.
func (c *Case) Evidence(id uint64) (Evidence, error) {
	var ev Evidence
	err := c.view(func(tx *bolt.Tx) (err error) {
		ev, err = readEvidence(tx, id)
		return err
	})
	return ev, err
}

// EvidenceList returns every evidence item in intake order.
func (c *Case) EvidenceList() ([]Evidence, error) {
	var out []Evidence
	err := c.view(func(tx *bolt.Tx) (err error) {
		out, err = readAllEvidence(tx)
		return err
	})
	return out, err
}

// EvidencePath is the file facecase shows for an evidence item: its
// working path (see WorkingPath) or, in a review copy imported from a
// bundle, the redacted copy the bundle carried (when it carried one).
func (c *Case) EvidencePath(ev Evidence) string {
	if c.importInfo != nil {
		if m, ok := c.importInfo.mediaOf(ev.ID); ok {
			return filepath.Join(filepath.Dir(c.path), m.File)
		}
	}
	return ev.WorkingPath(c.path)
}

func readEvidence(tx *bolt.Tx, id uint64) (Evidence, error) {
	var ev Evidence
	v := tx.Bucket(bucketEvidence).Get(u64Key(id))
	if v == nil {
		return ev, fmt.Errorf("evidence %d: %w", id, ErrNotFound)
	}
	if err := json.Unmarshal(v, &ev); err != nil {
		return ev, fmt.Errorf("%w: evidence %d: %v", ErrCorrupt, id, err)
	}
	return ev, nil
}

func readAllEvidence(tx *bolt.Tx) ([]Evidence, error) {
	var out []Evidence
	err := tx.Bucket(bucketEvidence).ForEach(func(k, v []byte) error {
		var ev Evidence
		if err := json.Unmarshal(v, &ev); err != nil {
			return fmt.Errorf("%w: evidence %d: %v", ErrCorrupt, keyU64(k), err)
		}
		out = append(out, ev)
		return nil
	})
	return out, err
}
