package casefile

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Status is where a candidate stands after review.
type Status string

// Candidate statuses. Only StatusConfirmed is a confirmed match.
const (
	StatusUnreviewed Status = "unreviewed"
	// StatusInconclusive: reviewers found it inconclusive, nobody confirmed
	// or rejected.
	StatusInconclusive Status = "inconclusive"
	// StatusAwaitingSecondReview: confirmed by one reviewer, but the case
	// requires two different reviewers.
	StatusAwaitingSecondReview Status = "awaiting second review"
	// StatusConfirmed: confirmed by the required number of different
	// reviewers and rejected by none.
	StatusConfirmed Status = "confirmed"
	// StatusRejected: rejected, and confirmed by nobody.
	StatusRejected Status = "rejected"
	// StatusDisputed: one reviewer confirms, another rejects.
	StatusDisputed Status = "disputed"
)

// CandidateReview is a candidate's review state.
type CandidateReview struct {
	SearchID  uint64 `json:"search_id"`
	SubjectID uint64 `json:"subject_id"`
	Status    Status `json:"status"`
	// Confirmations counts different reviewers whose latest decision is
	// confirm; Required is what the case's settings ask for.
	Confirmations int            `json:"confirmations"`
	Required      int            `json:"required"`
	Reviews       []ReviewRecord `json:"reviews,omitempty"`
}

// judge applies the review rule: each reviewer's latest decision counts;
// a rejection blocks confirmation; a confirmation counts once per reviewer.
func judge(searchID, subjectID uint64, reviews []ReviewRecord, required int) CandidateReview {
	cr := CandidateReview{SearchID: searchID, SubjectID: subjectID, Required: required, Status: StatusUnreviewed}
	latest := map[string]Decision{}
	for _, r := range reviews {
		if r.SearchID == searchID && r.SubjectID == subjectID {
			latest[r.Reviewer] = r.Decision
			cr.Reviews = append(cr.Reviews, r)
		}
	}
	var rejects, inconclusive int
	for _, d := range latest {
		switch d {
		case DecisionConfirm:
			cr.Confirmations++
		case DecisionReject:
			rejects++
		case DecisionInconclusive:
			inconclusive++
		}
	}
	switch {
	case cr.Confirmations > 0 && rejects > 0:
		cr.Status = StatusDisputed
	case rejects > 0:
		cr.Status = StatusRejected
	case cr.Confirmations >= required:
		cr.Status = StatusConfirmed
	case cr.Confirmations > 0:
		cr.Status = StatusAwaitingSecondReview
	case inconclusive > 0:
		cr.Status = StatusInconclusive
	}
	return cr
}

// CandidateStatus returns where a candidate of a search stands.
func (c *Case) CandidateStatus(searchID, subjectID uint64) (CandidateReview, error) {
	var cr CandidateReview
	err := c.view(func(tx *bolt.Tx) error {
		search, err := readSearch(tx, searchID)
		if err != nil {
			return err
		}
		if !hasCandidate(search, subjectID) {
			return fmt.Errorf("%w: subject %d is not a candidate of search %d", ErrNotFound, subjectID, searchID)
		}
		settings, err := readSettings(tx)
		if err != nil {
			return err
		}
		reviews, err := readReviews(tx, searchID)
		if err != nil {
			return err
		}
		cr = judge(searchID, subjectID, reviews, settings.RequiredConfirmations())
		return nil
	})
	return cr, err
}

// ConfirmedMatch is a candidate confirmed under the case's review rule,
// with the search it came from.
type ConfirmedMatch struct {
	Search    SearchRecord    `json:"search"`
	Candidate Candidate       `json:"candidate"`
	Review    CandidateReview `json:"review"`
}

// ConfirmedMatches lists every confirmed match in the case.
func (c *Case) ConfirmedMatches() ([]ConfirmedMatch, error) {
	var out []ConfirmedMatch
	err := c.view(func(tx *bolt.Tx) (err error) {
		out, err = readConfirmed(tx)
		return err
	})
	return out, err
}

func readConfirmed(tx *bolt.Tx) ([]ConfirmedMatch, error) {
	settings, err := readSettings(tx)
	if err != nil {
		return nil, err
	}
	searches, err := readSearches(tx)
	if err != nil {
		return nil, err
	}
	reviews, err := readReviews(tx, 0)
	if err != nil {
		return nil, err
	}
	var out []ConfirmedMatch
	for _, s := range searches {
		for _, cand := range s.Candidates {
			cr := judge(s.ID, cand.SubjectID, reviews, settings.RequiredConfirmations())
			if cr.Status == StatusConfirmed {
				out = append(out, ConfirmedMatch{Search: s, Candidate: cand, Review: cr})
			}
		}
	}
	return out, nil
}
