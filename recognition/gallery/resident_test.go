package gallery

import (
	"context"
	"path/filepath"
	"testing"

	"facecase/internal/synthdesc"
)

// TestCodesInFileOnly runs a gallery file above Options.MaxResidentCodes,
// whose int8 codes stay in the file: exact search (brute force over the
// file) must match the reference, approximate search must keep its recall,
// and removing, re-adding and reopening must keep both.
func TestCodesInFileOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "big.gallery")
	opts := Options{MinIndexed: 2000, MaxResidentCodes: 3000, ManualRebuild: true}
	gen := synthdesc.New(synthdesc.Config{Seed: 21})
	faces := synthFaces(gen, 0, 9000)
	g, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, g, faces[:2000])
	if !g.Stats().ResidentCodes {
		t.Fatal("2000 faces under a limit of 3000 are not resident")
	}
	mustAdd(t, g, faces[2000:])
	if g.Stats().ResidentCodes {
		t.Fatal("9000 faces over a limit of 3000 are still resident")
	}
	check := func(when string, live []Face) {
		t.Helper()
		var recall float64
		const probes = 40
		for i := range probes {
			q := gen.Probe(i*31, 3)
			got, err := g.SearchExact(ctx, q, 20, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := bruteForce(live, &q, 20, 0)
			sameCandidates(t, when+": exact", got, want)
			got, err = g.SearchExact(ctx, q, 20, 0.6)
			if err != nil {
				t.Fatal(err)
			}
			sameCandidates(t, when+": exact within 0.6", got, bruteForce(live, &q, 20, 0.6))
			approx, err := g.Search(ctx, q, 20, 0)
			if err != nil {
				t.Fatal(err)
			}
			recall += recallAt(approx, want)
		}
		if recall /= probes; recall < 0.97 {
			t.Fatalf("%s: recall@20 %.3f, want >= 0.97", when, recall)
		}
	}
	check("flat, codes in the file", faces)
	if err := g.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if st := g.Stats(); st.ResidentCodes || st.Lists < 2 || st.Shortlist == 0 {
		t.Fatalf("after rebuild: %+v", st)
	}
	check("indexed, codes in the file", faces)

	gone := []FaceID{faces[3].ID, faces[4000].ID}
	if err := g.Remove(ctx, gone); err != nil {
		t.Fatal(err)
	}
	live := append(append(append([]Face{}, faces[:3]...), faces[4:4000]...), faces[4001:]...)
	check("after remove", live)
	mustAdd(t, g, []Face{faces[3]})
	live = append(live, faces[3])
	check("after re-add", live)
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if g, err = Open(path, opts); err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.Stats().ResidentCodes {
		t.Fatal("reopened over the limit with resident codes")
	}
	check("reopened", live)
}
