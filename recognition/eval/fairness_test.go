package eval

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"facecase/facedata"
	"facecase/progress"
)

// denseSparseSet is a scoring set of two groups: "dense" people sit closer
// together in descriptor space than "sparse" ones, as some groups do in
// dlib's space, so one distance threshold gives them different FMRs.
// Every person has perPerson images.
func denseSparseSet(people, perPerson int) *scoringSet {
	rng := rand.New(rand.NewPCG(5, 5))
	set := &scoringSet{columns: []string{overallColumn, "g"}, groupNames: [][]string{{overallColumn}, {"dense", "sparse"}}}
	set.group = make([][]uint16, 2)
	set.sampleGroup = make([][]uint16, 2)
	for p := 0; p < people; p++ {
		set.identities = append(set.identities, "p"+strconv.Itoa(p))
		g := uint16(p % 2)
		// Each group has its own region of the space (centred at ±0.1 in
		// every component); the dense group's people are closer together.
		spread, centre := []float64{0.05, 0.056}[g], []float64{0.1, -0.1}[g]
		var c facedata.Descriptor
		for i := range c {
			c[i] = float32(centre + rng.NormFloat64()*spread)
		}
		for k := 0; k < perPerson; k++ {
			d := c
			for i := range d {
				d[i] += float32(rng.NormFloat64() * 0.02)
			}
			e := int32(len(set.desc))
			set.desc = append(set.desc, d)
			set.sample = append(set.sample, e)
			set.ident = append(set.ident, int32(p))
			set.sampleIdentity = append(set.sampleIdentity, int32(p))
			for c, v := range []uint16{0, g} {
				set.group[c] = append(set.group[c], v)
				set.sampleGroup[c] = append(set.sampleGroup[c], v)
			}
		}
	}
	return set
}

// looNormalizer is AS-norm with the dataset itself as the cohort, each face
// left out of its own: a plain stand-in for recognition/scorenorm.
type looNormalizer struct{ k int }

func (n looNormalizer) Prepare(ctx context.Context, descs []facedata.Descriptor, _ []int32, _ func(i int) []float32) (func(a, b int, d float64) float64, string, string, error) {
	st, err := n.stats(ctx, descs)
	score := func(a, b int, d float64) float64 {
		return 0.5 * ((d-float64(st[a].Mu))/float64(st[a].Sigma) + (d-float64(st[b].Mu))/float64(st[b].Sigma))
	}
	return score, "test", "test: in-domain AS-norm", err
}

func (n looNormalizer) stats(_ context.Context, descs []facedata.Descriptor) ([]facedata.CohortStats, error) {
	out := make([]facedata.CohortStats, len(descs))
	for i := range descs {
		var ds []float64
		for j := range descs {
			if j != i {
				ds = append(ds, descs[i].Distance(&descs[j]))
			}
		}
		slices.Sort(ds)
		var mu, v float64
		for _, d := range ds[:n.k] {
			mu += d / float64(n.k)
		}
		for _, d := range ds[:n.k] {
			v += (d - mu) * (d - mu) / float64(n.k)
		}
		out[i] = facedata.CohortStats{Mu: float32(mu), Sigma: float32(math.Sqrt(v))}
	}
	return out, nil
}

