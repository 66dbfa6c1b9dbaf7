package casefile

import (
	"context"
	"testing"
	"time"

	"facecase/media"
	"facecase/recognition"
	"facecase/tracking"
)

func TestScanWriterStoresBatchesAndTracks(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "clip.mp4")
	rng := newRand(7)
	w := NewScanWriter(c, ev.ID)
	ctx, cancel := context.WithCancel(context.Background())

	// More than one batch, in small calls as a scan makes them.
	total := DetectionBatchSize + 37
	for i := 0; i < total; i += 5 {
		var dets []media.ScanDetection
		for k := i; k < min(i+5, total); k++ {
			d := randomDescriptor(rng)
			dets = append(dets, media.ScanDetection{
				At:      tracking.Stamp{Index: k, Time: time.Duration(k) * 40 * time.Millisecond},
				Face:    recognition.Face{Box: recognition.Rect{X: float64(k % 100), Y: 10, W: 40, H: 40}, Score: 0.9, Detector: "blazeface", Descriptor: &d},
				TrackID: 1 + k%3,
			})
		}
		if err := w.Add(ctx, dets); err != nil {
			t.Fatal(err)
		}
	}
	if w.Faces() != DetectionBatchSize {
		t.Errorf("stored %d before the end, want one full batch of %d", w.Faces(), DetectionBatchSize)
	}
	// A cancelled scan keeps what it found.
	cancel()
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := c.DetectionCount(ev.ID); err != nil || n != uint64(total) || w.Faces() != total {
		t.Fatalf("case holds %d detections (%v), writer counted %d; want %d", n, err, w.Faces(), total)
	}
	page, err := c.Detections(DetectionQuery{EvidenceID: ev.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if d := page.Detections[7]; d.Frame != 7 || d.Time != 280*time.Millisecond || d.TrackID != 2 || d.Descriptor == nil || d.Detector != "blazeface" {
		t.Errorf("detection of frame 7 stored as %+v", d)
	}

	tr := tracking.Track{ID: 2, First: tracking.Stamp{Index: 3}, Last: tracking.Stamp{Index: 9},
		Path: []tracking.PathPoint{{Frame: 3, Box: recognition.Rect{X: 1, Y: 2, W: 40, H: 40}}, {Frame: 9, Time: time.Second}}}
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

func TestScanWriterReportsAStoreFailure(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "clip.mp4")
	w := NewScanWriter(c, ev.ID)
	c.Close()
	err := w.Add(context.Background(), []media.ScanDetection{{Face: recognition.Face{Box: recognition.Rect{W: 30, H: 30}}}})
	if err == nil {
		err = w.Flush(context.Background())
	}
	if err == nil || w.Faces() != 0 {
		t.Fatalf("storing into a closed case: %v, %d counted", err, w.Faces())
	}
}
