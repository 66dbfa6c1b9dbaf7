package widgets

import (
	"image/color"
	"strings"
	"testing"

	"facecase/ui/internal/uitest"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

func TestTimelineSeeksAndDraws(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTimeline()
	red := color.RGBA{0xe0, 0x20, 0x20, 0xff}
	blue := color.RGBA{0x20, 0x40, 0xe0, 0xff}
	tl.SetTracks(101, []TimelineTrack{
		{ID: 1, Color: red, Label: "#1 Subject A", Detail: "Track #1\nfirst 00:00:00.000 · frame 0", Spans: [][2]int{{0, 50}}},
		{ID: 2, Color: blue, Spans: [][2]int{{40, 60}, {80, 100}}},
	})
	tl.SetCuts([]int{70})
	w := test.NewWindow(tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(timelineLabelWidth+401, 40))
	defer w.Close()

	var sought []int
	tl.OnSeek = func(f int) { sought = append(sought, f) }
	x0 := timelineLabelWidth
	test.TapAt(tl, fyne.NewPos(x0+200, 5))
	test.TapAt(tl, fyne.NewPos(x0+400, 5))
	if len(sought) != 2 || sought[0] != 50 || sought[1] != 100 {
		t.Fatalf("sought %v, want [50 100]", sought)
	}
	if tl.Frame() != 100 {
		t.Fatalf("marker at %d after seeking to 100", tl.Frame())
	}
	tl.SetPosition(0)
	img := w.Canvas().Capture()
	uitest.AssertGolden(t, "timeline/two_tracks.png", img)
	// Lane 1 (track 1) is red from x0 to x0+200; lane 2 is blue from
	// x0+160 to x0+240 and x0+320 to x0+400, and empty between.
	px := func(x float32, y int) color.RGBA { return color.RGBAModel.Convert(img.At(int(x), y)).(color.RGBA) }
	mid := func(lane int) int { return 2 + lane*timelineRow + timelineRow/2 }
	if px(x0+100, mid(0)) != red {
		t.Errorf("track 1 bar missing at x=100: %v", px(x0+100, mid(0)))
	}
	if px(x0+200, mid(1)) != blue || px(x0+350, mid(1)) != blue {
		t.Error("track 2 spans missing")
	}
	if px(x0+260, mid(1)) == blue {
		t.Error("track 2 drawn in its gap")
	}
	// The lanes are labelled: the label given, or the track number.
	labels := tl.laneLabel(0) + "|" + tl.laneLabel(1)
	if labels != "#1 Subject A|#2" {
		t.Errorf("lane labels %q", labels)
	}
}

func TestTimelineHoverCard(t *testing.T) {
	test.NewTempApp(t)
	tl := NewTimeline()
	tl.SetTracks(101, []TimelineTrack{
		{ID: 1, Label: "#1", Detail: "Track #1\nfirst 00:00:00.000 · frame 0\nlast 00:00:02.000 · frame 50", Spans: [][2]int{{0, 50}}},
		{ID: 2, Spans: [][2]int{{40, 60}}},
	})
	w := test.NewWindow(tl)
	w.Resize(fyne.NewSize(500, 40))
	defer w.Close()
	tl.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(300, 2+timelineRow/2)}})
	if card, ok := tl.Hovered(); !ok || !strings.Contains(card, "last 00:00:02.000 · frame 50") {
		t.Fatalf("hover card over lane 1: %q, %v", card, ok)
	}
	tl.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(300, 2+timelineRow+timelineRow/2)}})
	if card, ok := tl.Hovered(); ok {
		t.Fatalf("lane 2 has no detail, yet the card shows %q", card)
	}
	tl.MouseOut()
	if _, ok := tl.Hovered(); ok {
		t.Fatal("card shown after the pointer left")
	}
}
