package casefile

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
)

// Probe is the face searched with.
type Probe struct {
	// DetectionID names a stored detection; its evidence, box and
	// descriptor are used.
	DetectionID uint64 `json:"detection_id,omitempty"`
	// EvidenceID and FaceIndex (1-based, 0 when not given) name the face
	// when it is not a stored detection; Descriptor is then required.
	EvidenceID uint64 `json:"evidence_id"`
	FaceIndex  int    `json:"face_index,omitempty"`
	// Box is the face's box in the evidence, when known.
	Box *facedata.Rect `json:"box,omitempty"`
	// Descriptor is the probe's descriptor (filled in from the detection).
	Descriptor facedata.Descriptor `json:"descriptor"`
}

// SearchRequest asks for the watchlist subjects nearest a probe face.
type SearchRequest struct {
	Probe Probe
	// Threshold is the largest distance returned; 0 means
	// recognition.SameThreshold (0.6).
	Threshold float64
	// MaxCandidates limits the list; 0 returns every subject within the
	// threshold.
	MaxCandidates int
	// Purpose says why this search is made; empty uses the case's purpose.
	Purpose string
}

// SearchRecord is a stored search: what was searched, with which
// threshold, against which watchlist, by whom and why, and what came back.
type SearchRecord struct {
	ID            uint64    `json:"id"`
	Time          time.Time `json:"time"`
	Operator      string    `json:"operator"`
	Purpose       string    `json:"purpose"`
	Probe         Probe     `json:"probe"`
	Threshold     float64   `json:"threshold"`
	MaxCandidates int       `json:"max_candidates,omitempty"`
	// WatchlistSize counts the subjects with at least one enrolment,
	// WatchlistDescriptors their descriptors; WatchlistVersion is the
	// watchlist's change counter at the time of the search.
	WatchlistSize        int         `json:"watchlist_size"`
	WatchlistDescriptors int         `json:"watchlist_descriptors"`
	WatchlistVersion     uint64      `json:"watchlist_version"`
	Candidates           []Candidate `json:"candidates"`
	// Authorisation is the case's authorisation reference at the time of
	// the search (empty when the case has none and does not require one).
	Authorisation string `json:"authorisation,omitempty"`
}

// MaxThreshold bounds search thresholds (real descriptors have a norm of
// about 1.4, so no two are further apart than about 2.8).
const MaxThreshold = 4

// Search compares the probe with every enrolment descriptor on the
// watchlist (exact Euclidean distance), stores the search with its ranked
// candidates and audits it. Subjects beyond the threshold are never
// returned; each subject appears once, with its nearest descriptor.
func (c *Case) Search(ctx context.Context, req SearchRequest) (SearchRecord, error) {
	if req.Threshold == 0 {
		req.Threshold = facedata.SameThreshold
	}
	if !(req.Threshold > 0 && req.Threshold <= MaxThreshold) || math.IsNaN(req.Threshold) {
		return SearchRecord{}, fmt.Errorf("search: %w: threshold %v is outside (0, %d]", ErrInvalid, req.Threshold, MaxThreshold)
	}
	if req.MaxCandidates < 0 {
		return SearchRecord{}, fmt.Errorf("search: %w: negative candidate limit", ErrInvalid)
	}
	req.Purpose = strings.TrimSpace(req.Purpose)
	if err := checkText(req.Purpose); err != nil {
		return SearchRecord{}, fmt.Errorf("search: %w", err)
	}
	var rec SearchRecord
	err := c.update(func(tx *bolt.Tx) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		probe, err := resolveProbe(tx, req.Probe)
		if err != nil {
			return err
		}
		purpose, info, err := searchGrounds(tx, req.Purpose)
		if err != nil {
			return err
		}
		subjects, err := readSubjects(tx)
		if err != nil {
			return err
		}
		enrolments, err := readEnrolments(tx, 0)
		if err != nil {
			return err
		}
		labels := make(map[uint64]string, len(subjects))
		for _, s := range subjects {
			labels[s.ID] = s.Label
		}
		enrolled := map[uint64]bool{}
		descriptors := 0
		for _, e := range enrolments {
			enrolled[e.SubjectID] = true
			descriptors += len(e.Descriptors)
		}
		b := tx.Bucket(bucketSearches)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		rec = SearchRecord{
			ID: id, Time: c.now(), Operator: c.actor, Purpose: purpose, Authorisation: info.Authorisation, Probe: probe,
			Threshold: req.Threshold, MaxCandidates: req.MaxCandidates,
			WatchlistSize: len(enrolled), WatchlistDescriptors: descriptors,
			WatchlistVersion: getU64(tx.Bucket(bucketMeta), metaWatchlistVersion),
			Candidates:       rankCandidates(&probe.Descriptor, labels, enrolments, req.Threshold, req.MaxCandidates),
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := b.Put(u64Key(id), raw); err != nil {
			return err
		}
		_, err = appendAudit(tx, rec.Time, c.actor, ActionSearch,
			map[string]any{"search_id": id, "evidence_id": probe.EvidenceID, "detection_id": probe.DetectionID, "threshold": rec.Threshold,
				"purpose": purpose, "authorisation": info.Authorisation, "watchlist_version": rec.WatchlistVersion, "candidates": len(rec.Candidates)},
			[]RecordRef{recordRef(bucketSearches, u64Key(id), raw)})
		return err
	})
	if err != nil {
		return SearchRecord{}, fmt.Errorf("search in %s: %w", c.path, err)
	}
	return rec, nil
}

