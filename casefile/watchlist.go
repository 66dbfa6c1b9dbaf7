package casefile

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
)

// Subject is a person on the case's watchlist.
type Subject struct {
	ID        uint64    `json:"id"`
	Label     string    `json:"label"`
	Notes     string    `json:"notes,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Provenance says where an enrolment image came from.
type Provenance struct {
	// Source describes the image's origin ("custody photo 2023-114", a
	// file name, an agency reference). Required.
	Source string `json:"source"`
	// Date is when the image was taken or obtained, as given.
	Date string `json:"date,omitempty"`
	// ImageSHA256 is the image file's SHA-256, when known.
	ImageSHA256 string `json:"image_sha256,omitempty"`
	// AddedBy and AddedAt are set by Enrol.
	AddedBy string    `json:"added_by"`
	AddedAt time.Time `json:"added_at"`
}

// Enrolment is one image of a subject: its provenance and the descriptors
// of the subject's face in it (usually one), each with its cohort
// statistics.
type Enrolment struct {
	ID          uint64                `json:"id"`
	SubjectID   uint64                `json:"subject_id"`
	Provenance  Provenance            `json:"provenance"`
	Descriptors []facedata.Descriptor `json:"descriptors"`
	// CohortStats[i] belongs to Descriptors[i]; empty in enrolments
	// stored before the statistics were computed.
	CohortStats []facedata.CohortStats `json:"cohort_stats,omitempty"`
}

// Template is descriptor i with its cohort statistics (zero when the
// enrolment predates them).
func (e *Enrolment) Template(i int) facedata.Template {
	t := facedata.Template{Descriptor: e.Descriptors[i]}
	if i < len(e.CohortStats) {
		t.Cohort = e.CohortStats[i]
	}
	return t
}

// AddSubject puts a person on the watchlist.
func (c *Case) AddSubject(label, notes string) (Subject, error) {
	s := Subject{Label: strings.TrimSpace(label), Notes: strings.TrimSpace(notes), CreatedBy: c.actor}
	if s.Label == "" {
		return s, fmt.Errorf("add subject: %w: label is required", ErrInvalid)
	}
	if err := checkText(s.Label + s.Notes); err != nil {
		return s, fmt.Errorf("add subject: %w", err)
	}
	err := c.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubjects)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		s.ID, s.CreatedAt = id, c.now()
		raw, err := json.Marshal(s)
		if err != nil {
			return err
		}
		if err := b.Put(u64Key(id), raw); err != nil {
			return err
		}
		version, err := bumpWatchlist(tx)
		if err != nil {
			return err
		}
		_, err = appendAudit(tx, s.CreatedAt, c.actor, ActionAddSubject,
			map[string]any{"subject_id": id, "label": s.Label, "watchlist_version": version},
			[]RecordRef{recordRef(bucketSubjects, u64Key(id), raw)})
		return err
	})
	if err != nil {
		return Subject{}, fmt.Errorf("add subject to %s: %w", c.path, err)
	}
	return s, nil
}

// Enrol adds an image of a subject: its provenance and the templates
// (descriptor and cohort statistics) of the subject's face in it. Every
// template needs valid statistics: the engine computes them with the
// descriptor.
func (c *Case) Enrol(subjectID uint64, prov Provenance, templates []facedata.Template) (Enrolment, error) {
	prov.Source, prov.Date = strings.TrimSpace(prov.Source), strings.TrimSpace(prov.Date)
	if prov.Source == "" {
		return Enrolment{}, fmt.Errorf("enrol: %w: the image's source is required", ErrInvalid)
	}
	if err := checkText(prov.Source + prov.Date); err != nil {
		return Enrolment{}, fmt.Errorf("enrol: %w", err)
	}
	if len(templates) == 0 {
		return Enrolment{}, fmt.Errorf("enrol: %w: no descriptor", ErrInvalid)
	}
	descriptors := make([]facedata.Descriptor, len(templates))
	stats := make([]facedata.CohortStats, len(templates))
	for i, t := range templates {
		if err := checkDescriptor(&t.Descriptor); err != nil {
			return Enrolment{}, fmt.Errorf("enrol: %w", err)
		}
		if !t.Cohort.Valid() {
			return Enrolment{}, fmt.Errorf("enrol: %w: descriptor %d has no cohort statistics", ErrInvalid, i+1)
		}
		descriptors[i], stats[i] = t.Descriptor, t.Cohort
	}
	prov.AddedBy = c.actor
	e := Enrolment{SubjectID: subjectID, Provenance: prov, Descriptors: descriptors, CohortStats: stats}
	err := c.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSubjects).Get(u64Key(subjectID)) == nil {
			return fmt.Errorf("subject %d: %w", subjectID, ErrNotFound)
		}
		b := tx.Bucket(bucketEnrolments)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		e.ID, e.Provenance.AddedAt = id, c.now()
		raw, err := json.Marshal(e)
		if err != nil {
			return err
		}
		k := u64Pair(subjectID, id)
		if err := b.Put(k, raw); err != nil {
			return err
		}
		version, err := bumpWatchlist(tx)
		if err != nil {
			return err
		}
		_, err = appendAudit(tx, e.Provenance.AddedAt, c.actor, ActionEnrol,
			map[string]any{"subject_id": subjectID, "enrolment_id": id, "source": prov.Source, "descriptors": len(descriptors), "watchlist_version": version},
			[]RecordRef{recordRef(bucketEnrolments, k, raw)})
		return err
	})
	if err != nil {
		return Enrolment{}, fmt.Errorf("enrol subject %d in %s: %w", subjectID, c.path, err)
	}
	return e, nil
}

func bumpWatchlist(tx *bolt.Tx) (uint64, error) {
	meta := tx.Bucket(bucketMeta)
	v := getU64(meta, metaWatchlistVersion) + 1
	return v, putU64(meta, metaWatchlistVersion, v)
}

// Subjects returns the watchlist in id order.
func (c *Case) Subjects() ([]Subject, error) {
	var out []Subject
	err := c.view(func(tx *bolt.Tx) (err error) {
		out, err = readSubjects(tx)
		return err
	})
	return out, err
}

// Subject returns the watchlist subject with this id, or an error
// wrapping ErrNotFound.
func (c *Case) Subject(id uint64) (Subject, error) {
	subjects, err := c.Subjects()
	if err != nil {
		return Subject{}, err
	}
	for _, s := range subjects {
		if s.ID == id {
			return s, nil
		}
	}
	return Subject{}, fmt.Errorf("subject %d: %w", id, ErrNotFound)
}

// Enrolments returns a subject's enrolments (all subjects' when 0).
func (c *Case) Enrolments(subjectID uint64) ([]Enrolment, error) {
	var out []Enrolment
	err := c.view(func(tx *bolt.Tx) (err error) {
		out, err = readEnrolments(tx, subjectID)
		return err
	})
	return out, err
}

// WatchlistVersion counts changes to the watchlist; searches record it.
func (c *Case) WatchlistVersion() (uint64, error) {
	var v uint64
	err := c.view(func(tx *bolt.Tx) error {
		v = getU64(tx.Bucket(bucketMeta), metaWatchlistVersion)
		return nil
	})
	return v, err
}

func readSubjects(tx *bolt.Tx) ([]Subject, error) {
	var out []Subject
	err := tx.Bucket(bucketSubjects).ForEach(func(k, v []byte) error {
		var s Subject
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("%w: subject %d: %v", ErrCorrupt, keyU64(k), err)
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

func readEnrolments(tx *bolt.Tx, subjectID uint64) ([]Enrolment, error) {
	var out []Enrolment
	cur := tx.Bucket(bucketEnrolments).Cursor()
	var k, v []byte
	if subjectID == 0 {
		k, v = cur.First()
	} else {
		k, v = cur.Seek(u64Key(subjectID))
	}
	for ; k != nil; k, v = cur.Next() {
		if subjectID != 0 && keyU64(k) != subjectID {
			break
		}
		var e Enrolment
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("%w: enrolment %x: %v", ErrCorrupt, k, err)
		}
		out = append(out, e)
	}
	return out, nil
}
