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

func TestFaceTrackBelongsToOnePersonAtATime(t *testing.T) {
	// Face track 5 is first on person A. It then drifts onto B's head and
	// stays there: it remains A's while A is followed (even where A's box
	// no longer holds it), and goes to B only once A's track has ended.
	// Its spans on A and on B never overlap.
	tr := NewPersonTracker(PersonConfig{MinHits: 1, MaxMissTime: 200 * time.Millisecond})
	a := facedata.Rect{X: 100, Y: 100, W: 80, H: 200}
	b := facedata.Rect{X: 170, Y: 100, W: 80, H: 200}
	frameStep := 40 * time.Millisecond
	var onA, onB []int
	for f := 0; f < 20; f++ {
		s := Stamp{Index: f, Time: time.Duration(f) * frameStep}
		people := []facedata.Person{{Box: b, Score: 0.9}}
		if f < 6 { // A walks out of view after frame 5
			people = append(people, facedata.Person{Box: a, Score: 0.9})
		}
		as := tr.Update(s, people)
		if f == 0 && (as[0].ID == 0 || as[1].ID == 0) {
			t.Fatalf("tracks not confirmed at once: %+v", as)
		}
		x := 140.0 // A's head
		if f >= 2 {
			x = 210 // B's head, outside A's upper body
		}
		got := tr.AttachFaces(s, []facedata.Face{face(x, 122, 20, true)}, []Assignment{{Key: 5}})
		switch got[0] { // person keys: B came first
		case 2:
			onA = append(onA, f)
		case 1:
			onB = append(onB, f)
		}
	}
	if len(onA) == 0 || len(onB) == 0 {
		t.Fatalf("face on A in frames %v, on B in %v: want A first, then B after A ended", onA, onB)
	}
	if onA[0] != 0 || onA[len(onA)-1] >= onB[0] {
		t.Fatalf("face on A in frames %v, on B in %v: the spans overlap or A did not come first", onA, onB)
	}
	if onA[len(onA)-1] < 5 {
		t.Fatalf("face left A at frame %d while A was still followed (frames on A %v)", onA[len(onA)-1], onA)
	}
	ended := tr.Finish()
	links := map[int]FaceLink{}
	for _, p := range ended {
		for _, l := range p.Faces {
			if l.Key == 5 {
				links[p.ID] = l
			}
		}
	}
	if len(links) != 2 {
		t.Fatalf("face track 5 linked to %d people, want A then B: %+v", len(links), links)
	}
	var spans []FaceLink
	for _, l := range links {
		spans = append(spans, l)
	}
	if spans[0].Last.Index >= spans[1].First.Index && spans[1].Last.Index >= spans[0].First.Index {
		t.Fatalf("face track 5's spans on two people overlap: %+v", spans)
	}
}
