package gallery

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"facecase/facedata"
	"facecase/internal/synthdesc"
)

// randomFaces makes n faces with Gaussian descriptors of norm about 1.4,
// labelled in groups of 3.
func randomFaces(seed uint64, n int, firstID FaceID) []Face {
	r := rand.New(rand.NewPCG(seed, 99))
	faces := make([]Face, n)
	for i := range faces {
		f := &faces[i]
		f.ID = firstID + FaceID(i)
		f.Label = fmt.Sprintf("subject-%d", (int(f.ID)-1)/3)
		for j := range f.Descriptor {
			f.Descriptor[j] = float32(r.NormFloat64() * 0.125)
		}
	}
	return faces
}

// synthFaces makes n realistic faces (see package synthdesc).
func synthFaces(g *synthdesc.Generator, from, n int) []Face {
	ds := make([]facedata.Descriptor, n)
	g.Fill(from, ds)
	faces := make([]Face, n)
	for i := range faces {
		id := from + i
		faces[i] = Face{ID: FaceID(id + 1), Label: fmt.Sprintf("S%07d", g.IdentityOf(id)), Descriptor: ds[i]}
	}
	return faces
}

// bruteForce is the reference: every distance in float64, sorted.
func bruteForce(faces []Face, q *facedata.Descriptor, k int, threshold float64) []Candidate {
	var out []Candidate
	for i := range faces {
		var s float64
		for j := range q {
			d := float64(q[j]) - float64(faces[i].Descriptor[j])
			s += d * d
		}
		d := math.Sqrt(s)
		if threshold <= 0 || d <= threshold {
			out = append(out, Candidate{Face: faces[i].ID, Label: faces[i].Label, Distance: d})
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		if a.Distance != b.Distance {
			if a.Distance < b.Distance {
				return -1
			}
			return 1
		}
		return cmpID(a.Face, b.Face)
	})
	return out[:min(k, len(out))]
}

// sameCandidates checks got against the reference, allowing faces whose
// distances differ by float32 rounding to swap places.
func sameCandidates(t *testing.T, what string, got, want []Candidate) {
	t.Helper()
	const tol = 1e-5
	if len(got) != len(want) {
		// A face right at the threshold or the k-th distance may fall either
		// side of it by rounding; anything else is a real difference.
		t.Fatalf("%s: %d candidates, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i].Distance-want[i].Distance) > tol {
			t.Fatalf("%s: candidate %d at %.6f, want %.6f", what, i, got[i].Distance, want[i].Distance)
		}
		if got[i].Face != want[i].Face {
			// Only a near tie may reorder.
			j := slices.IndexFunc(want, func(c Candidate) bool { return c.Face == got[i].Face })
			if j < 0 && math.Abs(got[i].Distance-want[len(want)-1].Distance) > tol {
				t.Fatalf("%s: candidate %d is face %d at %.6f, not in the reference", what, i, got[i].Face, got[i].Distance)
			}
			if j >= 0 && math.Abs(want[j].Distance-got[i].Distance) > tol {
				t.Fatalf("%s: candidate %d is face %d, want %d", what, i, got[i].Face, want[i].Face)
			}
		}
		if got[i].Label == "" {
			t.Fatalf("%s: candidate %d has no label", what, i)
		}
	}
}

func mustAdd(t testing.TB, g Gallery, faces []Face) {
	t.Helper()
	for lo := 0; lo < len(faces); lo += 10000 {
		if err := g.Add(context.Background(), faces[lo:min(lo+10000, len(faces))]); err != nil {
			t.Fatal(err)
		}
	}
}

// recallAt is Recall, under the name the tests use.
func recallAt(approx, exact []Candidate) float64 { return Recall(approx, exact) }
