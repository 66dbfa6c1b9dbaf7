package eval

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestGridIndex(t *testing.T) {
	for _, c := range []struct {
		t    float64
		k    int
		fail bool
	}{
		{0.6, 6000, false}, {0, 0, false}, {0.0001, 1, false}, {MaxThreshold, gridSize - 1, false},
		{0.60005, 0, true}, {-0.1, 0, true}, {4, 0, true}, {math.NaN(), 0, true},
	} {
		k, err := GridIndex(c.t)
		if c.fail {
			if !errors.Is(err, ErrThresholdOffGrid) {
				t.Errorf("GridIndex(%v) error = %v, want ErrThresholdOffGrid", c.t, err)
			}
			continue
		}
		if err != nil || k != c.k || GridThreshold(k) != c.t {
			t.Errorf("GridIndex(%v) = %d, %v; want %d", c.t, k, err, c.k)
		}
	}
}

// The histogram bin of a score must agree with isMatch at every grid
// threshold, ties included, or rates read from histograms would be wrong.
func TestBinAgreesWithIsMatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var scores []float32
	for k := 0; k < gridSize; k += 97 {
		e := float32(GridThreshold(k))
		scores = append(scores, e, math.Nextafter32(e, 0), math.Nextafter32(e, 10))
	}
	for i := 0; i < 20000; i++ {
		scores = append(scores, float32(rng.Float64()*4.2))
	}
	scores = append(scores, 0, 5, float32(math.Inf(1)), float32(math.NaN()))
	for _, s := range scores {
		b := binOf(s)
		for _, k := range []int{b - 1, b, b + 1, 0, 6000, gridSize - 1} {
			if k < 0 || k >= gridSize {
				continue
			}
			if got, want := b <= k, isMatch(s, GridThreshold(k)); got != want {
				t.Fatalf("score %v: bin %d, threshold %v: counted as match %v, isMatch %v", s, b, GridThreshold(k), got, want)
			}
		}
	}
	if !isMatch(float32(0.2), 0.2) {
		t.Error("a float32 score of 0.2 must match at threshold 0.2 (ties are matches)")
	}
}

func TestRatesFromHistograms(t *testing.T) {
	m, nm := NewHistogram(), NewHistogram()
	for _, s := range []float32{0.25, 0.5, 0.5, 0.75} {
		m.Add(s)
	}
	for _, s := range []float32{0.5, 1, 1.25} {
		nm.Add(s)
	}
	k, _ := GridIndex(0.5)
	rateIs(t, "FNMR at 0.5", fnmrAt(m, k), 1, 4) // only 0.75 is above; the two ties match
	rateIs(t, "FMR at 0.5", fmrAt(nm, k), 1, 3)  // the tie at 0.5 is a false match
	k, _ = GridIndex(0.4999)
	rateIs(t, "FNMR at 0.4999", fnmrAt(m, k), 3, 4)
	rateIs(t, "FMR at 0.4999", fmrAt(nm, k), 0, 3)
	empty := NewHistogram()
	r := fmrAt(empty, k)
	if r.Defined() || r.String() != NotAvailable || r.Note == "" {
		t.Errorf("FMR without pairs = %+v (%s), want undefined n/a with a note", r, r)
	}
}

func TestEqualErrorRate(t *testing.T) {
	m, nm := NewHistogram(), NewHistogram()
	for _, s := range []float32{0.2, 0.4, 0.5} {
		m.Add(s)
	}
	for _, s := range []float32{0.45, 0.5, 0.7, 0.9} {
		nm.Add(s)
	}
	// At 0.45: FMR 1/4, FNMR 1/3, the closest pair of rates (|diff| 1/12).
	eer, thr, ok := equalErrorRate(nm, m)
	if !ok || thr != 0.45 || math.Abs(eer-7.0/24) > 1e-12 {
		t.Errorf("EER = %v at %v (%v), want 7/24 at 0.45", eer, thr, ok)
	}
	if _, _, ok := equalErrorRate(nm, NewHistogram()); ok {
		t.Error("EER without mated pairs should be undefined")
	}
}

