package media

import (
	"image"
	"image/color"
	"testing"

	"facecase/facedata"
	"facecase/tracking"
)

func TestPersonOverlayDrawsFootPathsAndThinBoxes(t *testing.T) {
	p := tracking.PersonTrack{ID: 4, Color: color.RGBA{200, 40, 40, 255}, First: tracking.Stamp{Index: 0}, Last: tracking.Stamp{Index: 2}}
	for f := 0; f <= 2; f++ {
		p.Path = append(p.Path, tracking.PathPoint{Frame: f, Box: facedata.Rect{X: 20 + 20*float64(f), Y: 10, W: 40, H: 100}, Detected: true})
	}
	ov := PersonOverlay([]tracking.PersonTrack{p}, 2, TrackOverlayOptions{})
	if len(ov.Paths) != 1 || len(ov.Boxes) != 1 || !ov.Boxes[0].Thin || ov.Boxes[0].Label != "P4" {
		t.Fatalf("overlay %+v", ov)
	}
	for i, pt := range ov.Paths[0].Points {
		if want := (facedata.Point{X: 40 + 20*float64(i), Y: 110}); pt != want {
			t.Fatalf("path point %d at %+v, want the foot %+v", i, pt, want)
		}
	}
	// The person box is drawn thinner than a face box.
	face := Overlay{Boxes: []OverlayBox{{Box: facedata.Rect{X: 10, Y: 10, W: 100, H: 100}, Color: p.Color}}}
	thin := Overlay{Boxes: []OverlayBox{{Box: facedata.Rect{X: 10, Y: 10, W: 100, H: 100}, Color: p.Color, Thin: true}}}
	width := func(ov Overlay) int {
		img := image.NewRGBA(image.Rect(0, 0, 200, 200))
		DrawOverlay(img, ov, OverlayStyle{LineWidth: 6})
		n := 0
		for x := 0; x < 60; x++ {
			if img.RGBAAt(x, 60) == p.Color {
				n++
			}
		}
		return n
	}
	if fw, tw := width(face), width(thin); fw != 6 || tw != 2 {
		t.Fatalf("line widths: face %d px, person %d px; want 6 and 2", fw, tw)
	}
	both := PersonOverlay([]tracking.PersonTrack{p}, 2, TrackOverlayOptions{}).Merge(face)
	if len(both.Boxes) != 2 || !both.Boxes[0].Thin || both.Boxes[1].Thin {
		t.Fatalf("merged overlay %+v: person first, face over it", both.Boxes)
	}
}
