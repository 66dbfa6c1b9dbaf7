package tracking

import (
	"image/color"
	"math"
)

// goldenAngle spreads consecutive hues as far apart as possible: any run of
// ids gets well-separated colours, and the colour of an id never changes.
const goldenAngle = 137.50776405003785

// Color is the colour of track id: a saturated hue picked by the golden
// angle, bright enough to read on video when drawn with a dark outline.
// Every third id is a little darker, so ids far apart in the sequence whose
// hues come close still differ.
func Color(id int) color.RGBA {
	if id < 0 {
		id = -id
	}
	hue := math.Mod(float64(id)*goldenAngle, 360)
	v := 1.0
	if id%3 == 2 {
		v = 0.8
	}
	return hsv(hue, 0.85, v)
}

// hsv converts hue (degrees), saturation and value in [0, 1] to opaque RGB.
func hsv(h, s, v float64) color.RGBA {
	c := v * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := v - c
	var r, g, b float64
	switch {
	case h < 60:
		r, g, b = c, x, 0
	case h < 120:
		r, g, b = x, c, 0
	case h < 180:
		r, g, b = 0, c, x
	case h < 240:
		r, g, b = 0, x, c
	case h < 300:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	to8 := func(f float64) uint8 { return uint8(math.Round((f + m) * 255)) }
	return color.RGBA{R: to8(r), G: to8(g), B: to8(b), A: 255}
}