func TestCalibrate(t *testing.T) {
	nm := NewHistogram()
	for i := 1; i <= 10; i++ {
		nm.Add(float32(i) / 10) // 0.1 ... 1.0
	}
	for _, c := range []struct {
		target float64
		want   float64
		ok     bool
	}{
		{0.1, 0.1999, true}, // one false match (0.1) allowed
		{0.05, 0.0999, true},
		{0.5, 0.5999, true},
		{0.99, 0.9999, true},
	} {
		k, ok := calibrate(nm, c.target)
		if ok != c.ok || GridThreshold(k) != c.want {
			t.Errorf("calibrate(%v) = %v, %v; want %v", c.target, GridThreshold(k), ok, c.want)
		}
		if got, _ := fmrAt(nm, k).Value(); got > c.target {
			t.Errorf("FMR at calibrated threshold %v exceeds target %v", got, c.target)
		}
	}
	zero := NewHistogram()
	zero.Add(0)
	zero.Add(0.5)
	if _, ok := calibrate(zero, 0.1); ok {
		t.Error("a target below the share of zero scores cannot be met")
	}
	if _, ok := calibrate(NewHistogram(), 0.1); ok {
		t.Error("no non-mated pairs: no calibration")
	}
}

// handDataset is a small dataset whose every figure is computed by hand:
//
//	identity  images (x)         sex  band
//	alice     a1=0, a2=0.5       f    y
//	bob       b1=2, b2=2.25      m    y
//	carol     c1=5               f    x     (one image)
//	dave      d1 (no face)       u    y     (failure to enrol)
//
// Distances are |x1-x2|. Mated: alice 0.5, bob 0.25. Non-mated:
// a1-b1 2, a1-b2 2.25, a2-b1 1.5, a2-b2 1.75, a1-c1 5, a2-c1 4.5,
// b1-c1 3, b2-c1 2.75.
func handDataset(t *testing.T) (*Dataset, *tableEmbedder) {
	dir := t.TempDir()
	writeFiles(t, dir, "a1.png", "a2.png", "b1.png", "b2.png", "c1.png", "d1.png")
	ds, err := ReadManifest(manifest(t, dir,
		"path,identity,sex,band",
		"a1.png,alice,f,y", "a2.png,alice,f,y",
		"b1.png,bob,m,y", "b2.png,bob,m,y",
		"c1.png,carol,f,x", "d1.png,dave,u,y"), nil)
	if err != nil {
		t.Fatal(err)
	}
	emb := &tableEmbedder{id: "table", table: map[string]embedding{
		"a1.png": at(0), "a2.png": at(0.5), "b1.png": at(2), "b2.png": at(2.25),
		"c1.png": at(5), "d1.png": {err: ErrNoFace},
	}}
	return ds, emb
}

