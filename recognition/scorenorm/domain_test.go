package scorenorm

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"facecase/facedata"
	"facecase/internal/synthdesc"
)

// domainFaces are n synthetic faces, perIdentity of each identity.
func domainFaces(n, perIdentity int) ([]facedata.Descriptor, []int64) {
	g := synthdesc.New(synthdesc.Config{Seed: 11, ImagesPerIdentity: perIdentity})
	descs := make([]facedata.Descriptor, n)
	g.Fill(0, descs)
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = int64(g.IdentityOf(i))
	}
	return descs, ids
}

// naiveStats are local scaling's statistics of d among descs: μ = 0 and
// σ the mean distance to its k nearest faces at MinStrangerDistance or
// farther, leaving out the faces keep refuses.
func naiveStats(d *facedata.Descriptor, descs []facedata.Descriptor, k int, keep func(j int) bool) facedata.CohortStats {
	var ds []float64
	for j := range descs {
		if keep(j) {
			ds = append(ds, d.Distance(&descs[j]))
		}
	}
	slices.Sort(ds)
	var far []float64
	for _, x := range ds {
		if x >= MinStrangerDistance {
			far = append(far, x)
		}
	}
	var mu float64
	for _, x := range far[:k] {
		mu += x / float64(k)
	}
	return facedata.CohortStats{Sigma: float32(mu)}
}

func near(a, b facedata.CohortStats) bool {
	return math.Abs(float64(a.Mu-b.Mu)) < 1e-5 && math.Abs(float64(a.Sigma-b.Sigma)) < 1e-5
}

// TestDomainLeavesTheComparedIdentitiesOut checks the in-domain statistics
// against a plain computation: a gallery face without its own identity, a
// pair without both identities, a probe without the candidate's identity.
func TestDomainLeavesTheComparedIdentitiesOut(t *testing.T) {
	for _, k := range []int{DomainK, 5} {
		domainLeavesTheComparedIdentitiesOut(t, k)
	}
}

func domainLeavesTheComparedIdentitiesOut(t *testing.T, k int) {
	descs, ids := domainFaces(MinDomainFaces+50, 3)
	d, err := NewDomain(context.Background(), descs, ids, k)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 7, 150, 299} {
		want := naiveStats(&descs[i], descs, k, func(j int) bool { return ids[j] != ids[i] })
		if got := d.Stats(i); !near(got, want) {
			t.Fatalf("face %d: %+v, want %+v", i, got, want)
		}
	}
	for _, p := range [][2]int{{0, 1}, {0, 3}, {10, 200}} { // mated, then non-mated pairs
		a, b := p[0], p[1]
		keep := func(x int) func(j int) bool {
			return func(j int) bool { return j != x && ids[j] != ids[a] && ids[j] != ids[b] }
		}
		dist := descs[a].Distance(&descs[b])
		want := Score(dist, naiveStats(&descs[a], descs, k, keep(a)), naiveStats(&descs[b], descs, k, keep(b)))
		if got := d.PairScore(a, b, dist); math.Abs(got-want) > 1e-4 {
			t.Fatalf("pair %v: score %v, want %v", p, got, want)
		}
	}
	probe := synthdesc.New(synthdesc.Config{Seed: 11, ImagesPerIdentity: 3}).Probe(5, 1) // identity 5: faces 15-17
	pr := d.Probe(&probe)
	for _, i := range []int{15, 40} {
		want := Score(probe.Distance(&descs[i]), naiveStats(&probe, descs, k, func(j int) bool { return ids[j] != ids[i] }), d.Stats(i))
		if got := pr.Score(i); math.Abs(got-want) > 1e-4 || math.Abs(pr.Distance(i)-probe.Distance(&descs[i])) > 1e-6 {
			t.Fatalf("probe against face %d: %v, want %v", i, got, want)
		}
	}
	// The probe's mate scores far better than strangers: under half the
	// stranger's scaled distance.
	if pr.Score(15) > pr.Score(40)/2 {
		t.Errorf("k=%d: mate %v, stranger %v", k, pr.Score(15), pr.Score(40))
	}
}

// TestDomainSkipsNearCopies: a copy of a face under another identity (an
// alias, or one image enrolled twice) is no stranger: the face's scale
// comes from its nearest face at MinStrangerDistance or farther.
func TestDomainSkipsNearCopies(t *testing.T) {
	descs, ids := domainFaces(MinDomainFaces+10, 2)
	descs[7] = descs[100] // faces 7 and 100 are of different identities
	d, err := NewDomain(context.Background(), descs, ids, DomainK)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{7, 100} {
		want := naiveStats(&descs[i], descs, DomainK, func(j int) bool { return ids[j] != ids[i] })
		if got := d.Stats(i); !near(got, want) || got.Sigma < MinStrangerDistance {
			t.Errorf("face %d: %+v, want %+v", i, got, want)
		}
	}
	pr := d.Probe(&descs[100])
	if got, want := pr.Score(100), 0.0; got != want {
		t.Errorf("probe against its own copy: score %v, want %v", got, want)
	}
}

