package views

import (
	"image"
	"strings"
	"testing"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/ui/async"
	"facecase/ui/internal/uitest"
	"facecase/ui/session"
)

// TestViewerShowsPeople: people are drawn thinly around their faces with
// paths through their feet, listed beside the picture with their pictures,
// given lanes on the timeline, and named after a face of theirs is
// confirmed; tapping one opens the face panel on their best face.
func TestViewerShowsPeople(t *testing.T) {
	f := newFakeViewer(t).withPeople()
	v, w := newViewer(t, f)
	async.Locked(func() { v.Seek(20) })
	waitFrameShown(t, v, 20)
	var thin, faces int
	async.Locked(func() {
		for _, m := range v.faces.Scene().Faces {
			if m.Thin {
				thin++
				if personOfMark(m.ID) != 1 || !strings.HasPrefix(m.Label, "P1") {
					t.Errorf("person mark %+v", m)
				}
			} else {
				faces++
			}
		}
	})
	if thin != 1 || faces != 1 {
		t.Fatalf("frame 20: %d person boxes and %d face boxes, want one of each", thin, faces)
	}
	waitUntil(t, "people's pictures", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.crops == 2
	})
	async.Locked(func() {
		if n := v.People().Len(); n != 2 {
			t.Fatalf("People list has %d rows, want 2", n)
		}
		title, detail := v.People().Row(0)
		if title != "P1 · not identified" || !strings.Contains(detail, "walked 59 px") || !strings.Contains(detail, "1 face track") {
			t.Fatalf("row 0: %q / %q", title, detail)
		}
		lanes := v.lanes()
		if len(lanes) != 4 || lanes[0].Label != "P1" || lanes[2].Label != "#1" {
			t.Fatalf("timeline lanes %+v: people first, then faces", lanes)
		}
		v.ShowPeople()
	})
	var shot image.Image
	async.Locked(func() { shot = w.Canvas().Capture() })
	uitest.AssertGolden(t, "viewer/people.png", shot)

	// A confirmed face names its person over the whole path.
	st := &faceStates{byDetection: map[uint64]session.FaceMatch{}, byTrack: map[uint64]session.FaceMatch{
		1: {State: session.FaceConfirmed, Subject: "Subject A"}}}
	async.Locked(func() {
		v.states.Store(st)
		v.People().SetStates(st)
		if title, _ := v.People().Row(0); title != "P1 · confirmed: Subject A" {
			t.Fatalf("row 0 after a confirmation: %q", title)
		}
		if l := v.lanes()[0].Label; l != "P1 ✓ Subject A" {
			t.Fatalf("lane %q", l)
		}
		v.SelectMark(personMarkID(1))
	})
	waitUntil(t, "face panel on the person's best face", func() bool {
		return v.panel.has && v.panel.det.TrackID == 1 && v.panel.det.Frame == 0
	})
}

// TestPeoplePictureIsAUsableFace: a person's picture is their best face
// only when the quality check passed it (found by its face track, else by
// its box); a face too small to search with gives way to the body.
func TestPeoplePictureIsAUsableFace(t *testing.T) {
	box := facedata.Rect{X: 100, Y: 50, W: 40, H: 40}
	good := casefile.Detection{TrackID: 4, Box: box, Quality: facedata.Quality{Usable: true}}
	small := casefile.Detection{TrackID: 5, Box: box.Translate(200, 0), Quality: facedata.Quality{Usable: false}}
	cases := []struct {
		name string
		view casefile.PersonView
		want bool
	}{
		{"usable, by track", casefile.PersonView{Box: box.Translate(300, 300), FaceTrackID: 4}, true},
		{"unusable, by track", casefile.PersonView{Box: box, FaceTrackID: 5}, false},
		{"usable, by box", casefile.PersonView{Box: box.Translate(2, 1)}, true},
		{"unusable, by box", casefile.PersonView{Box: small.Box}, false},
		{"no face there", casefile.PersonView{Box: box.Translate(0, 300)}, false},
	}
	for _, c := range cases {
		if got := usableFaceAt([]casefile.Detection{good, small}, c.view); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
