package gallery

import (
	"math"
)

// quantizer stores a residual (descriptor minus its list's centroid) as 128
// signed bytes: r_j ~ scale_j * code_j. One scale per dimension, shared by
// all lists, trained on residuals.
type quantizer struct {
	scale [dim]float32
}

// trainQuantizer picks each dimension's scale so the largest residual seen
// maps to 127; larger ones are clamped (their error is recorded per face).
func trainQuantizer(residuals []float32) quantizer {
	if len(residuals) < 2*dim {
		return defaultQuantizer()
	}
	var q quantizer
	var peak [dim]float32
	for i := 0; i+dim <= len(residuals); i += dim {
		for j := range peak {
			if a := abs32(residuals[i+j]); a > peak[j] {
				peak[j] = a
			}
		}
	}
	for j := range q.scale {
		q.scale[j] = max(peak[j], 1e-4) / 127
	}
	return q
}

// encode writes the code of x in the list with centroid c and returns the
// squared length of the decoded residual and an upper bound of the distance
// between x and its decoded value (so that |d(q,x) - d(q,decoded)| <= eps for
// every q).
func (qz *quantizer) encode(x, c *[dim]float32, code []int8) (norm, eps float32) {
	var n, e float64
	for j := range dim {
		r := x[j] - c[j]
		v := math.Round(float64(r / qz.scale[j]))
		v = max(-127, min(127, v))
		code[j] = int8(v)
		dec := qz.scale[j] * float32(v)
		n += float64(dec) * float64(dec)
		// Measure the error against the decoded point c+dec exactly as the
		// search sees it, in float64.
		diff := float64(x[j]) - (float64(c[j]) + float64(dec))
		e += diff * diff
	}
	return float32(n), roundUp(math.Sqrt(e))
}

// roundUp converts to float32 rounding away from zero, with a little slack
// for the float32 arithmetic of the search.
func roundUp(v float64) float32 {
	return float32(v*(1+1e-6) + 1e-6)
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
