package casefile

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Decision is a reviewer's verdict on a candidate.
type Decision string

// Review decisions.
const (
	DecisionConfirm      Decision = "confirm"
	DecisionReject       Decision = "reject"
	DecisionInconclusive Decision = "inconclusive"
)

// ParseDecision accepts "confirm", "reject" or "inconclusive".
func ParseDecision(s string) (Decision, error) {
	switch d := Decision(strings.ToLower(strings.TrimSpace(s))); d {
	case DecisionConfirm, DecisionReject, DecisionInconclusive:
		return d, nil
	}
	return "", fmt.Errorf("%w: decision %q (want confirm, reject or inconclusive)", ErrInvalid, s)
}

// ReviewRecord is one reviewer's decision on one candidate of a search.
type ReviewRecord struct {
	ID        uint64    `json:"id"`
	SearchID  uint64    `json:"search_id"`
	SubjectID uint64    `json:"subject_id"`
	Decision  Decision  `json:"decision"`
	Reviewer  string    `json:"reviewer"`
	Time      time.Time `json:"time"`
	Note      string    `json:"note,omitempty"`
}

// ReviewRequest records a decision on a candidate; the reviewer is the
// case's actor.
type ReviewRequest struct {
	SearchID  uint64
	SubjectID uint64
	Decision  Decision
	Note      string
}

// Review stores a decision on a candidate of a stored search and audits it.
// Reviews are never changed or removed: a reviewer who changes their mind
// adds a new decision, and their latest one counts.
func (c *Case) Review(req ReviewRequest) (ReviewRecord, error) {
	d, err := ParseDecision(string(req.Decision))
	if err != nil {
		return ReviewRecord{}, fmt.Errorf("review: %w", err)
	}
	note := strings.TrimSpace(req.Note)
	if err := checkText(note); err != nil {
		return ReviewRecord{}, fmt.Errorf("review: %w", err)
	}
	rec := ReviewRecord{SearchID: req.SearchID, SubjectID: req.SubjectID, Decision: d, Reviewer: c.actor, Note: note}
	err = c.update(func(tx *bolt.Tx) error {
		search, err := readSearch(tx, req.SearchID)
		if err != nil {
			return err
		}
		if !hasCandidate(search, req.SubjectID) {
			return fmt.Errorf("%w: subject %d is not a candidate of search %d", ErrNotFound, req.SubjectID, req.SearchID)
		}
		b := tx.Bucket(bucketReviews)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		rec.ID, rec.Time = id, c.now()
		raw, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		k := u64Pair(req.SearchID, id)
		if err := b.Put(k, raw); err != nil {
			return err
		}
		_, err = appendAudit(tx, rec.Time, c.actor, ActionReview,
			map[string]any{"review_id": id, "search_id": req.SearchID, "subject_id": req.SubjectID, "decision": d},
			[]RecordRef{recordRef(bucketReviews, k, raw)})
		return err
	})
	if err != nil {
		return ReviewRecord{}, fmt.Errorf("review search %d in %s: %w", req.SearchID, c.path, err)
	}
	return rec, nil
}

func hasCandidate(s SearchRecord, subjectID uint64) bool {
	for _, cand := range s.Candidates {
		if cand.SubjectID == subjectID {
			return true
		}
	}
	return false
}

// Reviews returns the decisions on a search's candidates (every search's
// when searchID is 0), oldest first.
func (c *Case) Reviews(searchID uint64) ([]ReviewRecord, error) {
	var out []ReviewRecord
	err := c.view(func(tx *bolt.Tx) (err error) {
		out, err = readReviews(tx, searchID)
		return err
	})
	return out, err
}

func readReviews(tx *bolt.Tx, searchID uint64) ([]ReviewRecord, error) {
	var out []ReviewRecord
	cur := tx.Bucket(bucketReviews).Cursor()
	var k, v []byte
	if searchID == 0 {
		k, v = cur.First()
	} else {
		k, v = cur.Seek(u64Key(searchID))
	}
	for ; k != nil; k, v = cur.Next() {
		if searchID != 0 && keyU64(k) != searchID {
			break
		}
		var r ReviewRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("%w: review %x: %v", ErrCorrupt, k, err)
		}
		out = append(out, r)
	}
	return out, nil
}
