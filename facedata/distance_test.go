package facedata

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSquaredDistanceAgreesWithDistance(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		var a, b Descriptor
		for i := range a {
			a[i], b[i] = float32(r.NormFloat64()*0.1), float32(r.NormFloat64()*0.1)
		}
		want := a.Distance(&b)
		got := math.Sqrt(float64(SquaredDistance(&a, b[:])))
		if math.Abs(got-want) > 1e-6*max(1, want) {
			t.Fatalf("trial %d: sqrt(SquaredDistance) %v, Distance %v", trial, got, want)
		}
	}
	var a Descriptor
	if SquaredDistance(&a, a[:]) != 0 {
		t.Fatal("a descriptor's distance to itself is not 0")
	}
}
