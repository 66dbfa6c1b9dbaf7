package eval

import (
	"errors"
	"fmt"
	"math"
)

// ThresholdStep is the spacing of the threshold grid. Every threshold the lab
// reports or accepts is a multiple of it, so that rates read from score
// histograms are exact (a score equal to a threshold counts as a match).
const ThresholdStep = 1e-4

// gridSize is the number of thresholds on the grid: 0, 0.0001, ... 3.9999.
// Scores above the last threshold are kept in an overflow bin; dlib
// distances between real faces stay well below 2.
const gridSize = 40000

// MaxThreshold is the largest threshold on the grid.
const MaxThreshold = 3.9999

// ErrThresholdOffGrid is returned for a threshold that is not a multiple of
// ThresholdStep or lies outside [0, MaxThreshold].
var ErrThresholdOffGrid = errors.New("threshold is not on the 0.0001 grid")

// gridEdges[k] is threshold k, computed once as k/10000 so that a decimal
// threshold such as 0.6 is bit-for-bit the float64 a user types.
var gridEdges = distanceGrid.edges

// GridThreshold is the threshold at grid index k.
func GridThreshold(k int) float64 { return gridEdges[k] }

// GridIndex returns the grid index of threshold t. Values within 1e-9 of a
// grid threshold are taken as that threshold; anything else is an error
// wrapping ErrThresholdOffGrid.
func GridIndex(t float64) (int, error) {
	if math.IsNaN(t) || t < 0 || t > MaxThreshold+1e-9 {
		return 0, fmt.Errorf("%w: %v is outside [0, %v]", ErrThresholdOffGrid, t, MaxThreshold)
	}
	k := int(math.Round(t * 10000))
	if k >= gridSize {
		k = gridSize - 1
	}
	if math.Abs(gridEdges[k]-t) > 1e-9 {
		return 0, fmt.Errorf("%w: %v (use a multiple of %v)", ErrThresholdOffGrid, t, ThresholdStep)
	}
	return k, nil
}

// binOf returns the distance histogram bin of a score (see grid.bin).
func binOf(s float32) int { return distanceGrid.bin(s) }

// scoreGrid is a set of thresholds min, min+step, ... that a kind of score
// is counted on: distances on the 0.0001 grid from 0, normalised scores on
// a 0.001 grid around 0 (see normalisedGrid).
type scoreGrid struct {
	min, step float64
	perUnit   float64 // 1 / step
	// edges[k] is threshold k, computed as min + k/scale so that a
	// decimal threshold is bit-for-bit the float64 a user types;
	// edges32 the same in float32, the precision scores are compared in
	// (see isMatch).
	edges   []float64
	edges32 []float32
}

// newScoreGrid makes the grid of size thresholds min + k/perUnit.
func newScoreGrid(min float64, perUnit, size int) *scoreGrid {
	g := &scoreGrid{min: min, step: 1 / float64(perUnit), perUnit: float64(perUnit), edges: make([]float64, size), edges32: make([]float32, size)}
	for k := range g.edges {
		g.edges[k] = min + float64(k)/float64(perUnit)
		g.edges32[k] = float32(g.edges[k])
	}
	return g
}

// distanceGrid is the grid of distance thresholds: 0, 0.0001 ... 3.9999.
var distanceGrid = newScoreGrid(0, 10000, gridSize)

// size is the number of thresholds.
func (g *scoreGrid) size() int { return len(g.edges) }

// bin returns the histogram bin of a score: bin k holds the scores s with
// threshold(k-1) < s <= threshold(k), compared in float32 as isMatch does;
// bin size() holds scores above the last threshold and NaN. Counting bins
// 0..k therefore gives exactly the matches at threshold k.
func (g *scoreGrid) bin(s float32) int {
	n := len(g.edges32)
	if !(s <= g.edges32[n-1]) {
		return n
	}
	if s <= g.edges32[0] {
		return 0
	}
	// A first guess within one of the bin (s > edges32[0], so the
	// product is positive and truncation is floor); the loops settle it
	// by the float32 comparisons that define the bins.
	k := int((float64(s) - g.min) * g.perUnit)
	k = min(max(k, 0), n-1)
	for k < n-1 && s > g.edges32[k] {
		k++
	}
	for k > 0 && s <= g.edges32[k-1] {
		k--
	}
	return k
}
