package casefile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
	"facecase/recognition/scorenorm"
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
	// Cohort is the descriptor's cohort statistics (filled in from the
	// detection, or computed with SearchRequest.Cohort).
	Cohort facedata.CohortStats `json:"cohort,omitzero"`
}

// SearchRequest asks for the watchlist subjects most like a probe face.
type SearchRequest struct {
	Probe Probe
	// TargetFMR is the operating point: the target false match rate.
	// Search turns it into a normalised score threshold (see
	// watchlistScorer); subjects scoring above it are not returned.
	TargetFMR float64
	// Cohort is the shipped cohort: its calibration gives the threshold
	// while the watchlist is too small to be its own cohort, and it fills
	// in the statistics of faces stored before they were computed.
	// Required.
	Cohort *scorenorm.Cohort
	// MaxCandidates limits the list; 0 returns every subject within the
	// threshold.
	MaxCandidates int
	// Purpose says why this search is made; empty uses the case's purpose.
	Purpose string
}

// SearchRecord is a stored search: what was searched, at which operating
// point, against which watchlist, by whom and why, and what came back.
type SearchRecord struct {
	ID       uint64    `json:"id"`
	Time     time.Time `json:"time"`
	Operator string    `json:"operator"`
	Purpose  string    `json:"purpose"`
	Probe    Probe     `json:"probe"`
	// Point is the operating point searched at (target FMR and normalised
	// score threshold); zero in searches stored before normalisation,
	// which recorded a distance Threshold instead.
	Point     scorenorm.OperatingPoint `json:"operating_point,omitzero"`
	Threshold float64                  `json:"threshold,omitempty"`
	// Normalisation names how scores were normalised (the cohort).
	Normalisation string `json:"normalisation,omitempty"`
	MaxCandidates int    `json:"max_candidates,omitempty"`
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

// MaxThreshold bounds the distance thresholds of searches and case
// defaults stored before normalisation (real descriptors have a norm of
// about 1.4, so no two are further apart than about 2.8).
const MaxThreshold = 4

// Search compares the probe with every enrolment descriptor on the
// watchlist by normalised score (see recognition/scorenorm; the exact
// Euclidean distance is kept beside it), stores the search with its
// ranked candidates and audits it with its operating point. Subjects
// scoring above the threshold are never returned; each subject appears
// once, with its best descriptor.
func (c *Case) Search(ctx context.Context, req SearchRequest) (SearchRecord, error) {
	if req.Cohort == nil {
		return SearchRecord{}, fmt.Errorf("search: %w: no score normalisation cohort given", ErrInvalid)
	}
	if !(req.TargetFMR > 0 && req.TargetFMR < 1) {
		return SearchRecord{}, fmt.Errorf("search: %w: target false match rate %v is not between 0 and 1", ErrInvalid, req.TargetFMR)
	}
	if req.MaxCandidates < 0 {
		return SearchRecord{}, fmt.Errorf("search: %w: negative candidate limit", ErrInvalid)
	}
	req.Purpose = strings.TrimSpace(req.Purpose)
	if err := checkText(req.Purpose); err != nil {
		return SearchRecord{}, fmt.Errorf("search: %w", err)
	}
	// The watchlist's own cohort is built outside the write transaction
	// (it costs a distance per pair of descriptors); the transaction then
	// checks that the watchlist did not change meanwhile.
	var (
		rec SearchRecord
		err error
	)
	for attempt := 0; attempt < 3; attempt++ {
		var w *watchlistScorer
		if w, err = c.watchlistScorer(ctx, req.Cohort); err != nil {
			break
		}
		rec, err = c.search(ctx, req, w)
		if !errors.Is(err, errWatchlistMoved) {
			break
		}
	}
	if err != nil {
		return SearchRecord{}, fmt.Errorf("search in %s: %w", c.path, err)
	}
	return rec, nil
}

// errWatchlistMoved: the watchlist changed between building its scorer and
// the search transaction.
var errWatchlistMoved = errors.New("the watchlist changed during the search")

// search stores and audits one search scored by w, in one transaction.
func (c *Case) search(ctx context.Context, req SearchRequest, w *watchlistScorer) (SearchRecord, error) {
	var rec SearchRecord
	err := c.update(func(tx *bolt.Tx) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		version := getU64(tx.Bucket(bucketMeta), metaWatchlistVersion)
		if version != w.version {
			return errWatchlistMoved
		}
		probe, err := resolveProbe(tx, req.Probe)
		if err != nil {
			return err
		}
		if probe.Cohort, err = templateStats(probe.Descriptor, probe.Cohort, req.Cohort, "the probe"); err != nil {
			return err
		}
		settings, err := readSettings(tx)
		if err != nil {
			return err
		}
		point, err := w.point(req.TargetFMR, settings.Calibration)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		purpose, info, err := searchGrounds(tx, req.Purpose)
		if err != nil {
			return err
		}
		subjects, err := readSubjects(tx)
		if err != nil {
			return err
		}
		labels := make(map[uint64]string, len(subjects))
		for _, s := range subjects {
			labels[s.ID] = s.Label
		}
		enrolled := map[uint64]bool{}
		for _, g := range w.gallery {
			enrolled[g.subjectID] = true
		}
		b := tx.Bucket(bucketSearches)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		rec = SearchRecord{
			ID: id, Time: c.now(), Operator: c.actor, Purpose: purpose, Authorisation: info.Authorisation, Probe: probe,
			Point: point, Normalisation: w.name, MaxCandidates: req.MaxCandidates,
			WatchlistSize: len(enrolled), WatchlistDescriptors: len(w.gallery), WatchlistVersion: version,
			Candidates: w.rank(facedata.Template{Descriptor: probe.Descriptor, Cohort: probe.Cohort}, labels, point, req.MaxCandidates),
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
			map[string]any{"search_id": id, "evidence_id": probe.EvidenceID, "detection_id": probe.DetectionID,
				"target_fmr": point.TargetFMR, "score_threshold": point.Threshold, "calibration": point.Calibration, "normalisation": w.name,
				"purpose": purpose, "authorisation": info.Authorisation, "watchlist_version": version, "candidates": len(rec.Candidates)},
			[]RecordRef{recordRef(bucketSearches, u64Key(id), raw)})
		return err
	})
	return rec, err
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
		p.EvidenceID, p.Box, p.Descriptor, p.Cohort = d.EvidenceID, &box, *d.Descriptor, d.Cohort
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
	return p, checkCohortStats(p.Cohort)
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
