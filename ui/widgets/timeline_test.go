package widgets

import (
	"image/color"
	"testing"

	"facecase/ui/internal/uitest"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestTimelineSeeksAndDraws(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTimeline()
	red := color.RGBA{0xe0, 0x20, 0x20, 0xff}
	blue := color.RGBA{0x20, 0x40, 0xe0, 0xff}
	tl.SetTracks(101, []TimelineTrack{
		{ID: 1, Color: red, Spans: [][2]int{{0, 50}}},
		{ID: 2, Color: blue, Spans: [][2]int{{40, 60}, {80, 100}}},
	})
	w := test.NewWindow(tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(401, 40))
	defer w.Close()

	var sought []int
	tl.OnSeek = func(f int) { sought = append(sought, f) }
	test.TapAt(tl, fyne.NewPos(200, 5))
	test.TapAt(tl, fyne.NewPos(400, 5))
	if len(sought) != 2 || sought[0] != 50 || sought[1] != 100 {
		t.Fatalf("sought %v, want [50 100]", sought)
	}
	if tl.Frame() != 100 {
		t.Fatalf("marker at %d after seeking to 100", tl.Frame())
	}
	tl.SetPosition(0)
	img := w.Canvas().Capture()
	uitest.AssertGolden(t, "timeline/two_tracks.png", img)
	// Row 1 (track 1) is red from x=0 to x=200; row 2 is blue from 160 to
	// 240 and 320 to 400, and empty between.
	px := func(x, y int) color.RGBA { return color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) }
	if px(100, 2+timelineRow/2) != red {
		t.Errorf("track 1 bar missing at x=100: %v", px(100, 2+timelineRow/2))
	}
	if px(200, 2+timelineRow+timelineRow/2) != blue || px(350, 2+timelineRow+timelineRow/2) != blue {
		t.Error("track 2 spans missing")
	}
	if px(280, 2+timelineRow+timelineRow/2) == blue {
		t.Error("track 2 drawn in its gap")
	}
}