func TestFairnessComparesRawAndNormalised(t *testing.T) {
	set := denseSparseSet(200, 2)
	cfg := DefaultConfig()
	cfg.Normalizer = looNormalizer{k: 30}
	cfg.FairnessFMRs = []float64{1e-3, 1e-2}
	cfg.Bootstrap = 200
	f, h, err := fairness(context.Background(), &Dataset{Kind: KindFolders}, set, cfg, progress.Discard, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Normalisation != "test: in-domain AS-norm" || len(f.Points) != 2 {
		t.Fatalf("fairness %+v", f)
	}
	// Loosest first.
	if f.Points[0].TargetFMR != 1e-2 || f.Points[1].TargetFMR != 1e-3 {
		t.Fatalf("targets %v, %v", f.Points[0].TargetFMR, f.Points[1].TargetFMR)
	}
	nonMated := int64(400*399/2 - 200)
	if got := int64(h.nonMated[kindRaw][0][0].Total()); got != nonMated {
		t.Fatalf("%d non-mated pairs, want %d", got, nonMated)
	}
	for _, p := range f.Points {
		for name, side := range map[string]FairSide{"raw": p.Raw, "normalised": p.Normalised} {
			if side.Threshold == nil {
				t.Fatalf("%s at %g: no threshold (%s)", name, p.TargetFMR, side.Note)
			}
			if v, _ := side.FMR.Value(); v > p.TargetFMR {
				t.Errorf("%s at %g: overall FMR %v above the target", name, p.TargetFMR, v)
			}
			if side.FMR.Trials != nonMated || side.FNMR.Trials != 200 {
				t.Errorf("%s: trials %d / %d", name, side.FMR.Trials, side.FNMR.Trials)
			}
			col := side.Columns[0]
			if col.Column != "g" || len(col.Groups) != 2 {
				t.Fatalf("%s: columns %+v", name, side.Columns)
			}
			for _, g := range col.Groups {
				if g.FMR.CI == nil || g.FNMR.CI == nil {
					t.Errorf("%s %s: no interval", name, g.Group)
				}
				if v, _ := g.FMR.Value(); g.FMR.CI != nil && (v < g.FMR.CI.Low-1e-12 || v > g.FMR.CI.High+1e-12) && v > 0 {
					t.Logf("%s %s: FMR %v outside its interval %+v", name, g.Group, v, *g.FMR.CI)
				}
			}
		}
		raw, norm := p.Raw.Columns[0], p.Normalised.Columns[0]
		t.Logf("FMR %g: raw ratio %s (%s/%s) %s %s, normalised %s %s %s", p.TargetFMR, raw.MaxMinRatio, raw.Highest, raw.Lowest, raw.Groups[0].FMR, raw.Groups[1].FMR, norm.MaxMinRatio, norm.Groups[0].FMR, norm.Groups[1].FMR)
		if raw.Highest != "dense" {
			t.Errorf("raw: the dense group should have the highest FMR, got %s", raw.Highest)
		}
	}
	// At 1e-2 both groups have false matches: the raw ratio is large and
	// the normalisation shrinks it.
	raw, norm := f.Points[0].Raw.Columns[0].MaxMinRatio, f.Points[0].Normalised.Columns[0].MaxMinRatio
	if !raw.Defined || !norm.Defined || raw.Value < 3 || norm.Value > raw.Value/2 {
		t.Errorf("max/min ratio raw %+v, normalised %+v: want raw >= 3 and normalised at most half of it", raw, norm)
	}
	if raw.CI == nil || norm.CI == nil {
		t.Errorf("max/min ratios without intervals")
	}
	// The summary survives JSON.
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back Fairness
	if err := json.Unmarshal(b, &back); err != nil || len(back.Points) != 2 || back.Points[0].Normalised.Columns[0].MaxMinRatio.Value != norm.Value {
		t.Fatalf("JSON round trip: %v %+v", err, back)
	}
}

// TestFairnessIsRepeatable: the same data gives the same figures whatever
// the number of workers.
func TestFairnessIsRepeatable(t *testing.T) {
	set := denseSparseSet(60, 3)
	run := func(workers int) []byte {
		cfg := DefaultConfig()
		cfg.Normalizer = looNormalizer{k: 10}
		cfg.Bootstrap = 50
		cfg.Workers = workers
		f, _, err := fairness(context.Background(), &Dataset{Kind: KindFolders}, set, cfg, progress.Discard, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(f)
		return b
	}
	if a, b := run(1), run(3); string(a) != string(b) {
		t.Fatalf("1 worker and 3 workers differ:\n%s\n%s", a, b)
	}
}

// floorNormalizer scores every pair below the normalised grid.
type floorNormalizer struct{}

func (floorNormalizer) Prepare(context.Context, []facedata.Descriptor, []int32, func(i int) []float32) (func(a, b int, d float64) float64, string, string, error) {
	return func(int, int, float64) float64 { return -1000 }, "test", "test: below the grid", nil
}

// TestFairnessWithoutAThreshold: a side no threshold meets the target on
// still lists every column and group, with the rates not available.
func TestFairnessWithoutAThreshold(t *testing.T) {
	set := denseSparseSet(20, 2)
	cfg := DefaultConfig()
	cfg.Normalizer = floorNormalizer{}
	cfg.FairnessFMRs = []float64{1e-2}
	cfg.Bootstrap = 20
	f, _, err := fairness(context.Background(), &Dataset{Kind: KindFolders}, set, cfg, progress.Discard, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, norm := f.Points[0].Raw, f.Points[0].Normalised
	if raw.Threshold == nil || len(raw.Columns) != 1 {
		t.Fatalf("raw side %+v", raw)
	}
	if norm.Threshold != nil || norm.Note == "" || len(norm.Columns) != 1 || len(norm.Columns[0].Groups) != 2 ||
		norm.Columns[0].Groups[0].FMR.Defined() || norm.Columns[0].MaxMinRatio.Defined {
		t.Fatalf("normalised side %+v", norm)
	}
}

// TestKeptRecordsGiveTheSameIntervals: the bootstrap gives the same
// intervals from the pairs kept while scoring (below generous bounds) as
// from the pairs a second pass collects at the thresholds.
func TestKeptRecordsGiveTheSameIntervals(t *testing.T) {
	set := denseSparseSet(120, 3)
	norm := looNormalizer{k: 10}
	score, _, _, err := norm.Prepare(context.Background(), set.desc, set.ident, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := newFairSource(&Dataset{Kind: KindFolders}, set, score)
	h, kept, err := src.histograms(context.Background(), 2, progress.Discard, [2]float32{1e9, 1e9})
	if err != nil {
		t.Fatal(err)
	}
	var th [2][]int
	for kind := range th {
		for _, target := range []float64{1e-2, 1e-3} {
			k, _ := calibrate(h.nonMated[kind][0][0], target)
			th[kind] = append(th[kind], k)
		}
	}
	if !recordsCover(h, th, [2]float32{1e9, 1e9}) || recordsCover(h, th, [2]float32{-1e9, -1e9}) {
		t.Fatal("recordsCover")
	}
	second, err := src.records(context.Background(), h, th, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) <= len(second) {
		t.Fatalf("%d pairs kept below the bounds, %d at the thresholds: want more kept", len(kept), len(second))
	}
	a, err := fairBootstrap(context.Background(), set, src, kept, h, th, 2, 100, 1, 2, progress.Discard)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fairBootstrap(context.Background(), set, src, second, h, th, 2, 100, 1, 2, progress.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal([][][]*Interval{a.fmr[kindNormalised][0], a.fmr[kindRaw][1], a.maxMin[kindNormalised]})
	jb, _ := json.Marshal([][][]*Interval{b.fmr[kindNormalised][0], b.fmr[kindRaw][1], b.maxMin[kindNormalised]})
	if string(ja) != string(jb) {
		t.Fatalf("intervals differ:\n%s\n%s", ja, jb)
	}
}

func TestPairDistances(t *testing.T) {
	set := denseSparseSet(37, 3)
	tri, err := pairDistances(context.Background(), &Dataset{Kind: KindFolders}, set, 3, progress.Discard)
	if err != nil || tri == nil {
		t.Fatalf("triangle %v, %v", tri, err)
	}
	for i := 0; i < set.size(); i++ {
		for j := 0; j < set.size(); j++ {
			if i != j && tri.at(i, j) != Score(&set.desc[i], &set.desc[j]) {
				t.Fatalf("distance %d-%d: %v, want %v", i, j, tri.at(i, j), Score(&set.desc[i], &set.desc[j]))
			}
		}
	}
	if tri, _ := pairDistances(context.Background(), &Dataset{Kind: KindPairs}, set, 3, progress.Discard); tri != nil {
		t.Error("a pairs file's listed pairs need no triangle")
	}
}
