package casefile

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"

	"facecase/facedata"
)

func TestDetectionRecordRoundTrip(t *testing.T) {
	rng := newRand(4)
	d := testDetections(rng, 7, 1)[0]
	d.ID, d.Frame, d.Time, d.TrackID = 42, 1234, 41_133_333, 9
	d.Quality = facedata.Quality{Size: 12.5, Sharpness: 300.25, Brightness: 20, Yaw: -50.5, Pitch: 3, Usable: false,
		Reasons: []facedata.Reason{facedata.ReasonTooSmall, facedata.ReasonBlurred}}
	d.Cohort = facedata.CohortStats{Mu: 0.5625, Sigma: 0.03125}
	got, err := decodeDetection(42, d.encode(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, d)
	}
	n := len(d.encode(nil))
	if n > 1200 {
		t.Errorf("record is %d bytes", n)
	}
	noDesc := d
	noDesc.Descriptor, noDesc.Landmarks = nil, nil
	if got, err := decodeDetection(42, noDesc.encode(nil)); err != nil || got.Descriptor != nil || got.Landmarks != nil {
		t.Fatalf("without descriptor: %+v %v", got, err)
	}
	if _, err := decodeDetection(42, d.encode(nil)[:n-1]); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("short record: %v", err)
	}
	// A version 1 record (before cohort statistics) is still read: the
	// same bytes without the last 8, with the first byte 1.
	v1 := d.encode(nil)
	v1 = v1[:len(v1)-8]
	v1[0] = 1
	old := d
	old.Cohort = facedata.CohortStats{}
	if got, err := decodeDetection(42, v1); err != nil || !reflect.DeepEqual(got, old) {
		t.Fatalf("version 1 record: %+v %v", got, err)
	}
}

func TestAddAndListDetections(t *testing.T) {
	c := newTestCase(t)
	a := addTestEvidence(t, c, "a.jpg")
	b := addTestEvidence(t, c, "b.jpg")
	rng := newRand(5)
	// Interleave two evidence items across more than one batch.
	var dets []Detection
	da, db := testDetections(rng, a.ID, DetectionBatchSize+2000), testDetections(rng, b.ID, 3000)
	for i := range da {
		dets = append(dets, da[i])
		if i < len(db) {
			dets = append(dets, db[i])
		}
	}
	var updates int
	ids, err := c.AddDetections(context.Background(), dets, progressCounter(&updates))
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(dets) || ids[0] != 1 || ids[len(ids)-1] != uint64(len(dets)) || updates != 2 { // two batches
		t.Fatalf("%d ids from %d to %d, %d updates", len(ids), ids[0], ids[len(ids)-1], updates)
	}
	if n, _ := c.DetectionCount(0); n != uint64(len(dets)) {
		t.Fatalf("count %d", n)
	}
	if n, _ := c.DetectionCount(b.ID); n != 3000 {
		t.Fatalf("count of b %d", n)
	}
	// Page through b: frame order, no overlaps, every detection once.
	var seen int
	q := DetectionQuery{EvidenceID: b.ID, Limit: 700}
	lastFrame := -1
	for {
		page, err := c.Detections(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.Detections {
			if d.EvidenceID != b.ID || int(d.Frame) <= lastFrame {
				t.Fatalf("detection %d (evidence %d, frame %d) out of order", d.ID, d.EvidenceID, d.Frame)
			}
			lastFrame = int(d.Frame)
			seen++
		}
		if !page.More {
			break
		}
		q.After = page.Next
	}
	if seen != 3000 {
		t.Fatalf("paged %d detections of b", seen)
	}
	first, err := c.Detections(DetectionQuery{Limit: 5})
	if err != nil || len(first.Detections) != 5 || first.Detections[0].ID != 1 || !first.More {
		t.Fatalf("first page of all: %+v %v", first, err)
	}
	got, err := c.Detection(ids[1])
	if err != nil || got.EvidenceID != b.ID || *got.Descriptor != *db[0].Descriptor {
		t.Fatalf("detection %d: %+v %v", ids[1], got, err)
	}
	frame, err := c.FrameDetections(a.ID, 17)
	if err != nil || len(frame) != 1 || frame[0].Frame != 17 {
		t.Fatalf("frame 17: %v %v", frame, err)
	}
	log, _ := c.AuditLog()
	if log[len(log)-1].Action != ActionAddDetections {
		t.Fatal("no audit entry for the detections")
	}
	rep, err := c.Verify(context.Background(), VerifyOptions{SkipMedia: true})
	if err != nil || !rep.OK() || rep.Detections != uint64(len(dets)) {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}

func TestAddDetectionsRefusesBadInput(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "a.jpg")
	rng := newRand(6)
	nan := testDetections(rng, ev.ID, 1)[0]
	nan.Descriptor[5] = float32(math.NaN())
	empty := testDetections(rng, ev.ID, 1)[0]
	empty.Box.W = 0
	orphan := testDetections(rng, 999, 1)[0]
	for name, d := range map[string]Detection{"NaN descriptor": nan, "empty box": empty, "unknown evidence": orphan} {
		_, err := c.AddDetections(context.Background(), []Detection{testDetections(rng, ev.ID, 1)[0], d}, nil)
		if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n, _ := c.DetectionCount(0); n != 0 {
		t.Fatalf("refused batches stored %d detections", n)
	}
}

func TestTracks(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "clip.mp4")
	tr := Track{EvidenceID: ev.ID, ID: 3, Path: []TrackPoint{{Frame: 10, Box: facedata.Rect{X: 1, Y: 2, W: 30, H: 30}}, {Frame: 12, Box: facedata.Rect{X: 5, Y: 2, W: 30, H: 30}}}}
	if err := c.PutTrack(tr); err != nil {
		t.Fatal(err)
	}
	tr.Path = append(tr.Path, TrackPoint{Frame: 15})
	if err := c.PutTrack(tr); err != nil {
		t.Fatal(err)
	}
	got, err := c.Tracks(ev.ID)
	if err != nil || len(got) != 1 || got[0].FirstFrame != 10 || got[0].LastFrame != 15 || len(got[0].Path) != 3 {
		t.Fatalf("tracks %+v %v", got, err)
	}
	if err := c.PutTrack(Track{EvidenceID: ev.ID, ID: 4, Path: []TrackPoint{{Frame: 5}, {Frame: 4}}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unordered path: %v", err)
	}
	rep, err := c.Verify(context.Background(), VerifyOptions{SkipMedia: true})
	if err != nil || !rep.OK() {
		t.Fatalf("verify after replacing a track: %v %v", err, rep.Problems)
	}
}
