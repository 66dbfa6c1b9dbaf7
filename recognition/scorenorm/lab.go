package scorenorm

import (
	"context"
	"fmt"

	"facecase/facedata"
)

// LabNormalizer is the normalised score of the accuracy lab
// (recognition/eval's Normalizer), computed as a search would be: local
// scaling with the dataset's own faces as an in-domain cohort once there
// are MinDomainFaces of them (a comparison's cohort leaves out both faces
// and both identities; see Domain), AS-norm with the shipped cohort
// otherwise.
type LabNormalizer struct {
	Cohort *Cohort
	// K is the number of nearest in-domain faces a face's scale is the
	// mean distance to (DomainK when 0).
	K int
}

// Prepare readies the score for a run's enrolled descriptors, with the
// identity index of each and, when the caller has them, the distances of
// every two (rows(i): face i's distances to faces i+1 .. n-1; nil computes
// them): it returns the pair score (faces a and b
// at distance d), its kind (KindDomain or KindShipped) and a description
// of the normalisation for reports.
func (n LabNormalizer) Prepare(ctx context.Context, descs []facedata.Descriptor, ident []int32, rows func(i int) []float32) (func(a, b int, d float64) float64, string, string, error) {
	k := n.K
	if k == 0 {
		k = DomainK
	}
	if len(descs) >= MinDomainFaces {
		ids := make([]int64, len(ident))
		for i, v := range ident {
			ids[i] = int64(v)
		}
		dom, err := NewDomainDistances(ctx, descs, ids, k, rows)
		if err != nil {
			return nil, "", "", err
		}
		return dom.PairScore, KindDomain, fmt.Sprintf("local scaling, k=%d (the distance over each face's mean distance to its k nearest strangers), in-domain cohort: the dataset's own %d faces (each comparison leaves out both faces' identities)", k, len(descs)), nil
	}
	if n.Cohort == nil {
		return nil, "", "", fmt.Errorf("%w: %d faces are too few for an in-domain cohort (%d) and no shipped cohort was given", ErrBadCohort, len(descs), MinDomainFaces)
	}
	stats := make([]facedata.CohortStats, len(descs))
	for i := range descs {
		if err := ctx.Err(); err != nil {
			return nil, "", "", err
		}
		stats[i] = n.Cohort.Stats(&descs[i])
	}
	score := func(a, b int, d float64) float64 { return Score(d, stats[a], stats[b]) }
	return score, KindShipped, fmt.Sprintf("AS-norm, K=%d, shipped cohort %s (%d faces; the dataset's %d faces are fewer than the %d an in-domain cohort needs)",
		n.Cohort.K(), n.Cohort.ID(), n.Cohort.Size(), len(descs), MinDomainFaces), nil
}
