package eval

import (
	"context"
	"math"
	"slices"
	"testing"

	"facecase/progress"
)

// TestFairHistogramsWithoutTriangle checks that the raw and normalised pass
// counts the same whether the distances come from the triangle (sets of up
// to maxTriangleFaces) or are computed row by row by the distance kernel
// (larger sets): every histogram bin, the mated pairs and the pairs kept
// for the bootstrap.
func TestFairHistogramsWithoutTriangle(t *testing.T) {
	set := syntheticSet(90, 4, 7, true)
	ds := &Dataset{Kind: KindFolders}
	norm := func(a, b int, d float64) float64 { return d*10 - float64(a%7) - float64(b%5) }
	inf := float32(math.Inf(1))
	bound := [2]float32{0.9, inf}
	run := func(tri *triangle) (*fairHistograms, []fairPair) {
		src := newFairSource(ds, set, norm)
		src.tri = tri
		h, kept, err := src.histograms(context.Background(), 2, progress.Discard, bound)
		if err != nil {
			t.Fatal(err)
		}
		return h, kept
	}
	tri, err := pairDistances(context.Background(), ds, set, 2, progress.Discard)
	if err != nil || tri == nil {
		t.Fatalf("triangle %v, %v", tri, err)
	}
	h1, k1 := run(tri)
	h2, k2 := run(nil)
	n := set.size()
	if got := h1.nonMated[0][0][0].Total() + uint64(len(h1.matedPairs)); got != uint64(n*(n-1)/2) {
		t.Fatalf("%d pairs counted, want %d", got, n*(n-1)/2)
	}
	for kind := range h1.nonMated {
		for c := range h1.nonMated[kind] {
			for g := range h1.nonMated[kind][c] {
				if !slices.Equal(h1.nonMated[kind][c][g].counts, h2.nonMated[kind][c][g].counts) {
					t.Fatalf("kind %d column %d group %d: histograms differ", kind, c, g)
				}
			}
		}
	}
	if !slices.Equal(h1.matedPairs, h2.matedPairs) || len(h1.matedPairs) != 90*4*3/2 {
		t.Fatalf("mated pairs: %d and %d, want %d, equal", len(h1.matedPairs), len(h2.matedPairs), 90*4*3/2)
	}
	if !slices.Equal(k1, k2) || len(k1) == 0 {
		t.Fatalf("kept pairs: %d and %d, want equal and some", len(k1), len(k2))
	}
}
