package gallery

import (
	"context"
	"math/rand/v2"
)

// kmeansIterations is enough for coarse clusters: the index only needs
// lists of similar size and nearby members, not an optimal clustering.
const kmeansIterations = 12

// kmeans clusters n = len(pts)/128 points into k groups (Lloyd's algorithm,
// random distinct points as seeds, empty clusters re-seeded from the largest
// one). It returns the centroids and each point's cluster.
func kmeans(ctx context.Context, pts []float32, k int, seed uint64) ([]float32, []uint32, error) {
	n := len(pts) / dim
	if k >= n {
		cents := append([]float32(nil), pts...)
		assign := make([]uint32, n)
		for i := range assign {
			assign[i] = uint32(i)
		}
		return cents, assign, nil
	}
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	cents := make([]float32, k*dim)
	for c, i := range sampleIndices(r, n, k) {
		copy(cents[c*dim:], pts[i*dim:i*dim+dim])
	}
	assign := make([]uint32, n)
	sums := make([]float64, k*dim)
	counts := make([]int, k)
	for range kmeansIterations {
		if err := assignNearest(ctx, pts, cents, assign); err != nil {
			return nil, nil, err
		}
		clear(sums)
		clear(counts)
		for i, c := range assign {
			counts[c]++
			s := sums[int(c)*dim : int(c)*dim+dim]
			for j, v := range pts[i*dim : i*dim+dim] {
				s[j] += float64(v)
			}
		}
		for c := range k {
			if counts[c] == 0 {
				reseed(r, pts, assign, counts, cents, c)
				continue
			}
			for j := range dim {
				cents[c*dim+j] = float32(sums[c*dim+j] / float64(counts[c]))
			}
		}
	}
	if err := assignNearest(ctx, pts, cents, assign); err != nil {
		return nil, nil, err
	}
	return cents, assign, nil
}

// reseed moves empty cluster c onto a random member of the largest cluster.
func reseed(r *rand.Rand, pts []float32, assign []uint32, counts []int, cents []float32, c int) {
	big := 0
	for i := range counts {
		if counts[i] > counts[big] {
			big = i
		}
	}
	for {
		i := r.IntN(len(assign))
		if int(assign[i]) == big {
			for j := range dim {
				cents[c*dim+j] = pts[i*dim+j] * (1 + 1e-3*float32(r.NormFloat64()))
			}
			return
		}
	}
}

// assignNearest sets assign[i] to the centroid nearest point i, on all cores.
func assignNearest(ctx context.Context, pts, cents []float32, assign []uint32) error {
	k := len(cents) / dim
	return parallelFor(ctx, len(assign), 256, func(_, lo, hi int) {
		d := make([]float32, k)
		for i := lo; i < hi; i++ {
			sqDists((*[dim]float32)(pts[i*dim:]), cents, d)
			assign[i] = uint32(argmin(d))
		}
	})
}

func argmin(d []float32) int {
	best := 0
	for i, v := range d {
		if v < d[best] {
			best = i
		}
	}
	return best
}

// sampleIndices picks k distinct indices of [0, n) (Floyd's algorithm).
func sampleIndices(r *rand.Rand, n, k int) []int {
	seen := make(map[int]bool, k)
	out := make([]int, 0, k)
	for j := n - k; j < n; j++ {
		t := r.IntN(j + 1)
		if seen[t] {
			t = j
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}
