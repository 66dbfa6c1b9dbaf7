package casefile

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"facecase/facedata"
	"facecase/progress"
)

// testInfo is a valid case record.
func testInfo() CaseInfo {
	return CaseInfo{Number: "2024/0117", Title: "Robbery at the station kiosk", Investigator: "DS Khan",
		Purpose: "identify the suspects of robbery 2024/0117", Authorisation: "AUTH-55"}
}

// newTestCase creates a case in a temporary folder and closes it with the test.
func newTestCase(t testing.TB) *Case {
	t.Helper()
	c, err := Create(filepath.Join(t.TempDir(), "test"+Extension), testInfo())
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// randomDescriptor is a random direction scaled to norm 1.4, the size of
// real dlib descriptors.
func randomDescriptor(rng *rand.Rand) facedata.Descriptor {
	var d facedata.Descriptor
	var s float64
	for i := range d {
		v := rng.NormFloat64()
		d[i] = float32(v)
		s += v * v
	}
	k := 1.4 / math.Sqrt(s)
	for i := range d {
		d[i] *= float32(k)
	}
	return d
}

// nearDescriptor moves d by exactly dist in a random direction.
func nearDescriptor(rng *rand.Rand, d facedata.Descriptor, dist float64) facedata.Descriptor {
	dir := randomDescriptor(rng)
	n := dir.Norm()
	out := d
	for i := range out {
		out[i] += float32(float64(dir[i]) / n * dist)
	}
	return out
}

// writeTestFile writes content to a new file in dir.
func writeTestFile(t testing.TB, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// testDetections makes n detections of an evidence item, one per frame,
// with landmarks and descriptors.
func testDetections(rng *rand.Rand, evidenceID uint64, n int) []Detection {
	dets := make([]Detection, n)
	for i := range dets {
		desc := randomDescriptor(rng)
		lm := make([]facedata.Point, facedata.LandmarkCount)
		for j := range lm {
			lm[j] = facedata.Point{X: float64(100 + j), Y: float64(200 + i%50)}
		}
		dets[i] = Detection{
			EvidenceID: evidenceID, Frame: uint32(i), Time: 0,
			Box:   facedata.Rect{X: float64(10 + i%100), Y: 20, W: 64, H: 80},
			Score: 0.75, Detector: "ssd", Landmarks: lm,
			Quality:    facedata.Quality{Size: 30, Sharpness: 900, Brightness: 120, Usable: true},
			Descriptor: &desc,
		}
	}
	return dets
}

// addTestEvidence adds a small file with unique content as evidence.
func addTestEvidence(t testing.TB, c *Case, name string) Evidence {
	t.Helper()
	p := writeTestFile(t, t.TempDir(), name, []byte("evidence content of "+name))
	ev, err := c.AddEvidence(context.Background(), p, AddOptions{})
	if err != nil {
		t.Fatalf("add evidence: %v", err)
	}
	return ev
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// progressCounter counts final-of-batch updates.
func progressCounter(n *int) progress.Reporter {
	return progress.Func(func(progress.Update) { *n++ })
}

// progressFunc calls fn on every update.
func progressFunc(fn func()) progress.Reporter {
	return progress.Func(func(progress.Update) { fn() })
}
