package gallery

import (
	"context"
	"path/filepath"
	"testing"

	"facecase/facedata"
	"facecase/internal/synthdesc"
)

// TestRebuildKeepsFaceStats: a rebuild of a gallery file's index (format
// 5) keeps every face's stored cohort statistics, also those that are not
// what the gallery's cohort would compute (an import's in-domain
// statistics): the face records still hold them after the rebuild and
// after reopening, and the rebuilt index's lists get them, not
// recomputed ones.
func TestRebuildKeepsFaceStats(t *testing.T) {
	ctx := context.Background()
	c := testCohort(t, "c1", 5)
	gen := synthdesc.New(synthdesc.Config{Seed: 5})
	faces := synthFaces(gen, 0, 3000)
	want := make(map[uint32]facedata.CohortStats, len(faces))
	for i := range faces {
		st := c.Stats(&faces[i].Descriptor)
		if i%3 == 0 { // statistics from elsewhere: kept as given
			st = facedata.CohortStats{Mu: st.Mu + 0.05, Sigma: st.Sigma * 1.5}
		}
		faces[i].Cohort = st
		want[uint32(i)] = st // row i holds faces[i]: added in order to an empty file
	}
	path := filepath.Join(t.TempDir(), "r.gallery")
	check := func(g *Local, when string) {
		t.Helper()
		rows := make([]uint32, len(faces))
		for i := range rows {
			rows[i] = uint32(i)
		}
		st := make([]facedata.CohortStats, len(rows))
		vec := make([]float32, len(rows)*dim)
		var raw []float32
		g.mu.RLock()
		err := g.readRecords(rows, vec, st, &raw)
		g.mu.RUnlock()
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			if st[i] != want[r] {
				t.Fatalf("%s: row %d stores %+v, want %+v", when, r, st[i], want[r])
			}
		}
		if err := g.readNormStats(ctx); err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		g.mu.RLock()
		defer g.mu.RUnlock()
		if !g.ix.normReady || g.ix.lists == nil || len(g.ix.lists) < 2 {
			t.Fatalf("%s: index with %d lists, statistics ready %v", when, len(g.ix.lists), g.ix.normReady)
		}
		seen := 0
		for li := range g.ix.lists {
			l := &g.ix.lists[li]
			for x, r := range l.rows {
				if l.stats[2*x] != want[r].Mu || l.stats[2*x+1] != invSigma(want[r]) {
					t.Fatalf("%s: list %d row %d: μ %v 1/σ %v, want %v %v", when, li, r, l.stats[2*x], l.stats[2*x+1], want[r].Mu, invSigma(want[r]))
				}
				seen++
			}
		}
		if seen != len(faces) {
			t.Fatalf("%s: %d faces in the lists, want %d", when, seen, len(faces))
		}
	}
	g, err := Open(path, Options{Cohort: c, MinIndexed: 1000, ManualRebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, g, faces)
	if err := g.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	check(g, "after a rebuild")
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if g, err = Open(path, Options{Cohort: c, MinIndexed: 1000, ManualRebuild: true}); err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	check(g, "reopened")
	if err := g.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	check(g, "after a second rebuild, reopened")
}
