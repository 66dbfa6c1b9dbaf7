package gallery

import (
	"context"
	"math"

	"facecase/facedata"
)

// FaceID identifies one enrolled face: the caller's record number for the
// photo it came from. 0 is reserved.
type FaceID uint64

// Face is one face to enrol.
type Face struct {
	ID FaceID
	// Label names the subject the face belongs to (a watchlist record).
	// Several faces usually share one label.
	Label      string
	Descriptor facedata.Descriptor
	// Cohort is the descriptor's cohort statistics (see package
	// facecase/recognition/scorenorm), from the gallery's Options.Cohort;
	// zero: Add computes them when the gallery has a cohort.
	Cohort facedata.CohortStats
}

// Candidate is one search result: an investigative lead for human review,
// never an identification.
type Candidate struct {
	Face     FaceID
	Label    string
	Distance float64 // Euclidean, in the dlib descriptor space
	// Score is the normalised score the candidate was ranked by
	// (SearchNormalised; smaller is more alike), 0 in a search by distance.
	Score float64
}

// Gallery is a watchlist that can be searched. The interface is kept small
// so that a gallery served by another machine can stand in for a local one.
// Implementations are safe for concurrent use.
type Gallery interface {
	// Add enrols faces. A face id already enrolled gives ErrDuplicate and
	// nothing of that call is added.
	Add(ctx context.Context, faces []Face) error
	// Remove takes faces out. An id not enrolled gives ErrNotFound and
	// nothing of that call is removed.
	Remove(ctx context.Context, ids []FaceID) error
	// Search returns at most k candidates no farther than threshold from
	// probe, nearest first (ties broken by face id). A candidate beyond the
	// threshold is never returned; threshold <= 0 means no limit.
	Search(ctx context.Context, probe facedata.Descriptor, k int, threshold float64) ([]Candidate, error)
	// Len is the number of enrolled faces.
	Len() int
	// Close releases the gallery; later calls give ErrClosed.
	Close() error
}

// checkDescriptor rejects NaN and infinite values, which would poison
// every distance computed with them.
func checkDescriptor(d *facedata.Descriptor) error {
	for _, v := range d {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return ErrBadDescriptor
		}
	}
	return nil
}
