package tracking

import (
	"image/color"
	"math"
	"testing"
)

func colourDistance(a, b color.RGBA) float64 {
	dr, dg, db := float64(a.R)-float64(b.R), float64(a.G)-float64(b.G), float64(a.B)-float64(b.B)
	return math.Sqrt(dr*dr + dg*dg + db*db)
}

func TestColorStableAndDistinct(t *testing.T) {
	if Color(7) != Color(7) {
		t.Fatal("colour of an id changed between calls")
	}
	// Any 8 consecutive ids (the people on screen at once in a typical
	// scene) are clearly apart.
	for start := 1; start < 200; start++ {
		for i := start; i < start+8; i++ {
			for j := i + 1; j < start+8; j++ {
				if d := colourDistance(Color(i), Color(j)); d < 60 {
					t.Fatalf("ids %d and %d: colours %v and %v only %.0f apart", i, j, Color(i), Color(j), d)
				}
			}
		}
	}
}

func TestColorReadable(t *testing.T) {
	// Saturated and bright: the strongest channel is high and the colour is
	// not grey, so it stands out on video under a dark outline.
	for id := 1; id <= 100; id++ {
		c := Color(id)
		hi := max(c.R, c.G, c.B)
		lo := min(c.R, c.G, c.B)
		if c.A != 255 || hi < 190 || hi-lo < 120 {
			t.Fatalf("id %d: colour %v is not bright and saturated", id, c)
		}
	}
}

func TestHSVPrimaries(t *testing.T) {
	cases := []struct {
		h    float64
		want color.RGBA
	}{
		{0, color.RGBA{255, 0, 0, 255}},
		{120, color.RGBA{0, 255, 0, 255}},
		{240, color.RGBA{0, 0, 255, 255}},
		{60, color.RGBA{255, 255, 0, 255}},
	}
	for _, c := range cases {
		if got := hsv(c.h, 1, 1); got != c.want {
			t.Errorf("hsv(%v,1,1) = %v, want %v", c.h, got, c.want)
		}
	}
}
