package eval

import (
	"math/rand/v2"
	"testing"

	"facecase/facedata"
)

// TestDistancesToIsScore checks that the distance kernel gives exactly
// Score's float32 for every row, whatever the number of rows (the kernel
// takes four at a time, the rest are computed one by one).
func TestDistancesToIsScore(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ys := make([]facedata.Descriptor, 23)
	for i := range ys {
		for j := range ys[i] {
			ys[i][j] = float32(rng.NormFloat64() * 0.1)
		}
	}
	for n := 0; n < len(ys); n++ {
		x := &ys[len(ys)-1-n%3]
		out := make([]float32, n)
		distancesTo(x, ys, out)
		for k := range out {
			if want := Score(x, &ys[k]); out[k] != want {
				t.Fatalf("%d rows: row %d: %v, Score %v (bits %08x, %08x)", n, k, out[k], want, out[k], want)
			}
		}
	}
}
