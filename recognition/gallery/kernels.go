package gallery

import (
	"facecase/facedata"
)

const dim = facedata.DescriptorSize

// Two of the inner loops searches spend their time in (the third, pqScan,
// is in pq_layout.go). Each has a portable Go version and, where the CPU
// has them, AVX2/FMA versions in assembly (kernels_amd64.s); the tests check
// both give the same results.
var (
	// dotCodes sets out[i] = sum_j w[j]*codes[i*128+j] for len(out) codes.
	dotCodes = dotCodesGo
	// sqDists sets out[i] = |x - ys[i*128:]|^2 for len(out) vectors.
	sqDists = sqDistsGo
)

// kernelName says which kernels are in use ("avx2" or "go"), for reports.
var kernelName = "go"

func dotCodesGo(w *[dim]int16, codes []int8, out []int32) {
	codes = codes[:len(out)*dim]
	for i := range out {
		c := codes[i*dim : i*dim+dim]
		var s0, s1, s2, s3 int32
		for j := 0; j < dim; j += 4 {
			s0 += int32(w[j]) * int32(c[j])
			s1 += int32(w[j+1]) * int32(c[j+1])
			s2 += int32(w[j+2]) * int32(c[j+2])
			s3 += int32(w[j+3]) * int32(c[j+3])
		}
		out[i] = s0 + s1 + s2 + s3
	}
}

func sqDistsGo(x *[dim]float32, ys []float32, out []float32) {
	ys = ys[:len(out)*dim]
	for i := range out {
		y := ys[i*dim : i*dim+dim]
		var s0, s1, s2, s3 float32
		for j := 0; j < dim; j += 4 {
			d0, d1, d2, d3 := x[j]-y[j], x[j+1]-y[j+1], x[j+2]-y[j+2], x[j+3]-y[j+3]
			s0 += d0 * d0
			s1 += d1 * d1
			s2 += d2 * d2
			s3 += d3 * d3
		}
		out[i] = s0 + s1 + s2 + s3
	}
}

// sqDist is the squared distance between two descriptors.
func sqDist(a, b *[dim]float32) float32 {
	var out [1]float32
	sqDists(a, b[:], out[:])
	return out[0]
}
