package gallery

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
	"facecase/internal/synthdesc"
	"facecase/recognition/scorenorm"
)

// testCohort is a cohort of 200 synthetic strangers drawn with seed (the
// faces' seed: another one draws another mean face).
func testCohort(t testing.TB, id string, seed uint64) *scorenorm.Cohort {
	g := synthdesc.New(synthdesc.Config{Seed: seed})
	ds := make([]facedata.Descriptor, 200)
	for i := range ds {
		ds[i] = g.Stranger(i)
	}
	c, err := scorenorm.New(scorenorm.Info{ID: id, K: scorenorm.DefaultK, DescriptorModelSHA256: "test"}, ds)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// bruteNormalised is the reference: every face's normalised score with
// statistics computed afresh, sorted by score then id.
func bruteNormalised(c *scorenorm.Cohort, faces []Face, probe *facedata.Descriptor, k int, threshold float64) []Candidate {
	ps := c.Stats(probe)
	var out []Candidate
	for i := range faces {
		d := probe.Distance(&faces[i].Descriptor)
		s := scorenorm.Score(d, ps, c.Stats(&faces[i].Descriptor))
		if s <= threshold {
			out = append(out, Candidate{Face: faces[i].ID, Label: faces[i].Label, Distance: d, Score: s})
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		if a.Score != b.Score {
			if a.Score < b.Score {
				return -1
			}
			return 1
		}
		return cmpID(a.Face, b.Face)
	})
	return out[:min(k, len(out))]
}

// sameByScore checks got against the reference by score (float32
// rounding of distances and statistics allowed).
func sameByScore(t *testing.T, what string, got, want []Candidate) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d candidates, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i].Score-want[i].Score) > 1e-3 || math.Abs(got[i].Distance-want[i].Distance) > 1e-5 {
			t.Fatalf("%s: candidate %d face %d score %.5f distance %.6f, want face %d %.5f %.6f", what, i,
				got[i].Face, got[i].Score, got[i].Distance, want[i].Face, want[i].Score, want[i].Distance)
		}
	}
}

func TestSearchNormalisedIsExactOnSmallGalleries(t *testing.T) {
	c := testCohort(t, "c1", 5)
	gen := synthdesc.New(synthdesc.Config{Seed: 5})
	faces := synthFaces(gen, 0, 3000)
	path := filepath.Join(t.TempDir(), "n.gallery")
	for _, mode := range []string{"memory", "file", "read-only"} {
		var g *Local
		var err error
		switch mode {
		case "memory":
			g = NewMemory(Options{Cohort: c})
			mustAdd(t, g, faces)
		case "file":
			if g, err = Open(path, Options{Cohort: c, ManualRebuild: true}); err == nil {
				mustAdd(t, g, faces)
			}
		case "read-only":
			g, err = OpenReadOnly(path, Options{Cohort: c})
		}
		if err != nil {
			t.Fatal(err)
		}
		for p := 0; p < 10; p++ {
			probe := facedata.Template{Descriptor: gen.Probe(p*31, 9)}
			want := bruteNormalised(c, faces, &probe.Descriptor, 20, math.Inf(1))
			got, err := g.SearchNormalised(context.Background(), probe, 20, math.Inf(1))
			if err != nil {
				t.Fatal(err)
			}
			sameByScore(t, mode, got, want)
			// A threshold keeps exactly the candidates at or below it.
			th := (want[5].Score + want[6].Score) / 2
			got, _ = g.SearchNormalised(context.Background(), probe, 20, th)
			for _, x := range got {
				if x.Score > th {
					t.Fatalf("%s: score %v above the threshold %v", mode, x.Score, th)
				}
			}
			if len(got) != 6 {
				t.Fatalf("%s: %d candidates within %v, want 6", mode, len(got), th)
			}
		}
		// Statistics were stored with each face: the read-only file serves
		// them without a cohort of its own to compute them.
		if mode != "memory" {
			st := make([]facedata.CohortStats, 3)
			vec := make([]float32, 3*dim)
			var raw []float32
			g.mu.RLock()
			err := g.readRecords([]uint32{0, 1, 2999}, vec, st, &raw)
			g.mu.RUnlock()
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range []int{0, 1, 2999} {
				if st[i] != c.Stats(&faces[r].Descriptor) {
					t.Fatalf("%s: row %d stored statistics %+v, want %+v", mode, r, st[i], c.Stats(&faces[r].Descriptor))
				}
			}
		}
		g.Close()
	}
	g := NewMemory(Options{})
	mustAdd(t, g, faces[:10])
	if _, err := g.SearchNormalised(context.Background(), facedata.Template{Descriptor: faces[0].Descriptor}, 5, 0); !errors.Is(err, ErrNoCohort) {
		t.Fatalf("search without a cohort: %v", err)
	}
}