func TestDomainCalibration(t *testing.T) {
	descs, ids := domainFaces(MinDomainFaces, 2)
	d, err := NewDomain(context.Background(), descs, ids, DomainK)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Calibration().Points) != 0 {
		t.Fatal("calibrated before Calibrate")
	}
	if err := d.Calibrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	cal := d.Calibration()
	pairs := int64(MinDomainFaces*(MinDomainFaces-1)/2 - MinDomainFaces/2)
	if cal.Pairs != pairs || cal.valid() != nil {
		t.Fatalf("calibration on %d pairs (want %d): %v", cal.Pairs, pairs, cal.valid())
	}
	th, err := cal.Threshold(1e-2)
	if err != nil {
		t.Fatal(err)
	}
	fm := 0
	for i := range descs {
		for j := i + 1; j < len(descs); j++ {
			if ids[i] != ids[j] && d.PairScore(i, j, descs[i].Distance(&descs[j])) <= th {
				fm++
			}
		}
	}
	if got := float64(fm) / float64(pairs); math.Abs(got-1e-2) > 1e-3 {
		t.Fatalf("FMR at the 1e-2 threshold: %v", got)
	}
	// Too few faces for a domain.
	if _, err := NewDomain(context.Background(), descs[:MinDomainFaces-1], ids[:MinDomainFaces-1], DomainK); !errors.Is(err, ErrBadCohort) {
		t.Fatalf("small domain: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewDomain(ctx, descs, ids, DomainK); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// BenchmarkDomain1000 builds and calibrates the in-domain cohort of a
// 1,000-descriptor watchlist (once per watchlist version), then scores a
// probe against it (every search).
func BenchmarkDomain1000(b *testing.B) {
	descs, ids := domainFaces(1000, 2)
	probe := synthdesc.New(synthdesc.Config{Seed: 12}).Stranger(1)
	b.Run("build", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			d, err := NewDomain(context.Background(), descs, ids, DomainK)
			if err != nil {
				b.Fatal(err)
			}
			if err := d.Calibrate(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
	d, _ := NewDomain(context.Background(), descs, ids, DomainK)
	b.Run("probe", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			p := d.Probe(&probe)
			for j := 0; j < d.Size(); j++ {
				p.Score(j)
			}
		}
	})
}

// TestGalleryOutsideTheSample: a large gallery keeps a sample as its
// domain; a face outside the sample is scored as a member would be.
func TestGalleryOutsideTheSample(t *testing.T) {
	descs, ids := domainFaces(MinDomainFaces+30, 3)
	sample, err := NewDomain(context.Background(), descs[:MinDomainFaces], ids[:MinDomainFaces], DomainK)
	if err != nil {
		t.Fatal(err)
	}
	g := MinDomainFaces + 10 // a gallery face outside the sample
	st := sample.StatsWithout(&descs[g], ids[g])
	want := naiveStats(&descs[g], descs[:MinDomainFaces], DomainK, func(j int) bool { return ids[j] != ids[g] })
	if !near(st, want) {
		t.Fatalf("gallery face statistics %+v, want %+v", st, want)
	}
	probe := descs[g+1] // a mate of g (3 images per identity)
	if ids[g+1] != ids[g] {
		probe = descs[g-1]
	}
	pr := sample.Probe(&probe)
	dist := probe.Distance(&descs[g])
	wantScore := Score(dist, naiveStats(&probe, descs[:MinDomainFaces], DomainK, func(j int) bool { return ids[j] != ids[g] }), st)
	if got := pr.ScoreWith(dist, st, ids[g]); math.Abs(got-wantScore) > 1e-4 {
		t.Fatalf("score %v, want %v", got, wantScore)
	}
}

// TestDomainFromRowsIsDomain checks that a domain built from the distances
// row by row (as the Lab passes them; blocks of faces at a time) has the
// same nearest lists, statistics and scores as one that computes them: a
// set that is not a whole number of blocks, identities of several faces.
func TestDomainFromRowsIsDomain(t *testing.T) {
	n := 2*nearRowsBlock + MinDomainFaces + 7
	descs, ids := domainFaces(n, 4)
	want, err := NewDomain(context.Background(), descs, ids, DomainK)
	if err != nil {
		t.Fatal(err)
	}
	tri := make([][]float32, n)
	for i := range tri {
		for j := i + 1; j < n; j++ {
			tri[i] = append(tri[i], float32(descs[i].Distance(&descs[j])))
		}
	}
	got, err := NewDomainDistances(context.Background(), descs, ids, DomainK, func(i int) []float32 { return tri[i] })
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if len(got.near[i]) != len(want.near[i]) {
			t.Fatalf("face %d: %d nearest, want %d", i, len(got.near[i]), len(want.near[i]))
		}
		for x := range got.near[i] {
			g, w := got.near[i][x], want.near[i][x]
			if g.i != w.i || math.Abs(float64(g.d-w.d)) > 1e-6 {
				t.Fatalf("face %d, neighbour %d: %+v, want %+v", i, x, g, w)
			}
		}
		if !near(got.Stats(i), want.Stats(i)) || got.cut[i] != want.cut[i] || got.seen[i] != want.seen[i] {
			t.Fatalf("face %d: stats %+v cut %d, want %+v cut %d", i, got.Stats(i), got.cut[i], want.Stats(i), want.cut[i])
		}
	}
	for _, p := range [][2]int{{0, 1}, {0, 2}, {5, n - 1}, {nearRowsBlock, nearRowsBlock + 1}, {100, 300}} {
		d := descs[p[0]].Distance(&descs[p[1]])
		if g, w := got.PairScore(p[0], p[1], d), want.PairScore(p[0], p[1], d); math.Abs(g-w) > 1e-4 {
			t.Errorf("pair %v: score %v, want %v", p, g, w)
		}
	}
}
