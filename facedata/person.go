package facedata

import "math"

// Person is one whole person found in a frame: standing, walking, seen
// from any side, face visible or not.
type Person struct {
	// Box is the detector's box around the whole visible body, in frame
	// pixels.
	Box Rect `json:"box"`
	// Score is the detector's confidence in [0, 1].
	Score float32 `json:"score"`
	// Detector names the detector that found the person (PersonFromFace:
	// inferred from a face).
	Detector PersonDetectorName `json:"detector"`
	// Clothes describes the colours of the upper and lower body, what the
	// tracker recognises someone by after an occlusion; nil when it was
	// not measured.
	Clothes *ClothesColour `json:"-"`
}

// Foot is the bottom centre of a person box: where the person stands, the
// point their walked path is drawn through.
func (r Rect) Foot() Point { return Point{X: r.X + r.W/2, Y: r.Y + r.H} }

// UpperBody is the part of a person box a face of that person lies in: the
// top 40% of its height, widened by a tenth on each side (heads lean past
// the shoulders of a walking person's box).
func (r Rect) UpperBody() Rect {
	return Rect{X: r.X - 0.1*r.W, Y: r.Y, W: 1.2 * r.W, H: 0.4 * r.H}
}

// BodyFromFace is the person box a face implies when the body itself was
// not found (a close-up, a head above a crowd): the head at the top of a
// box three faces wide and seven high, clipped to a cols x rows frame.
func (r Rect) BodyFromFace(cols, rows int) Rect {
	c := r.Center()
	return Rect{X: c.X - 1.5*r.W, Y: r.Y - 0.3*r.H, W: 3 * r.W, H: 7 * r.H}.Clip(cols, rows)
}

// Holds reports whether a person box could carry face f: f is no wider
// than the box and its centre lies in the box's upper body (UpperBody), or,
// for a box cut short (a person running off the bottom of the frame, a
// close-up), within one and a half face heights of the box's top.
func (r Rect) Holds(f Rect) bool {
	up := r.UpperBody()
	up.H = max(up.H, 1.5*f.H)
	c := f.Center()
	return c.X >= up.X && c.X <= up.X+up.W && c.Y >= up.Y && c.Y <= up.Y+up.H && f.W <= r.W
}

// ColourBins is the number of bins of one body part's colour histogram:
// 8 hues x 3 saturations for coloured pixels, and 6 grey levels for pixels
// too grey or too dark to have a reliable hue.
const ColourBins = 8*3 + 6

// ClothesColour is a person's appearance as two colour histograms, each
// summing to 1 (or all zero when the part had no pixels): the torso and the
// legs, the parts of a pedestrian whose colours survive changes of pose,
// distance and viewing side.
type ClothesColour struct {
	Upper, Lower [ColourBins]float32
}

// Distance is the Hellinger distance between two appearances, averaged over
// the parts both have: 0 for identical colour distributions, 1 for ones
// with nothing in common.
func (c *ClothesColour) Distance(o *ClothesColour) float64 {
	var sum float64
	n := 0
	for _, pair := range [2][2]*[ColourBins]float32{{&c.Upper, &o.Upper}, {&c.Lower, &o.Lower}} {
		d, ok := hellinger(pair[0], pair[1])
		if ok {
			sum += d
			n++
		}
	}
	if n == 0 {
		return 1
	}
	return sum / float64(n)
}

// hellinger is sqrt(1 - Σ sqrt(p·q)); false when either histogram is empty.
func hellinger(p, q *[ColourBins]float32) (float64, bool) {
	var bc, sp, sq float64
	for i := range p {
		sp += float64(p[i])
		sq += float64(q[i])
		bc += math.Sqrt(float64(p[i]) * float64(q[i]))
	}
	if sp == 0 || sq == 0 {
		return 0, false
	}
	bc /= math.Sqrt(sp * sq)
	return math.Sqrt(math.Max(0, 1-bc)), true
}
