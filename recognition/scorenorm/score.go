package scorenorm

import (
	"math"

	"facecase/facedata"
)

// minSigma bounds σ from below when normalising: a face whose K nearest
// cohort faces sit at one distance (a cohort holding near-copies of it)
// would otherwise divide by almost zero.
const minSigma = 1e-3

// Score is the normalised score of two faces at Euclidean distance d with
// cohort statistics a and b: ½[(d − μa)/σa + (d − μb)/σb]. With a shipped
// cohort's statistics (mean and deviation) it is AS-norm; with an in-domain
// cohort's (Domain: μ = 0, σ the distance to the nearest stranger) it is
// local scaling, ½(d/σa + d/σb). Smaller is more alike, as with distances.
// Both statistics must be Valid.
func Score(d float64, a, b facedata.CohortStats) float64 {
	return 0.5 * ((d-float64(a.Mu))/sigma(a) + (d-float64(b.Mu))/sigma(b))
}

func sigma(s facedata.CohortStats) float64 { return math.Max(float64(s.Sigma), minSigma) }

// Pair is the score of one comparison in both forms: the normalised Score
// that ranks and thresholds, and the raw distance experts read beside it.
type Pair struct {
	// Distance is the Euclidean distance of the two descriptors.
	Distance float64 `json:"distance"`
	// Score is the normalised score (Score).
	Score float64 `json:"score"`
}

// Compare scores two faces: their distance and their normalised score.
func Compare(a *facedata.Descriptor, as facedata.CohortStats, b *facedata.Descriptor, bs facedata.CohortStats) Pair {
	d := a.Distance(b)
	return Pair{Distance: d, Score: Score(d, as, bs)}
}