// searchGrounds is why and under which authority a search is made: the
// purpose given, or the case's, and the case record. A search without a
// purpose, or without the authorisation reference the case's rules
// require, is refused.
func searchGrounds(tx *bolt.Tx, purpose string) (string, CaseInfo, error) {
	info, err := readInfo(tx)
	if err != nil {
		return "", info, err
	}
	if purpose == "" {
		purpose = info.Purpose
	}
	if purpose == "" {
		return "", info, fmt.Errorf("%w: a search needs a purpose (the case has none)", ErrInvalid)
	}
	settings, err := readSettings(tx)
	if err != nil {
		return "", info, err
	}
	if settings.RequireAuthorisation && info.Authorisation == "" {
		return "", info, ErrNoAuthorisation
	}
	return purpose, info, nil
}

// resolveProbe fills the probe in from its detection, or checks a probe
// given by evidence and descriptor.
func resolveProbe(tx *bolt.Tx, p Probe) (Probe, error) {
	if p.DetectionID != 0 {
		d, err := readDetection(tx, p.DetectionID)
		if err != nil {
			return p, err
		}
		if d.Descriptor == nil {
			return p, fmt.Errorf("%w: detection %d has no descriptor", ErrInvalid, d.ID)
		}
		if p.EvidenceID != 0 && p.EvidenceID != d.EvidenceID {
			return p, fmt.Errorf("%w: detection %d belongs to evidence %d, not %d", ErrInvalid, d.ID, d.EvidenceID, p.EvidenceID)
		}
		box := d.Box
		p.EvidenceID, p.Box, p.Descriptor = d.EvidenceID, &box, *d.Descriptor
		return p, nil
	}
	if p.EvidenceID == 0 {
		return p, fmt.Errorf("%w: the probe names neither a detection nor an evidence item", ErrInvalid)
	}
	if tx.Bucket(bucketEvidence).Get(u64Key(p.EvidenceID)) == nil {
		return p, fmt.Errorf("evidence %d: %w", p.EvidenceID, ErrNotFound)
	}
	if err := checkDescriptor(&p.Descriptor); err != nil {
		return p, err
	}
	return p, nil
}

// Searches returns every stored search in id order.
func (c *Case) Searches() ([]SearchRecord, error) {
	var out []SearchRecord
	err := c.view(func(tx *bolt.Tx) (err error) {
		out, err = readSearches(tx)
		return err
	})
	return out, err
}

// SearchRecord returns one stored search.
func (c *Case) SearchRecord(id uint64) (SearchRecord, error) {
	var rec SearchRecord
	err := c.view(func(tx *bolt.Tx) (err error) {
		rec, err = readSearch(tx, id)
		return err
	})
	return rec, err
}

func readSearch(tx *bolt.Tx, id uint64) (SearchRecord, error) {
	var rec SearchRecord
	v := tx.Bucket(bucketSearches).Get(u64Key(id))
	if v == nil {
		return rec, fmt.Errorf("search %d: %w", id, ErrNotFound)
	}
	if err := json.Unmarshal(v, &rec); err != nil {
		return rec, fmt.Errorf("%w: search %d: %v", ErrCorrupt, id, err)
	}
	return rec, nil
}

func readSearches(tx *bolt.Tx) ([]SearchRecord, error) {
	var out []SearchRecord
	err := tx.Bucket(bucketSearches).ForEach(func(k, v []byte) error {
		var rec SearchRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("%w: search %d: %v", ErrCorrupt, keyU64(k), err)
		}
		out = append(out, rec)
		return nil
	})
	return out, err
}
