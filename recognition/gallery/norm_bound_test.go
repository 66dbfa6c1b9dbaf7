package gallery

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestListBoundIsTightAndHolds checks maxDist2 against every face of a list
// of random statistics: no face whose estimated score is below tau lies
// beyond the bound, and the bound is reached by a face (within rounding),
// so it is the tightest bound that holds.
func TestListBoundIsTightAndHolds(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	ns := normScore{pmu: 0.65, pinv: 1 / 0.03}
	for trial := range 200 {
		n := 1 + rng.IntN(300)
		var l invList
		for i := range n {
			mu := float32(0.55 + 0.2*rng.Float64())
			inv := float32(1 / (0.01 + 0.04*rng.Float64()))
			if trial%2 == 0 {
				l.stats = append(l.stats, mu, inv)
				if i == n-1 {
					l.bound = boundOf(l.stats)
				}
			} else { // built face by face, as adds do
				l.stats = append(l.stats, mu, inv)
				l.bound.add(mu, inv)
			}
		}
		tau := float32(-40 + 30*rng.Float64())
		lim := ns.maxDist2(&l, tau)
		var most float64 = -1
		for i := 0; i < n; i++ {
			mu, inv := float64(l.stats[2*i]), float64(l.stats[2*i+1])
			d := (float64(tau) + float64(ns.pmu*ns.pinv) + mu*inv) / (float64(ns.pinv) + inv)
			most = max(most, d)
		}
		if most <= 0 {
			if !math.IsNaN(float64(lim)) {
				t.Fatalf("trial %d: no face can score below %.2f, bound %v", trial, tau, lim)
			}
			continue
		}
		if float64(lim) < most*most*(1-1e-5) {
			t.Fatalf("trial %d: a face scores below %.2f up to distance² %.6f, beyond the bound %.6f", trial, tau, most*most, lim)
		}
		if float64(lim) > most*most*(1+1e-4) {
			t.Fatalf("trial %d: bound %.6f, loose: the faces reach %.6f", trial, lim, most*most)
		}
	}
}
