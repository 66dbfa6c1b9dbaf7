package casefile

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
)

// PersonTrack is one person followed whole through a video, face visible
// or not: their path, the face tracks seen on them and their best views.
// Who the person is comes from their faces: the searches and reviews of
// the detections of those face tracks (a person is a candidate or a
// confirmed match when one of their faces is), so an identity reached from
// one good look at a face covers the whole path.
type PersonTrack struct {
	EvidenceID uint64 `json:"evidence_id"`
	// ID is the person tracker's id, unique within the evidence item (not
	// 0); person and face track ids are separate series.
	ID uint64 `json:"id"`
	// FirstFrame and LastFrame bound the frames the person was seen in.
	FirstFrame uint32 `json:"first_frame"`
	LastFrame  uint32 `json:"last_frame"`
	// Path is the person box in each frame from first to last (between
	// detections the box is interpolated); the path walked is drawn
	// through the boxes' foot points (bottom centre).
	Path []TrackPoint `json:"path"`
	// Faces are the face tracks seen on the person.
	Faces []PersonFace `json:"faces,omitempty"`
	// BestFace is the view of the best face attached (the one to search
	// with), nil when no face was seen.
	BestFace *PersonView `json:"best_face,omitempty"`
	// Body is the best view of the whole person (the tallest confident
	// detection): the thumbnail when no face was seen.
	Body PersonView `json:"body"`
	// CutFrame is the frame starting the shot after the scene cut that
	// ended the track, 0 otherwise.
	CutFrame uint32 `json:"cut_frame,omitempty"`
}

// PersonFace is a face track seen on a person track.
type PersonFace struct {
	// TrackID is the face track's id in the same evidence item.
	TrackID uint64 `json:"track_id"`
	// Frames counts the face's detections attached to the person;
	// FirstFrame and LastFrame bound them.
	Frames     uint32 `json:"frames"`
	FirstFrame uint32 `json:"first_frame"`
	LastFrame  uint32 `json:"last_frame"`
}

// PersonView is where a person (or their face, with its face track) was
// seen well.
type PersonView struct {
	Frame uint32        `json:"frame"`
	Time  time.Duration `json:"time_ns"`
	Box   facedata.Rect `json:"box"`
	// FaceTrackID is the face track of a face view (0 for a body view).
	FaceTrackID uint64 `json:"face_track_id,omitempty"`
}

// PathLength is the distance the person's foot point travelled, in frame
// pixels.
func (p PersonTrack) PathLength() float64 {
	var d float64
	for i := 1; i < len(p.Path); i++ {
		a, b := p.Path[i-1].Box.Foot(), p.Path[i].Box.Foot()
		d += math.Hypot(b.X-a.X, b.Y-a.Y)
	}
	return d
}

func (p *PersonTrack) validate() error {
	if p.ID == 0 {
		return fmt.Errorf("%w: person track id 0", ErrInvalid)
	}
	for i, pt := range p.Path {
		if i > 0 && pt.Frame <= p.Path[i-1].Frame {
			return fmt.Errorf("%w: person track %d: path is not in frame order", ErrInvalid, p.ID)
		}
		for _, v := range []float64{pt.Box.X, pt.Box.Y, pt.Box.W, pt.Box.H} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: person track %d: box %v is not finite", ErrInvalid, p.ID, pt.Box)
			}
		}
	}
	for _, f := range p.Faces {
		if f.TrackID == 0 {
			return fmt.Errorf("%w: person track %d: face track id 0", ErrInvalid, p.ID)
		}
	}
	return nil
}

// PutPersonTrack stores a person track, replacing an earlier version with
// the same evidence and id. Every version is audited.
func (c *Case) PutPersonTrack(p PersonTrack) error {
	if err := p.validate(); err != nil {
		return fmt.Errorf("put person track: %w", err)
	}
	if len(p.Path) > 0 {
		p.FirstFrame, p.LastFrame = p.Path[0].Frame, p.Path[len(p.Path)-1].Frame
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	err = c.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketEvidence).Get(u64Key(p.EvidenceID)) == nil {
			return fmt.Errorf("evidence %d: %w", p.EvidenceID, ErrNotFound)
		}
		k := u64Pair(p.EvidenceID, p.ID)
		if err := tx.Bucket(bucketPersons).Put(k, raw); err != nil {
			return err
		}
		faces := make([]uint64, len(p.Faces))
		for i, f := range p.Faces {
			faces[i] = f.TrackID
		}
		_, err := appendAudit(tx, c.now(), c.actor, ActionPutPersonTrack,
			map[string]any{"evidence_id": p.EvidenceID, "person_track_id": p.ID, "points": len(p.Path), "face_tracks": faces},
			[]RecordRef{recordRef(bucketPersons, k, raw)})
		return err
	})
	if err != nil {
		return fmt.Errorf("put person track %d of evidence %d in %s: %w", p.ID, p.EvidenceID, c.path, err)
	}
	return nil
}

// PersonTrackCount is the number of person tracks stored for one
// evidence item (the people followed in it), counted without reading them.
func (c *Case) PersonTrackCount(evidenceID uint64) (int, error) {
	n := 0
	err := c.view(func(tx *bolt.Tx) error {
		return eachPersonTrack(tx, evidenceID, func(_, _ []byte) error { n++; return nil })
	})
	return n, err
}

// eachPersonTrack calls fn with the key and value of every person track of
// one evidence item, in id order.
func eachPersonTrack(tx *bolt.Tx, evidenceID uint64, fn func(k, v []byte) error) error {
	b := tx.Bucket(bucketPersons)
	if b == nil {
		return nil
	}
	prefix := u64Key(evidenceID)
	cur := b.Cursor()
	for k, v := cur.Seek(prefix); k != nil && len(k) >= 8 && string(k[:8]) == string(prefix); k, v = cur.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// PersonTracks returns the person tracks of one evidence item in id
// order.
func (c *Case) PersonTracks(evidenceID uint64) ([]PersonTrack, error) {
	var out []PersonTrack
	err := c.view(func(tx *bolt.Tx) error {
		return eachPersonTrack(tx, evidenceID, func(k, v []byte) error {
			var p PersonTrack
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("%w: person track %x: %v", ErrCorrupt, k, err)
			}
			out = append(out, p)
			return nil
		})
	})
	return out, err
}
