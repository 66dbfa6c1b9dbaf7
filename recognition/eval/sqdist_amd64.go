package eval

import "golang.org/x/sys/cpu"

//go:noescape
func sqDists4AVX(x *float32, ys *float32, n int, out *float32)

// haveSqDistsAVX says whether the AVX kernel runs on this processor.
var haveSqDistsAVX = cpu.X86.HasAVX

// sqDistsFast fills out[:4m] with the kernel (m = len(out)/4 groups of
// four rows) and returns how many it filled; the caller does the rest.
func sqDistsFast(x *[128]float32, ys []float32, out []float32) int {
	m := len(out) / 4
	if !haveSqDistsAVX || m == 0 {
		return 0
	}
	_ = ys[m*4*128-1]
	sqDists4AVX(&x[0], &ys[0], m, &out[0])
	return m * 4
}
