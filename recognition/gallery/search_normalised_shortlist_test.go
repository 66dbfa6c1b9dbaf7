package gallery

import (
	"context"
	"math"
	"slices"
	"testing"

	"facecase/facedata"
	"facecase/internal/synthdesc"
	"facecase/recognition/scorenorm"
)

// TestScoreShortlistFindsWhatDistanceShortlistMisses builds a face whose
// normalised score is the best of the gallery although it lies beyond the
// nearest faces a distance-ordered shortlist keeps: a face with a large μ
// and a small σ (far from everyone, so near for its distance). The
// shortlist ordered by estimated score, of the same size, finds it. Every
// list is scanned, so only the shortlist's order differs.
func TestScoreShortlistFindsWhatDistanceShortlistMisses(t *testing.T) {
	const n, r, k = 4000, 64, 10
	ctx := context.Background()
	c := testCohort(t, "c1", 5)
	gen := synthdesc.New(synthdesc.Config{Seed: 5})
	faces := synthFaces(gen, 0, n)
	g := NewMemory(Options{MinIndexed: 1000, ManualRebuild: true, Cohort: c, NormRerank: r, Shortlist: r, NProbe: 1 << 20})
	defer g.Close()
	mustAdd(t, g, faces)
	if err := g.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	probe := gen.Probe(7, 1) // another image of a person in the gallery
	// The face at distance rank 3r, well beyond a shortlist of r.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		da, db := probe.Distance(&faces[a].Descriptor), probe.Distance(&faces[b].Descriptor)
		if da < db {
			return -1
		}
		if da > db {
			return 1
		}
		return 0
	})
	far := faces[order[3*r]]
	d := probe.Distance(&far.Descriptor)
	special := Face{ID: FaceID(n + 1), Label: "far-from-everyone", Descriptor: far.Descriptor,
		Cohort: facedata.CohortStats{Mu: float32(d + 0.2), Sigma: 0.005}}
	special.Descriptor[0] += 1e-3 // not a copy of far
	mustAdd(t, g, []Face{special})

	tpl := facedata.Template{Descriptor: probe, Cohort: c.Stats(&probe)}
	exact, err := g.SearchNormalisedExact(ctx, tpl, k, math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(exact) == 0 || exact[0].Face != special.ID {
		t.Fatalf("exact normalised top match %v, want the constructed face %d", exact[:min(1, len(exact))], special.ID)
	}
	nearer := 0
	for i := range faces {
		if probe.Distance(&faces[i].Descriptor) < exact[0].Distance {
			nearer++
		}
	}
	if nearer < 2*r {
		t.Fatalf("the constructed face has %d faces nearer, want at least %d (beyond the shortlist)", nearer, 2*r)
	}

	g.distanceShortlist = true
	byDistance, err := g.SearchNormalised(ctx, tpl, k, math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(byDistance, func(c Candidate) bool { return c.Face == special.ID }) {
		t.Fatalf("the distance-ordered shortlist of %d found face %d with %d faces nearer: the construction does not test anything", r, special.ID, nearer)
	}
	g.distanceShortlist = false
	if err := g.readNormStats(ctx); err != nil {
		t.Fatal(err)
	}
	byScore, err := g.SearchNormalised(ctx, tpl, k, math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(byScore) == 0 || byScore[0].Face != special.ID {
		t.Fatalf("the score-ordered shortlist of %d: top match %v, want face %d", r, byScore[:min(1, len(byScore))], special.ID)
	}
	if rc := Recall(byScore, exact); rc < Recall(byDistance, exact) {
		t.Fatalf("recall@%d by score %.2f, below by distance %.2f", k, rc, Recall(byDistance, exact))
	}
}

// TestListStatsFollowAddsAndRemoves checks that the statistics the lists
// keep beside their codes stay each face's own through adds and removes,
// and that a rebuild drops them until they are read again.
func TestListStatsFollowAddsAndRemoves(t *testing.T) {
	ctx := context.Background()
	c := testCohort(t, "c1", 5)
	gen := synthdesc.New(synthdesc.Config{Seed: 5})
	faces := synthFaces(gen, 0, 3000)
	g := NewMemory(Options{MinIndexed: 1000, ManualRebuild: true, Cohort: c})
	defer g.Close()
	mustAdd(t, g, faces[:2000])
	if err := g.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if g.ix.normReady {
		t.Fatal("a rebuilt index keeps statistics before they are read")
	}
	if err := g.readNormStats(ctx); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, g, faces[2000:])
	var gone []FaceID
	for i := 0; i < len(faces); i += 3 {
		gone = append(gone, faces[i].ID)
	}
	if err := g.Remove(ctx, gone); err != nil {
		t.Fatal(err)
	}
	checkListStats(t, g, statsOf(c, faces))
}

// statsOf is each face's statistics against c.
func statsOf(c *scorenorm.Cohort, faces []Face) map[FaceID]facedata.CohortStats {
	want := make(map[FaceID]facedata.CohortStats, len(faces))
	for i := range faces {
		want[faces[i].ID] = c.Stats(&faces[i].Descriptor)
	}
	return want
}

// checkListStats checks that every list keeps each of its faces' own
// statistics (want) within the list's bound.
func checkListStats(t *testing.T, g *Local, want map[FaceID]facedata.CohortStats) {
	t.Helper()
	g.mu.RLock()
	defer g.mu.RUnlock()
	if !g.ix.normReady {
		t.Fatal("adds or removes dropped the lists' statistics")
	}
	seen := 0
	for li := range g.ix.lists {
		l := &g.ix.lists[li]
		if len(l.stats) != 2*len(l.rows) {
			t.Fatalf("list %d: %d statistics values for %d faces", li, len(l.stats), len(l.rows))
		}
		for i, row := range l.rows {
			st := want[g.ids[row]]
			mu, inv := l.stats[2*i], l.stats[2*i+1]
			if math.Abs(float64(mu-st.Mu)) > 1e-6 || math.Abs(float64(inv-invSigma(st))) > 1e-3 {
				t.Fatalf("list %d place %d (face %d): μ %.5f 1/σ %.3f, want %.5f %.3f", li, i, g.ids[row], mu, inv, st.Mu, invSigma(st))
			}
			if !boundCovers(l.bound, inv, mu*inv) {
				t.Fatalf("list %d: face %d outside the list's bound", li, g.ids[row])
			}
			seen++
		}
	}
	if seen != g.live {
		t.Fatalf("%d faces in the lists, %d live", seen, g.live)
	}
}

// TestListStatsReadWhileFacesChange reads the lists' statistics in the
// background while faces are added and removed and normalised searches
// run; once the changes stop, a reading completes and every list holds its
// faces' own statistics.
func TestListStatsReadWhileFacesChange(t *testing.T) {
	ctx := context.Background()
	c := testCohort(t, "c1", 5)
	gen := synthdesc.New(synthdesc.Config{Seed: 5})
	faces := synthFaces(gen, 0, 4000)
	g := NewMemory(Options{MinIndexed: 1000, ManualRebuild: true, Cohort: c, NormRerank: 64})
	defer g.Close()
	mustAdd(t, g, faces[:2000])
	if err := g.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := 2000; i < len(faces); i += 100 {
			if err := g.Add(ctx, faces[i:i+100]); err != nil {
				done <- err
				return
			}
			if err := g.Remove(ctx, []FaceID{faces[i-1000].ID}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	searches := 0
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
		}
		probe := gen.Probe(searches%50, 1)
		tpl := facedata.Template{Descriptor: probe, Cohort: c.Stats(&probe)}
		got, err := g.SearchNormalised(ctx, tpl, 10, math.Inf(1)) // starts a reading when none is in place
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 10 {
			t.Fatalf("search %d: %d candidates, want 10", searches, len(got))
		}
		searches++
	}
	if err := g.readNormStats(ctx); err != nil {
		t.Fatal(err)
	}
	gone := map[FaceID]bool{}
	for i := 2000; i < len(faces); i += 100 {
		gone[faces[i-1000].ID] = true
	}
	var kept []Face
	for _, f := range faces {
		if !gone[f.ID] {
			kept = append(kept, f)
		}
	}
	checkListStats(t, g, statsOf(c, kept))
}

// boundCovers reports whether the point (inv, muInv) lies within the
// bound's hull: between its first and last vertex's inv, and on or below
// the hull there.
func boundCovers(b listBound, inv, muInv float32) bool {
	h := b.hull
	if len(h) == 0 || inv < h[0].inv || inv > h[len(h)-1].inv {
		return false
	}
	for i := range h {
		if h[i].inv < inv {
			continue
		}
		if h[i].inv == inv || i == 0 {
			return muInv <= h[i].muInv*(1+1e-6)+1e-6
		}
		a, c := h[i-1], h[i]
		top := float64(a.muInv) + (float64(c.muInv)-float64(a.muInv))*(float64(inv)-float64(a.inv))/(float64(c.inv)-float64(a.inv))
		return float64(muInv) <= top+1e-5*(1+math.Abs(top))
	}
	return false
}
