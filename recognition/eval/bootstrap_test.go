package eval

import (
	"context"
	"math"
	"reflect"
	"testing"
)

func TestQuantile(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5}
	for _, c := range []struct{ p, want float64 }{{0, 1}, {0.5, 3}, {1, 5}, {0.25, 2}, {0.1, 1.4}} {
		if got := quantile(v, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if iv := percentileInterval([]float64{math.NaN(), math.NaN(), 1}); iv != nil {
		t.Errorf("an interval defined in 1 of 3 replicates should be dropped, got %+v", iv)
	}
	iv := percentileInterval([]float64{0.5, math.NaN(), 0.5})
	if iv == nil || iv.Low != 0.5 || iv.High != 0.5 || iv.Replicates != 2 {
		t.Errorf("interval = %+v", iv)
	}
}

// With every identity drawn exactly once the replicate rates are the
// point estimates: checks the weighting and the closed-form denominator.
func TestReplicateRatesWithUnitWeights(t *testing.T) {
	set := syntheticSet(30, 3, 11, true)
	tl := bruteTally(set, 0.6)
	in := bootstrapInputs(set, tl, false)
	w := make([]float64, len(set.identities))
	for i := range w {
		w[i] = 1
	}
	for c := range set.columns {
		for g := range set.groupNames[c] {
			fmr, fnmr := replicateRates(&in[c][g], w)
			k, _ := GridIndex(0.6)
			wantFMR, _ := fmrAt(tl.nonMated[c][g], k).Value()
			m := matedHistograms(set, tl)
			wantFNMR, _ := fnmrAt(m[c][g], k).Value()
			if math.Abs(fmr-wantFMR) > 1e-12 || math.Abs(fnmr-wantFNMR) > 1e-12 {
				t.Errorf("column %d group %d: replicate FMR %v FNMR %v, want %v %v", c, g, fmr, fnmr, wantFMR, wantFNMR)
			}
		}
	}
	// Doubling one identity's weight doubles its mated pairs.
	w[0] = 2
	var mated, want float64
	for _, e := range in[0][0].mated {
		mated += w[e.a] * e.count
		want += e.count
	}
	if mated != want+3 { // identity 0 has 3 images: 3 mated pairs
		t.Errorf("weighted mated pairs %v, want %v", mated, want+3)
	}
}

func TestBootstrapDeterministicAcrossWorkers(t *testing.T) {
	set := syntheticSet(40, 3, 9, true)
	tl := bruteTally(set, 0.6)
	a, err := bootstrapRates(context.Background(), set, tl, false, 300, 42, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bootstrapRates(context.Background(), set, tl, false, 300, 42, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("bootstrap intervals depend on the number of workers")
	}
	c, _ := bootstrapRates(context.Background(), set, tl, false, 300, 43, 2, nil)
	if reflect.DeepEqual(a, c) {
		t.Error("a different seed should give different intervals")
	}
	k, _ := GridIndex(0.6)
	point, _ := fmrAt(tl.nonMated[0][0], k).Value()
	iv := a.fmr[0][0]
	if iv == nil || !(iv.Low <= point && point <= iv.High) || iv.Low == iv.High {
		t.Errorf("overall FMR %v, interval %+v: want a proper interval around it", point, iv)
	}
}

func TestBootstrapCancelled(t *testing.T) {
	set := syntheticSet(20, 3, 9, true)
	tl := bruteTally(set, 0.6)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := bootstrapRates(ctx, set, tl, false, 100, 1, 2, nil); err == nil {
		t.Error("a cancelled bootstrap should fail")
	}
}
