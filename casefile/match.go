package casefile

import (
	"fmt"

	"facecase/facedata"
	"facecase/recognition/scorenorm"
)

// Candidate is a watchlist subject whose best enrolment descriptor scored
// within the search's operating point. A candidate is an investigative
// lead, never an identification: it becomes a confirmed match only through
// review.
type Candidate struct {
	// Rank is 1 for the best candidate.
	Rank      int    `json:"rank"`
	SubjectID uint64 `json:"subject_id"`
	Label     string `json:"label"`
	// EnrolmentID and DescriptorIndex name the best enrolment descriptor.
	EnrolmentID     uint64 `json:"enrolment_id"`
	DescriptorIndex int    `json:"descriptor_index"`
	// Score is the normalised score that ranks and thresholds (smaller is
	// more alike); zero in searches stored before normalisation.
	Score float64 `json:"score"`
	// Distance is the exact Euclidean distance to the probe, for experts.
	Distance float64 `json:"distance"`
}

// galleryTemplate is one enrolment descriptor with its statistics.
type galleryTemplate struct {
	subjectID, enrolmentID uint64
	index                  int
	t                      facedata.Template
}

// watchlistTemplates lists every enrolment descriptor with its cohort
// statistics, computing those of enrolments stored before them with
// cohort (refused without one).
func watchlistTemplates(enrolments []Enrolment, cohort *scorenorm.Cohort) ([]galleryTemplate, error) {
	var out []galleryTemplate
	for _, e := range enrolments {
		for i := range e.Descriptors {
			t := e.Template(i)
			var err error
			if t.Cohort, err = templateStats(t.Descriptor, t.Cohort, cohort, fmt.Sprintf("enrolment %d", e.ID)); err != nil {
				return nil, err
			}
			out = append(out, galleryTemplate{subjectID: e.SubjectID, enrolmentID: e.ID, index: i, t: t})
		}
	}
	return out, nil
}

// templateStats returns stored statistics, or computes them with cohort
// for a face stored before they were (what names the face in the error).
func templateStats(d facedata.Descriptor, s facedata.CohortStats, cohort *scorenorm.Cohort, what string) (facedata.CohortStats, error) {
	if s.Valid() {
		return s, nil
	}
	if cohort == nil {
		return s, fmt.Errorf("%w: %s has no cohort statistics (stored before scores were normalised) and no cohort was given to compute them", ErrInvalid, what)
	}
	return cohort.Stats(&d), nil
}