func runHand(t *testing.T, threshold float64, replicates int) *Result {
	t.Helper()
	ds, emb := handDataset(t)
	cfg := DefaultConfig()
	cfg.Threshold = threshold
	cfg.Bootstrap = replicates
	cfg.TargetFMRs = []float64{0.2, 1e-3}
	r, err := Run(context.Background(), ds, emb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func groupOf(t *testing.T, s *Summary, column, group string) GroupResult {
	t.Helper()
	for _, c := range s.Groups {
		if c.Column != column {
			continue
		}
		for _, g := range c.Groups {
			if g.Group == group {
				return g
			}
		}
	}
	t.Fatalf("no group %s=%s", column, group)
	return GroupResult{}
}

func TestHandComputedVerification(t *testing.T) {
	r := runHand(t, 1.5, 0)
	s := &r.Summary
	if s.Verification.MatedPairs != 2 || s.Verification.NonMatedPairs != 8 {
		t.Fatalf("pairs = %d mated, %d non-mated; want 2, 8", s.Verification.MatedPairs, s.Verification.NonMatedPairs)
	}
	rateIs(t, "FMR at 1.5", s.Verification.FMR, 1, 8) // a2-b1 = 1.5 exactly: a tie is a match
	rateIs(t, "FNMR at 1.5", s.Verification.FNMR, 0, 2)
	rateIs(t, "FTE", s.Enrolment.FTE, 1, 6)

	r = runHand(t, 0.4999, 0)
	rateIs(t, "FNMR at 0.4999", r.Summary.Verification.FNMR, 1, 2) // alice's 0.5 is just above
	rateIs(t, "FMR at 0.4999", r.Summary.Verification.FMR, 0, 8)
	// EER: at 0.25 FNMR 1/2, FMR 0 ... at 0.5 FNMR 0, FMR 0: closest (equal) first at 0.5.
	if e := r.Summary.Verification.EER; e == nil || *e != 0 || *r.Summary.Verification.EERThreshold != 0.5 {
		t.Errorf("EER = %v at %v, want 0 at 0.5", e, r.Summary.Verification.EERThreshold)
	}
}

func TestHandComputedGroups(t *testing.T) {
	r := runHand(t, 1.5, 0)
	s := &r.Summary
	f, m, u := groupOf(t, s, "sex", "f"), groupOf(t, s, "sex", "m"), groupOf(t, s, "sex", "u")
	// f: mated alice (0.5); non-mated within f: a1-c1 5, a2-c1 4.5.
	rateIs(t, "f FNMR", f.FNMR, 0, 1)
	rateIs(t, "f FMR", f.FMR, 0, 2)
	// m: only bob, so no non-mated pair within the group.
	rateIs(t, "m FNMR", m.FNMR, 0, 1)
	if m.FMR.Defined() || m.FMR.Note == "" {
		t.Errorf("m FMR = %+v, want n/a with a note (no non-mated pairs)", m.FMR)
	}
	// u: dave did not enrol: an empty group apart from its FTE.
	rateIs(t, "u FTE", u.FTE, 1, 1)
	if u.FMR.Defined() || u.FNMR.Defined() || u.Enrolled != 0 {
		t.Errorf("u = %+v, want no rates", u)
	}
	// band x: carol only, one image: no mated pair, no non-mated pair.
	x := groupOf(t, s, "band", "x")
	if x.FNMR.Defined() || x.FMR.Defined() || x.FNMR.Note != "no mated pairs" {
		t.Errorf("band x = %+v, want FNMR and FMR n/a", x)
	}
	// band y: alice and bob: non-mated a*-b* 2, 2.25, 1.5, 1.75; at 1.5 one false match.
	rateIs(t, "y FMR", groupOf(t, s, "band", "y").FMR, 1, 4)
	// The lowest defined sex FMR is f's 0: every ratio is undefined.
	for _, g := range []GroupResult{f, m, u} {
		if g.FMRRatio.Defined || g.FMRRatio.Note == "" {
			t.Errorf("sex %s ratio = %+v, want n/a with a note", g.Group, g.FMRRatio)
		}
	}
	// Across groups: f-m pairs a*-b* (4) and c1-b* (2): 1 false match (a2-b1).
	for _, c := range s.Groups[1].Cross {
		if c.A == "f" && c.B == "m" {
			rateIs(t, "f-m FMR", c.FMR, 1, 6)
		}
	}
}

func TestFMRRatio(t *testing.T) {
	groups := []GroupResult{
		{Group: "a", FMR: Rate{Errors: 1, Trials: 100}},
		{Group: "b", FMR: Rate{Errors: 5, Trials: 100}},
		{Group: "c"}, // no non-mated pairs
	}
	lowest := fmrRatios(groups, nil, 1)
	if lowest != "a" {
		t.Errorf("lowest = %q, want a", lowest)
	}
	if !groups[0].FMRRatio.Defined || groups[0].FMRRatio.Value != 1 || !groups[1].FMRRatio.Defined || groups[1].FMRRatio.Value != 5 {
		t.Errorf("ratios = %+v, %+v; want 1 and 5", groups[0].FMRRatio, groups[1].FMRRatio)
	}
	if groups[2].FMRRatio.Defined || groups[2].FMRRatio.String() != NotAvailable {
		t.Errorf("group without FMR: ratio %+v, want n/a", groups[2].FMRRatio)
	}
}

func TestHandComputedIdentification(t *testing.T) {
	// Gallery a1, b1, c1. Probe a2: mate 0.5, others 1.5 (b1), 4.5; probe
	// b2: mate 0.25, others 2.25, 2.75.
	r := runHand(t, 1.5, 0)
	id := r.Summary.Identification
	if !id.Available || id.GalleryIdentities != 3 || id.MatedSearches != 2 {
		t.Fatalf("identification = %+v", id)
	}
	rateIs(t, "FNIR rank 1 at 1.5", id.FNIR[0].FNIR, 0, 2)
	rateIs(t, "FPIR at 1.5", id.FPIR, 1, 2) // a2's best other is b1 at exactly 1.5
	r = runHand(t, 0.4, 0)
	rateIs(t, "FNIR rank 1 at 0.4", r.Summary.Identification.FNIR[0].FNIR, 1, 2)
	rateIs(t, "FPIR at 0.4", r.Summary.Identification.FPIR, 0, 2)
}

func TestRankTiesCountAgainstTheMate(t *testing.T) {
	// Probe p at 1: its mate at 0 and another identity's entry at 2 are
	// both at distance 1, so the mate is at rank 2.
	set := &scoringSet{ident: []int32{0, 0, 1}, identities: []string{"p", "q"}}
	for i, x := range []float32{0, 1, 2} {
		set.desc = append(set.desc, at(x).d)
		set.sample = append(set.sample, int32(i))
	}
	_, out, err := searchAll(context.Background(), set, 2, nil)
	if err != nil || len(out) != 1 {
		t.Fatalf("searchAll = %v, %v", out, err)
	}
	if out[0].rank != 2 || out[0].mate != 1 || out[0].bestOther != 1 {
		t.Errorf("outcome = %+v, want rank 2, mate 1, best other 1", out[0])
	}
	all := func(int32) bool { return true }
	rateIs(t, "FNIR rank 1", fnir(out, 1, 1, all), 1, 1)
	rateIs(t, "FNIR rank 2", fnir(out, 2, 1, all), 0, 1)
}

func TestCalibrationReport(t *testing.T) {
	r := runHand(t, 0.6, 0)
	c := r.Summary.Calibration
	// Non-mated scores sorted: 1.5 1.75 2 2.25 2.75 3 4.5 5. Target 0.2
	// allows 1 of 8: the highest threshold is just below 1.75.
	if c[0].Threshold == nil || *c[0].Threshold != 1.7499 {
		t.Fatalf("calibration for 0.2 = %+v, want threshold 1.7499", c[0])
	}
	rateIs(t, "calibrated FMR", c[0].FMR, 1, 8)
	rateIs(t, "calibrated FNMR", c[0].FNMR, 0, 2)
	if c[0].Reliable || !strings.Contains(c[0].Note, "rule of three") {
		t.Errorf("8 pairs cannot support FMR 0.2 (needs 15): %+v", c[0])
	}
	// Target 1e-3 with 8 pairs: no false match allowed: just below 1.5.
	if c[1].Threshold == nil || *c[1].Threshold != 1.4999 {
		t.Errorf("calibration for 1e-3 = %+v, want 1.4999", c[1])
	}
	found := false
	for _, g := range c[0].Groups {
		if g.Column == "band" && g.Group == "y" {
			found = true
			rateIs(t, "band y FMR at 1.7499", g.FMR, 1, 4)
			rateIs(t, "band y FNMR at 1.7499", g.FNMR, 0, 2)
		}
	}
	if !found {
		t.Error("no per-group calibration row for band y")
	}
}

func TestSummaryJSONHasNoNaN(t *testing.T) {
	r := runHand(t, 1.5, 200)
	b, err := json.Marshal(&r.Summary)
	if err != nil {
		t.Fatal(err)
	}
	// encoding/json refuses NaN and Inf, so Marshal succeeding is the check;
	// the undefined figures must be nulls.
	js := string(b)
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	x := groupOf(t, &back, "band", "x")
	if x.FNMR.Defined() || x.FMR.Defined() {
		t.Errorf("band x after JSON round trip = %+v, want undefined rates", x)
	}
	if !strings.Contains(js, `"value":null`) {
		t.Error("undefined rates should be written as null")
	}
}
