package views

import (
	"context"
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"facecase/ui/async"
	"facecase/ui/internal/uitest"
)

// newViewer shows the fake video in a viewer and waits for its first frame.
func newViewer(t *testing.T, f *fakeViewer) (*ViewerView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	v := NewViewerView(context.Background(), w, f)
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(1100, 700))
	t.Cleanup(func() {
		async.Locked(v.Close)
		w.Close()
	})
	loaded := make(chan error, 1)
	async.Locked(func() { v.Show(9, func(err error) { loaded <- err }) })
	select {
	case err := <-loaded:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the video did not load")
	}
	return v, w
}

func waitFrameShown(t *testing.T, v *ViewerView, want int) {
	t.Helper()
	waitUntil(t, "frame "+clockTime(0), func() bool { return v.frame == want })
}

// TestViewerKeyboardMap: Space plays and pauses, the arrows step a frame,
// Shift+arrows a second, Home and End jump to the ends, + and - zoom.
func TestViewerKeyboardMap(t *testing.T) {
	v, _ := newViewer(t, newFakeViewer(t))
	steps := []struct {
		key   fyne.KeyName
		shift bool
		want  int
	}{
		{fyne.KeyRight, false, 1}, {fyne.KeyRight, false, 2}, {fyne.KeyLeft, false, 1},
		{fyne.KeyRight, true, 26}, {fyne.KeyLeft, true, 1}, {fyne.KeyEnd, false, 149}, {fyne.KeyHome, false, 0},
	}
	for _, s := range steps {
		async.Locked(func() {
			if !v.HandleKey(s.key, s.shift) {
				t.Fatalf("%s not handled", s.key)
			}
		})
		waitFrameShown(t, v, s.want)
	}
	async.Locked(func() { v.HandleKey(fyne.KeySpace, false) })
	waitUntil(t, "playback", func() bool { return v.Playing() && v.frame > 3 })
	async.Locked(func() { v.HandleKey(fyne.KeySpace, false) })
	async.Locked(func() {
		if v.Playing() {
			t.Fatal("Space did not pause")
		}
		v.HandleRune('+')
		v.HandleRune('+')
		if z := v.faces.Zoom(); z < 1.5 || z > 1.6 {
			t.Fatalf("zoom %.2f after + +", z)
		}
		v.HandleRune('-')
		if z := v.faces.Zoom(); z < 1.2 || z > 1.3 || !strings.Contains(v.zoom.Text, "zoom 1.2") {
			t.Fatalf("zoom %.2f (%q) after -", z, v.zoom.Text)
		}
		v.HandleRune('0')
		if v.faces.Zoom() != 1 || v.HandleKey(fyne.KeyF1, false) {
			t.Fatal("0 did not reset the zoom, or F1 was taken")
		}
	})
}

// TestViewerPathsLiveAndStopAtTheCut: a path is drawn while its track
// lives, fades for a few frames after and never crosses the scene cut;
// times read hh:mm:ss.mmm with the frame; lanes are labelled.
func TestViewerPathsLiveAndStopAtTheCut(t *testing.T) {
	v, w := newViewer(t, newFakeViewer(t))
	async.Locked(func() { v.Seek(50) })
	waitFrameShown(t, v, 50)
	async.Locked(func() {
		if n := len(v.faces.Scene().Paths); n != 1 {
			t.Fatalf("frame 50: %d paths, want track 1's", n)
		}
		if got := v.position.Text; got != "00:00:02.000 · frame 50 / 149" {
			t.Fatalf("position %q", got)
		}
		v.Seek(61)
	})
	waitFrameShown(t, v, 61)
	async.Locked(func() {
		paths := v.faces.Scene().Paths
		if len(paths) != 1 || paths[0].Color != trackColor(2) {
			t.Fatalf("frame 61, after the cut: %d paths (%+v), want only track 2's", len(paths), paths)
		}
		if v.timeline.Frame() != 61 {
			t.Fatalf("timeline at %d", v.timeline.Frame())
		}
		uitest.AssertGolden(t, "viewer/after_cut.png", w.Canvas().Capture())
	})
}

