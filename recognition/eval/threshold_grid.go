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
var gridEdges = func() []float64 {
	e := make([]float64, gridSize)
	for k := range e {
		e[k] = float64(k) / 10000
	}
	return e
}()

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

// gridEdges32 holds the grid thresholds in float32, the precision scores are
// compared in (see isMatch).
var gridEdges32 = func() []float32 {
	e := make([]float32, gridSize)
	for k := range e {
		e[k] = float32(gridEdges[k])
	}
	return e
}()

// binOf returns the histogram bin of a score: bin k holds the scores s with
// threshold(k-1) < s <= threshold(k), compared in float32 as isMatch does;
// bin gridSize holds scores above MaxThreshold and NaN. Counting bins 0..k
// therefore gives exactly the matches at threshold k.
func binOf(s float32) int {
	if !(s <= gridEdges32[gridSize-1]) {
		return gridSize
	}
	if s <= 0 {
		return 0
	}
	k := int(math.Ceil(float64(s) * 10000))
	if k >= gridSize {
		k = gridSize - 1
	}
	for k < gridSize-1 && s > gridEdges32[k] {
		k++
	}
	for k > 0 && s <= gridEdges32[k-1] {
		k--
	}
	return k
}