// TestStatsFilledForAnotherCohort: a file written without a cohort (as
// version 4 was) or with another one gets every face's statistics
// recomputed when opened with a cohort, and is searched right meanwhile;
// a version 4 file becomes version 5.
func TestStatsFilledForAnotherCohort(t *testing.T) {
	gen := synthdesc.New(synthdesc.Config{Seed: 6})
	faces := synthFaces(gen, 0, 5000)
	path := filepath.Join(t.TempDir(), "old.gallery")
	g, err := Open(path, Options{ManualRebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, g, faces)
	g.Close()
	// Mark it version 4, as the previous program wrote it.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyVersion, u32(4)) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if need, err := NeedsUpgrade(path); err != nil || !need {
		t.Fatalf("a version 4 file needs no upgrade? %v %v", need, err)
	}
	for _, c := range []*scorenorm.Cohort{testCohort(t, "first", 6), testCohort(t, "second", 7)} {
		g, err := Open(path, Options{Cohort: c, ManualRebuild: true})
		if err != nil {
			t.Fatal(err)
		}
		probe := facedata.Template{Descriptor: gen.Probe(17, 4)}
		want := bruteNormalised(c, faces, &probe.Descriptor, 10, math.Inf(1))
		// Before the fill: computed as read.
		got, err := g.SearchNormalisedExact(context.Background(), probe, 10, math.Inf(1))
		if err != nil {
			t.Fatal(err)
		}
		sameByScore(t, "before the fill", got, want)
		if g.statsAll {
			t.Fatal("statistics taken as current before the fill")
		}
		if err := g.FillStats(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !g.statsAll {
			t.Fatal("statistics not current after the fill")
		}
		got, _ = g.SearchNormalisedExact(context.Background(), probe, 10, math.Inf(1))
		sameByScore(t, "after the fill", got, want)
		if err := g.Verify(context.Background()); err != nil {
			t.Fatal(err)
		}
		g.Close()
		// Read-only, the stored statistics are used as they are.
		ro, err := OpenReadOnly(path, Options{Cohort: c})
		if err != nil {
			t.Fatal(err)
		}
		if !ro.statsAll {
			t.Fatal("a filled file's statistics are not current when read")
		}
		got, _ = ro.SearchNormalised(context.Background(), probe, 10, math.Inf(1))
		sameByScore(t, "read-only", got, want)
		ro.Close()
	}
	if need, err := NeedsUpgrade(path); err != nil || need {
		t.Fatalf("upgraded file still needs an upgrade: %v %v", need, err)
	}
	// A third cohort, filled in the background while searches run.
	c := testCohort(t, "third", 8)
	g, err = Open(path, Options{Cohort: c})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	probe := facedata.Template{Descriptor: gen.Probe(23, 5)}
	want := bruteNormalised(c, faces, &probe.Descriptor, 10, math.Inf(1))
	for i := 0; i < 5; i++ {
		got, err := g.SearchNormalisedExact(context.Background(), probe, 10, math.Inf(1))
		if err != nil {
			t.Fatal(err)
		}
		sameByScore(t, fmt.Sprintf("search %d during the background fill", i), got, want)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a safety bound, not a timing
	defer cancel()
	if err := g.WaitRebuild(ctx); err != nil {
		t.Fatal(err)
	}
	g.mu.RLock()
	all := g.statsAll
	g.mu.RUnlock()
	if !all || g.RebuildError() != nil {
		t.Fatalf("after the background fill: statistics current %v, error %v", all, g.RebuildError())
	}
}
