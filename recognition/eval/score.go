package eval

import (
	"math"

	"facecase/facedata"
)

// Score is the comparison score of two descriptors: their Euclidean distance
// in the dlib space, in float32. Smaller means more alike; a pair is a match
// when its score is at or below the threshold.
//
// The sum of squares is facedata.SquaredDistance's (eight float32 lanes),
// so a score can differ from facedata.Descriptor.Distance in the last bit
// of a float32 (about 1e-7), far below the 0.0001 threshold grid.
func Score(a, b *facedata.Descriptor) float32 {
	return float32(math.Sqrt(float64(facedata.SquaredDistance(a, b[:]))))
}

// isMatch is the single definition of a match: the score is at or below the
// threshold (a tie is a match). The comparison is made in float32, the
// precision of scores, so a score written as "0.2" in the scores file is a
// match at threshold 0.2.
func isMatch(score float32, threshold float64) bool {
	return score <= float32(threshold)
}