// TestViewerFacePanelSearchAndBoxes: a box the tracker carried opens the
// panel naming the frame on screen; an empty watchlist is said and nothing
// recorded; after a search the boxes stay, now labelled with their state,
// and the panel flags a candidate that is the probe's own enrolment; the
// panel keeps its width, so the picture does not move.
func TestViewerFacePanelSearchAndBoxes(t *testing.T) {
	f := newFakeViewer(t)
	v, _ := newViewer(t, f)
	async.Locked(func() { v.Seek(2) })
	waitFrameShown(t, v, 2)
	var before fyne.Size
	async.Locked(func() {
		before = v.faces.Size()
		marks := v.faces.Scene().Faces
		if len(marks) != 1 || marks[0].ID != -1 {
			t.Fatalf("frame 2 marks %+v, want track 1's carried box", marks)
		}
		v.SelectMark(-1)
		if got := v.panel.facts.Text; !strings.Contains(got, "00:00:00.080 · frame 2 (the tracker's box; nearest detection at 00:00:00.000 · frame 0)") {
			t.Fatalf("panel facts %q", got)
		}
		if v.faces.Size() != before {
			t.Fatalf("the picture moved from %v to %v when the panel opened", before, v.faces.Size())
		}
		v.panel.Search()
	})
	waitUntil(t, "the empty-watchlist note", func() bool { return strings.Contains(v.panel.status.Text, "The watchlist is empty") })
	f.mu.Lock()
	n := len(f.searches)
	f.enrolled = true
	f.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d searches recorded with an empty watchlist", n)
	}
	async.Locked(v.panel.Search)
	waitUntil(t, "the candidate label on the carried box", func() bool {
		m := v.faces.Scene().Faces
		return len(m) == 1 && m[0].ID == -1 && m[0].Label == "#1 · candidate" && m[0].Color == colorCandidate
	})
	async.Locked(func() {
		text := visibleText(v.panel.Content())
		if !strings.Contains(text, "This face is enrolment 50 of subject Subject Five") {
			t.Fatalf("panel does not flag the echo:\n%s", text)
		}
	})
}

// TestTrackPaletteAvoidsStatusColours: no track colour is near a status
// colour, and neighbouring tracks differ.
func TestTrackPaletteAvoidsStatusColours(t *testing.T) {
	dist := func(a, b color.RGBA) int {
		d := func(x, y uint8) int { v := int(x) - int(y); return v * v }
		return d(a.R, b.R) + d(a.G, b.G) + d(a.B, b.B)
	}
	for id := 1; id <= 2*len(trackPalette); id++ {
		c := trackColor(id)
		for _, s := range []color.RGBA{colorUnknown, colorCandidate, colorConfirmed} {
			if dist(c, s) < 90*90 {
				t.Errorf("track %d colour %v is near status colour %v", id, c, s)
			}
		}
		if c == trackColor(id+1) {
			t.Errorf("tracks %d and %d share a colour", id, id+1)
		}
	}
	if got := clockTime(3*time.Hour + 25*time.Minute + 8*time.Second + 641975308); got != "03:25:08.641" {
		t.Errorf("clockTime = %q", got)
	}
}

// TestFacePanelEnrolKeepsTypedTextAndSaysSo: a refused enrolment brings
// the form back as typed; a successful one is said in the panel.
func TestFacePanelEnrolKeepsTypedTextAndSaysSo(t *testing.T) {
	v, w := newViewer(t, newFakeViewer(t))
	async.Locked(func() { v.Seek(4) })
	waitFrameShown(t, v, 4)
	var form *enrolForm
	async.Locked(func() {
		v.SelectMark(2) // the detection of frame 4
		form = v.panel.showEnrol()
		test.Type(form.label, "bad")
		test.Type(form.notes, "seen at the kiosk")
		submitForm(t, w)
	})
	waitUntil(t, "the refused enrolment", func() bool { return strings.Contains(overlayText(w), "Label refused") })
	async.Locked(func() {
		text := overlayText(w)
		if !strings.Contains(text, "seen at the kiosk") || form.label.Text != "bad" {
			t.Fatalf("the form did not come back as typed:\n%s", text)
		}
		w.Canvas().Overlays().Top().Hide() // the error
		form.label.SetText("Subject Five")
		submitForm(t, w)
	})
	waitUntil(t, "the enrolment said", func() bool {
		return strings.Contains(v.panel.status.Text, "Enrolled face 2 on the watchlist as Subject Five (subject #5).")
	})
}
