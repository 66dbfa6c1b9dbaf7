package gallery

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestKernelsAgree(t *testing.T) {
	t.Logf("kernels in use: %s", kernelName)
	r := rand.New(rand.NewPCG(1, 2))
	const n = 37
	var w [dim]int16
	for j := range w {
		w[j] = int16(r.IntN(65535) - 32767)
	}
	codes := make([]int8, n*dim)
	for i := range codes {
		codes[i] = int8(r.IntN(255) - 127)
	}
	got, want := make([]int32, n), make([]int32, n)
	dotCodes(&w, codes, got)
	dotCodesGo(&w, codes, want)
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("dotCodes[%d] = %d, want %d", i, got[i], want[i])
		}
	}
	var x [dim]float32
	for j := range x {
		x[j] = float32(r.NormFloat64())
	}
	ys := make([]float32, n*dim)
	for i := range ys {
		ys[i] = float32(r.NormFloat64())
	}
	gf, wf := make([]float32, n), make([]float32, n)
	sqDists(&x, ys, gf)
	sqDistsGo(&x, ys, wf)
	for i := range gf {
		var ref float64
		for j := 0; j < dim; j++ {
			d := float64(x[j]) - float64(ys[i*dim+j])
			ref += d * d
		}
		if math.Abs(float64(gf[i])-ref) > 1e-4*ref || math.Abs(float64(wf[i])-ref) > 1e-4*ref {
			t.Fatalf("sqDists[%d] = %g (go %g), want %g", i, gf[i], wf[i], ref)
		}
	}
	sqDists(&x, ys, nil) // empty input must not touch memory
}

func BenchmarkDotCodes(b *testing.B) {
	var w [dim]int16
	codes := make([]int8, 4096*dim)
	out := make([]int32, 4096)
	b.SetBytes(int64(len(codes)))
	for b.Loop() {
		dotCodes(&w, codes, out)
	}
}

func BenchmarkSqDists(b *testing.B) {
	var x [dim]float32
	ys := make([]float32, 4096*dim)
	out := make([]float32, 4096)
	b.SetBytes(int64(len(ys) * 4))
	for b.Loop() {
		sqDists(&x, ys, out)
	}
}
