package scanstore

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/media"
	"facecase/tracking"
)

func TestWriterStoresBatchesAndTracks(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "clip.mp4")
	rng := newRand(7)
	w := NewWriter(c, ev.ID)
	ctx, cancel := context.WithCancel(context.Background())

	// More than one batch, in small calls as a scan makes them.
	total := casefile.DetectionBatchSize + 37
	for i := 0; i < total; i += 5 {
		var dets []media.ScanDetection
		for k := i; k < min(i+5, total); k++ {
			d := randomDescriptor(rng)
			dets = append(dets, media.ScanDetection{
				At: tracking.Stamp{Index: k, Time: time.Duration(k) * 40 * time.Millisecond},
				Face: facedata.Face{Box: facedata.Rect{X: float64(k % 100), Y: 10, W: 40, H: 40}, Score: 0.9, Detector: "blazeface", Descriptor: &d,
					Cohort: facedata.CohortStats{Mu: 0.5 + float32(k)/1024, Sigma: 0.0625}},
				TrackID: 1 + k%3,
			})
		}
		if err := w.Add(ctx, dets); err != nil {
			t.Fatal(err)
		}
	}
	if w.Faces() != casefile.DetectionBatchSize {
		t.Errorf("stored %d before the end, want one full batch of %d", w.Faces(), casefile.DetectionBatchSize)
	}
	// A cancelled scan keeps what it found.
	cancel()
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := c.DetectionCount(ev.ID); err != nil || n != uint64(total) || w.Faces() != total {
		t.Fatalf("case holds %d detections (%v), writer counted %d; want %d", n, err, w.Faces(), total)
	}
	page, err := c.Detections(casefile.DetectionQuery{EvidenceID: ev.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if d := page.Detections[7]; d.Frame != 7 || d.Time != 280*time.Millisecond || d.TrackID != 2 || d.Descriptor == nil || d.Detector != "blazeface" ||
		d.Cohort != (facedata.CohortStats{Mu: 0.5 + 7.0/1024, Sigma: 0.0625}) {
		t.Errorf("detection of frame 7 stored as %+v", d)
	}

	tr := tracking.Track{ID: 2, First: tracking.Stamp{Index: 3}, Last: tracking.Stamp{Index: 9},
		Path: []tracking.PathPoint{{Frame: 3, Box: facedata.Rect{X: 1, Y: 2, W: 40, H: 40}}, {Frame: 9, Time: time.Second}}}
	if err := w.PutTrack(tr); err != nil {
		t.Fatal(err)
	}
	tracks, err := c.Tracks(ev.ID)
	if err != nil || len(tracks) != 1 || w.Tracks() != 1 {
		t.Fatalf("%d tracks (%v), writer counted %d", len(tracks), err, w.Tracks())
	}
	if got := tracks[0]; got.ID != 2 || got.FirstFrame != 3 || got.LastFrame != 9 || len(got.Path) != 2 ||
		got.Path[0].Box.X != 1 || got.Path[1].Time != time.Second {
		t.Errorf("track stored as %+v", got)
	}
}

func TestWriterReportsAStoreFailure(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "clip.mp4")
	w := NewWriter(c, ev.ID)
	c.Close()
	err := w.Add(context.Background(), []media.ScanDetection{{Face: facedata.Face{Box: facedata.Rect{W: 30, H: 30}}}})
	if err == nil {
		err = w.Flush(context.Background())
	}
	if err == nil || w.Faces() != 0 {
		t.Fatalf("storing into a closed case: %v, %d counted", err, w.Faces())
	}
}

// newTestCase creates a case in a temporary folder and closes it with the test.
func newTestCase(t testing.TB) *casefile.Case {
	t.Helper()
	info := casefile.CaseInfo{Number: "2024/0117", Title: "Scan store test", Investigator: "DS Khan",
		Purpose: "test storing scan results", Authorisation: "AUTH-55"}
	c, err := casefile.Create(filepath.Join(t.TempDir(), "test"+casefile.Extension), info)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// addTestEvidence adds a small file with unique content as evidence.
func addTestEvidence(t testing.TB, c *casefile.Case, name string) casefile.Evidence {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte("evidence content of "+name), 0o644); err != nil {
		t.Fatal(err)
	}
	ev, err := c.AddEvidence(context.Background(), p, casefile.AddOptions{})
	if err != nil {
		t.Fatalf("add evidence: %v", err)
	}
	return ev
}

// randomDescriptor is a random direction scaled to norm 1.4, the size of
// real dlib descriptors.
func randomDescriptor(rng *rand.Rand) facedata.Descriptor {
	var d facedata.Descriptor
	var n float64
	for i := range d {
		d[i] = float32(rng.NormFloat64())
		n += float64(d[i]) * float64(d[i])
	}
	for i := range d {
		d[i] = float32(float64(d[i]) * 1.4 / math.Sqrt(n))
	}
	return d
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// TestWriterRecordsTheCutThatEndedATrack: a track delivered after a cut
// it did not live past is stored with that cut; a track lost before any
// cut, or living after the last one, with none.
func TestWriterRecordsTheCutThatEndedATrack(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "clip.mp4")
	w := NewWriter(c, ev.ID)
	track := func(id, first, last int) tracking.Track {
		tr := tracking.Track{ID: id, First: tracking.Stamp{Index: first}, Last: tracking.Stamp{Index: last}}
		for f := first; f <= last; f++ {
			tr.Path = append(tr.Path, tracking.PathPoint{Frame: f, Box: facedata.Rect{X: 1, Y: 1, W: 30, H: 30}})
		}
		return tr
	}
	if err := w.PutTrack(track(1, 0, 20)); err != nil { // lost before the cut
		t.Fatal(err)
	}
	if err := w.Cut(tracking.Stamp{Index: 50}); err != nil {
		t.Fatal(err)
	}
	for _, tr := range []tracking.Track{track(2, 30, 49), track(3, 50, 90)} {
		if err := w.PutTrack(tr); err != nil {
			t.Fatal(err)
		}
	}
	tracks, err := c.Tracks(ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint64]uint32{1: 0, 2: 50, 3: 0}
	for _, tr := range tracks {
		if tr.CutFrame != want[tr.ID] {
			t.Errorf("track %d stored with cut frame %d, want %d", tr.ID, tr.CutFrame, want[tr.ID])
		}
	}
}
