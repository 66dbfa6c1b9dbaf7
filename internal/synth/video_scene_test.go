package synth

import (
	"image"
	"testing"
)

// fakeCrops stands in for the real crops where only identities matter.
func fakeCrops() []Crop {
	var cs []Crop
	for _, id := range []string{"amy", "bernadette", "howard", "leonard", "penny", "raj"} {
		cs = append(cs, Crop{Identity: id, Image: image.NewGray(image.Rect(0, 0, 150, 150))})
	}
	return cs
}

func TestTrackingSceneGroundTruth(t *testing.T) {
	scene, err := TrackingScene(fakeCrops(), 640, 480)
	if err != nil {
		t.Fatal(err)
	}
	if got := scene.CrossingPairs(); got != 2 {
		t.Errorf("crossing pairs = %d, want 2", got)
	}
	hidden, partly := 0, 0
	for f := 0; f < scene.Frames; f++ {
		for _, tb := range scene.Truth(f) {
			if tb.Visible < 0 || tb.Visible > 1 {
				t.Fatalf("frame %d actor %d: visible %v", f, tb.ID, tb.Visible)
			}
			if tb.ID == 3 {
				switch {
				case tb.Visible == 0:
					hidden++
				case tb.Visible < 1:
					partly++
				}
			}
		}
	}
	if hidden < TrackingSceneHiddenFrames-1 || hidden > TrackingSceneHiddenFrames+1 {
		t.Errorf("actor 3 completely hidden in %d frames, want %d", hidden, TrackingSceneHiddenFrames)
	}
	if partly == 0 {
		t.Error("actor 3 is never partly hidden")
	}
	// Entering: the face starts outside the image; leaving: it ends outside.
	bounds := image.Rect(0, 0, 640, 480)
	entered, left := map[int]bool{}, map[int]bool{}
	for _, a := range scene.Actors {
		first, _ := a.At(a.Keys[0].Frame)
		last, _ := a.At(a.Keys[len(a.Keys)-1].Frame)
		entered[a.ID] = !first.In(bounds)
		left[a.ID] = !last.In(bounds)
	}
	for _, id := range []int{1, 2, 4} {
		if !entered[id] {
			t.Errorf("actor %d does not enter through an edge", id)
		}
	}
	for _, id := range []int{1, 2, 5} {
		if !left[id] {
			t.Errorf("actor %d does not leave through an edge", id)
		}
	}
}

func TestVisibleFraction(t *testing.T) {
	box := image.Rect(0, 0, 10, 10)
	bounds := image.Rect(0, 0, 100, 100)
	cases := []struct {
		name   string
		box    image.Rectangle
		covers []image.Rectangle
		want   float64
	}{
		{"clear", box, nil, 1},
		{"half covered", box, []image.Rectangle{image.Rect(5, 0, 20, 20)}, 0.5},
		{"overlapping covers", box, []image.Rectangle{image.Rect(0, 0, 5, 10), image.Rect(3, 0, 8, 10)}, 0.2},
		{"half outside", image.Rect(-5, 0, 5, 10), nil, 0.5},
	}
	for _, c := range cases {
		if got := visibleFraction(c.box, bounds, c.covers); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
