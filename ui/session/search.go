package session

import (
	"context"
	"errors"
	"fmt"

	"facecase/casefile"
)

// ErrEmptyWatchlist is returned by SearchFace when no subject on the
// watchlist has an enrolment: there is nothing to compare the face with,
// so nothing is searched and nothing is recorded.
var ErrEmptyWatchlist = errors.New("the watchlist is empty")

// enrolmentEchoDistance is the largest distance at which a candidate is
// taken to be the probe's own picture: descriptors of one image agree to
// within rounding, those of two photos of one person are about 0.3 apart.
const enrolmentEchoDistance = 0.02

// sameFileEchoDistance is the largest distance at which a candidate
// enrolled from the probe's own evidence file is its own picture (the
// same face found again by another detector moves its descriptor a little).
const sameFileEchoDistance = 0.1

// SearchFace searches the watchlist with a stored detection at the
// session's search operating point (a target FMR; casefile.Search turns it
// into a normalised score threshold); the search is stored and audited.
// purpose may be empty (the case's purpose is used). An empty watchlist
// gives ErrEmptyWatchlist and no search record.
func (s *Session) SearchFace(ctx context.Context, detectionID uint64, purpose string) (casefile.SearchRecord, error) {
	enrolled, err := s.Enrolments(0)
	if err != nil {
		return casefile.SearchRecord{}, err
	}
	if len(enrolled) == 0 {
		return casefile.SearchRecord{}, fmt.Errorf("search with face %d: %w: enrol subjects first", detectionID, ErrEmptyWatchlist)
	}
	cohort, err := Cohort()
	if err != nil {
		return casefile.SearchRecord{}, fmt.Errorf("search: %w", err)
	}
	return s.Search(ctx, casefile.SearchRequest{
		Probe:     casefile.Probe{DetectionID: detectionID},
		TargetFMR: s.UserSettings().SearchFMR,
		Cohort:    cohort,
		Purpose:   purpose,
	})
}

// EnrolmentEcho says that a candidate is not an independent match: the
// probe face is itself one of the watchlist's enrolment images.
type EnrolmentEcho struct {
	SubjectID, EnrolmentID uint64
	Label                  string
}

func (e EnrolmentEcho) String() string {
	return fmt.Sprintf("This face is enrolment %d of subject %s: the search found the watchlist's own picture, not an independent match.",
		e.EnrolmentID, e.Label)
}

// EnrolmentEchoes lists the candidates of a search whose enrolment image
// is the probe face itself: descriptors equal to within
// enrolmentEchoDistance, or an enrolment taken from the probe's own
// evidence file (same SHA-256) within sameFileEchoDistance.
func (s *Session) EnrolmentEchoes(rec casefile.SearchRecord) ([]EnrolmentEcho, error) {
	var probeSHA string
	if rec.Probe.EvidenceID != 0 {
		if ev, err := s.Evidence(rec.Probe.EvidenceID); err == nil {
			probeSHA = ev.SHA256
		}
	}
	var out []EnrolmentEcho
	for _, c := range rec.Candidates {
		if c.Distance > sameFileEchoDistance {
			continue
		}
		echo := c.Distance <= enrolmentEchoDistance
		if !echo && probeSHA != "" {
			es, err := s.Enrolments(c.SubjectID)
			if err != nil {
				return nil, err
			}
			for _, e := range es {
				if e.ID == c.EnrolmentID && e.Provenance.ImageSHA256 == probeSHA {
					echo = true
				}
			}
		}
		if echo {
			out = append(out, EnrolmentEcho{SubjectID: c.SubjectID, EnrolmentID: c.EnrolmentID, Label: c.Label})
		}
	}
	return out, nil
}
