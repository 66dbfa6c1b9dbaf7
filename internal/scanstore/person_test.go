package scanstore

import (
	"testing"
	"time"

	"facecase/facedata"
	"facecase/tracking"
)

func TestWriterStoresPersonTracks(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "walk.mp4")
	w := NewWriter(c, ev.ID)
	p := tracking.PersonTrack{ID: 3, First: tracking.Stamp{Index: 10}, Last: tracking.Stamp{Index: 12},
		Faces: []tracking.FaceLink{{Key: 8, FaceID: 2, Frames: 3, First: tracking.Stamp{Index: 10}, Last: tracking.Stamp{Index: 12}}, {Key: 9}},
		Best:  facedata.Face{Box: facedata.Rect{X: 15, Y: 5, W: 10, H: 10}}, BestAt: tracking.Stamp{Index: 11}, BestFaceKey: 8, HasBest: true,
		BodyAt: tracking.Stamp{Index: 12, Time: 480 * time.Millisecond}, BodyBox: facedata.Rect{X: 10, Y: 0, W: 20, H: 60}}
	for f := 10; f <= 12; f++ {
		p.Path = append(p.Path, tracking.PathPoint{Frame: f, Time: time.Duration(f) * 40 * time.Millisecond, Box: facedata.Rect{X: float64(f), Y: 0, W: 20, H: 60}})
	}
	if err := w.Cut(tracking.Stamp{Index: 13}); err != nil {
		t.Fatal(err)
	}
	if err := w.PutPersonTrack(p); err != nil {
		t.Fatal(err)
	}
	got, err := c.PersonTracks(ev.ID)
	if err != nil || len(got) != 1 || w.People() != 1 {
		t.Fatalf("person tracks %+v (%v), writer counted %d", got, err, w.People())
	}
	s := got[0]
	if s.ID != 3 || s.FirstFrame != 10 || s.LastFrame != 12 || len(s.Path) != 3 || s.CutFrame != 13 {
		t.Fatalf("stored %+v", s)
	}
	// The link to a face track never confirmed is left out.
	if len(s.Faces) != 1 || s.Faces[0].TrackID != 2 || s.BestFace == nil || s.BestFace.FaceTrackID != 2 || s.BestFace.Frame != 11 {
		t.Fatalf("faces %+v, best face %+v", s.Faces, s.BestFace)
	}
	if s.Body.Frame != 12 || s.Body.Box.H != 60 {
		t.Fatalf("body view %+v", s.Body)
	}
}
