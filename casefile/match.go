package casefile

import (
	"sort"

	"facecase/facedata"
)

// Candidate is a watchlist subject whose nearest enrolment descriptor came
// within the search threshold. A candidate is an investigative lead, never
// an identification: it becomes a confirmed match only through review.
type Candidate struct {
	// Rank is 1 for the nearest candidate.
	Rank      int    `json:"rank"`
	SubjectID uint64 `json:"subject_id"`
	Label     string `json:"label"`
	// EnrolmentID and DescriptorIndex name the nearest enrolment descriptor.
	EnrolmentID     uint64 `json:"enrolment_id"`
	DescriptorIndex int    `json:"descriptor_index"`
	// Distance is the exact Euclidean distance to the probe.
	Distance float64 `json:"distance"`
}

// rankCandidates compares the probe with every enrolment descriptor by
// exact Euclidean distance, keeps each subject's nearest descriptor, drops
// subjects beyond threshold and ranks the rest nearest first (ties by
// subject id). max > 0 keeps only the first max.
func rankCandidates(probe *facedata.Descriptor, labels map[uint64]string, enrolments []Enrolment, threshold float64, max int) []Candidate {
	best := map[uint64]Candidate{}
	for _, e := range enrolments {
		for i := range e.Descriptors {
			d := probe.Distance(&e.Descriptors[i])
			if d > threshold {
				continue
			}
			if cur, ok := best[e.SubjectID]; ok && cur.Distance <= d {
				continue
			}
			best[e.SubjectID] = Candidate{SubjectID: e.SubjectID, Label: labels[e.SubjectID], EnrolmentID: e.ID, DescriptorIndex: i, Distance: d}
		}
	}
	out := make([]Candidate, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Distance != out[j].Distance {
			return out[i].Distance < out[j].Distance
		}
		return out[i].SubjectID < out[j].SubjectID
	})
	if max > 0 && len(out) > max {
		out = out[:max]
	}
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}
