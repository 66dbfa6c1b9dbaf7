package session

import (
	"facecase/casefile"
	"facecase/facedata"
	"facecase/tracking"
)

// FaceState is how a face is shown: not searched or without candidates,
// with candidates awaiting review, or confirmed by review.
type FaceState int

// Face states, in increasing order of precedence.
const (
	FaceUnknown FaceState = iota
	FaceCandidate
	FaceConfirmed
)

func (f FaceState) String() string {
	switch f {
	case FaceCandidate:
		return "candidate"
	case FaceConfirmed:
		return "confirmed"
	}
	return "unknown"
}

// FaceMatch is where a searched face stands: its state and, when a
// candidate was confirmed, who it is and the reviews that confirmed it.
type FaceMatch struct {
	State FaceState
	// SearchID and SubjectID name the confirmed candidate (or, for
	// FaceCandidate, the best-ranked open one); Subject is its label.
	SearchID, SubjectID uint64
	Subject             string
	// Reviews are the decisions on that candidate, oldest first.
	Reviews []casefile.ReviewRecord
}

// FaceStates maps the detections of an evidence item that were searched
// with to their state: FaceConfirmed when a candidate of one of their
// searches is confirmed (with the subject and the reviews), FaceCandidate
// when a search returned candidates not all rejected. Detections absent
// from the map are FaceUnknown.
func (s *Session) FaceStates(evidenceID uint64) (map[uint64]FaceMatch, error) {
	searches, err := s.Searches()
	if err != nil {
		return nil, err
	}
	out := map[uint64]FaceMatch{}
	for _, rec := range searches {
		if rec.Probe.EvidenceID != evidenceID || rec.Probe.DetectionID == 0 {
			continue
		}
		for _, c := range rec.Candidates {
			cr, err := s.CandidateStatus(rec.ID, c.SubjectID)
			if err != nil {
				return nil, err
			}
			m := FaceMatch{State: FaceCandidate, SearchID: rec.ID, SubjectID: c.SubjectID, Subject: c.Label, Reviews: cr.Reviews}
			switch cr.Status {
			case casefile.StatusConfirmed:
				m.State = FaceConfirmed
			case casefile.StatusRejected:
				continue
			}
			if m.State > out[rec.Probe.DetectionID].State {
				out[rec.Probe.DetectionID] = m
			}
		}
	}
	return out, nil
}

// SearchesFor lists the stored searches made with a detection.
func (s *Session) SearchesFor(detectionID uint64) ([]casefile.SearchRecord, error) {
	all, err := s.Searches()
	if err != nil {
		return nil, err
	}
	var out []casefile.SearchRecord
	for _, rec := range all {
		if rec.Probe.DetectionID == detectionID {
			out = append(out, rec)
		}
	}
	return out, nil
}

// TrackBestFaces is, for each track of a video, its best face for
// searching (tracking.BetterFace: usable first, then larger, then sharper).
func (s *Session) TrackBestFaces(evidenceID uint64) (map[uint64]casefile.Detection, error) {
	best := map[uint64]casefile.Detection{}
	q := casefile.DetectionQuery{EvidenceID: evidenceID, Limit: 1000}
	for {
		page, err := s.Detections(q)
		if err != nil {
			return nil, err
		}
		for _, d := range page.Detections {
			if d.TrackID == 0 {
				continue
			}
			b, ok := best[d.TrackID]
			a, cur := facedata.Face{Box: d.Box, Quality: d.Quality}, facedata.Face{Box: b.Box, Quality: b.Quality}
			if !ok || tracking.BetterFace(&a, &cur) {
				best[d.TrackID] = d
			}
		}
		if !page.More {
			return best, nil
		}
		q.After = page.Next
	}
}
