package tracking

import (
	"testing"
	"time"

	"facecase/facedata"
)

// twoPeople are two confirmed person tracks side by side, overlapping.
func twoPeople(t *testing.T) (*PersonTracker, [2]facedata.Rect) {
	t.Helper()
	boxes := [2]facedata.Rect{{X: 100, Y: 100, W: 80, H: 200}, {X: 150, Y: 110, W: 80, H: 200}}
	tr := NewPersonTracker(PersonConfig{MinHits: 1})
	tr.Update(Stamp{}, []facedata.Person{{Box: boxes[0], Score: 0.9}, {Box: boxes[1], Score: 0.9}})
	return tr, boxes
}

func face(x, y, w float64, usable bool) facedata.Face {
	return facedata.Face{Box: facedata.Rect{X: x - w/2, Y: y - w/2, W: w, H: w},
		Quality: facedata.Quality{Size: 0.4 * w, Usable: usable}}
}

func TestAttachFacesToTheRightPerson(t *testing.T) {
	tr, boxes := twoPeople(t)
	faces := []facedata.Face{
		face(boxes[0].X+40, boxes[0].Y+22, 24, true), // first person's head
		face(185, 130, 24, true),                     // near the second person's head, inside the first's upper body too
		face(140, 280, 24, true),                     // at the first person's knees: nobody's
		face(600, 50, 24, true),                      // outside everyone
	}
	as := []Assignment{{Key: 11}, {Key: 12}, {Key: 13}, {Key: 14}}
	got := tr.AttachFaces(Stamp{}, faces, as)
	if got[0] != 1 || got[1] != 2 || got[2] != 0 || got[3] != 0 {
		t.Fatalf("person keys %v, want [1 2 0 0]", got)
	}
	act := tr.Active()
	if len(act[0].Faces) != 1 || act[0].Faces[0].Key != 11 || len(act[1].Faces) != 1 || act[1].Faces[0].Key != 12 {
		t.Fatalf("links %+v and %+v", act[0].Faces, act[1].Faces)
	}
}

func TestPersonKeepsBestFaceAndFaceLinks(t *testing.T) {
	tr := NewPersonTracker(PersonConfig{MinHits: 1})
	body := facedata.Rect{X: 100, Y: 100, W: 80, H: 200}
	for f := 0; f < 5; f++ {
		s := Stamp{Index: f, Time: time.Duration(f) * 40 * time.Millisecond}
		tr.Update(s, []facedata.Person{{Box: body, Score: 0.9}})
		// The face grows then turns away (unusable) on the last frame.
		fc := face(140, 122, float64(20+2*f), f < 4)
		tr.AttachFaces(s, []facedata.Face{fc}, []Assignment{{Key: 7}})
	}
	p := tr.Finish()[0]
	if !p.HasBest || p.BestAt.Index != 3 || p.BestFaceKey != 7 {
		t.Fatalf("best face from frame %d (key %d, has %v), want the largest usable one, frame 3", p.BestAt.Index, p.BestFaceKey, p.HasBest)
	}
	if len(p.Faces) != 1 || p.Faces[0].Frames != 5 || p.Faces[0].First.Index != 0 || p.Faces[0].Last.Index != 4 {
		t.Fatalf("face links %+v", p.Faces)
	}
	r := p.ResolveFaceIDs(func(key int) int {
		if key == 7 {
			return 3
		}
		return 0
	})
	if r.Faces[0].FaceID != 3 {
		t.Fatalf("resolved link %+v", r.Faces[0])
	}
	if dropped := p.ResolveFaceIDs(func(int) int { return 0 }); len(dropped.Faces) != 0 {
		t.Fatalf("links of unconfirmed face tracks kept: %+v", dropped.Faces)
	}
}

func TestAttachFacesPrefersTheFaceTrackOwner(t *testing.T) {
	// Two people whose heads are equally far from a face between them:
	// the one the face track was attached to before keeps it.
	tr := NewPersonTracker(PersonConfig{MinHits: 1})
	a := facedata.Rect{X: 100, Y: 100, W: 80, H: 200}
	b := facedata.Rect{X: 140, Y: 100, W: 80, H: 200}
	tr.Update(Stamp{}, []facedata.Person{{Box: a, Score: 0.9}, {Box: b, Score: 0.9}})
	tr.AttachFaces(Stamp{}, []facedata.Face{face(180, 120, 20, true)}, []Assignment{{Key: 5}})
	tr.AttachFaces(Stamp{}, []facedata.Face{face(150, 120, 20, true)}, []Assignment{{Key: 9}})
	first := tr.AttachFaces(Stamp{}, []facedata.Face{face(160, 120, 20, true)}, []Assignment{{Key: 5}})
	second := tr.AttachFaces(Stamp{}, []facedata.Face{face(160, 120, 20, true)}, []Assignment{{Key: 9}})
	if first[0] != 2 || second[0] != 1 {
		t.Fatalf("face 5 went to %d, face 9 to %d; want 2 and 1 (their earlier owners)", first[0], second[0])
	}
}
