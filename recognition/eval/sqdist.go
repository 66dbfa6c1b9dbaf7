package eval

import (
	"math"
	"unsafe"

	"facecase/facedata"
)

// distancesTo sets out[k] to the distance (Score) of x and ys[k], for
// every k < len(out) (len(ys) >= len(out)). On amd64 with AVX an assembly
// kernel computes four rows at a time in eight float32 lanes, adding in
// the order facedata.SquaredDistance does, so each result is bit for bit
// Score's.
func distancesTo(x *facedata.Descriptor, ys []facedata.Descriptor, out []float32) {
	if len(out) == 0 {
		return
	}
	flat := unsafe.Slice(&ys[0][0], len(out)*facedata.DescriptorSize)
	done := sqDistsFast((*[128]float32)(x), flat, out)
	for k := done; k < len(out); k++ {
		out[k] = facedata.SquaredDistance(x, ys[k][:])
	}
	for k, s := range out {
		out[k] = float32(math.Sqrt(float64(s)))
	}
}
