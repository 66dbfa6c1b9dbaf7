package media

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"facecase/facedata"
)

// Overlay is what is drawn over a frame: face boxes and the paths people
// walked, in frame pixels.
type Overlay struct {
	Boxes []OverlayBox
	Paths []OverlayPath
}

// OverlayBox is a face box with an optional label drawn above it.
type OverlayBox struct {
	Box   facedata.Rect
	Color color.RGBA
	Label string
	// Thin draws the box with a third of the line width (a person's box,
	// around the face box drawn at full width).
	Thin bool
}

// OverlayPath is a track's path, drawn as a dot per point.
type OverlayPath struct {
	Points []facedata.Point
	Color  color.RGBA
	// Fade makes the dots translucent: 0 draws them opaque, 0.75 at a
	// quarter of full opacity (a path fading out after its track ended).
	Fade float64
}

// OverlayStyle places and sizes the overlay on the destination image.
type OverlayStyle struct {
	// Scale maps frame pixels to destination pixels (0 means 1); Offset is
	// added after scaling. A viewer that shows a 1280x720 frame in a
	// 640x400 area letterboxed uses Scale 0.5 and Offset (0, 20).
	Scale  float64
	Offset image.Point
	// LineWidth is the box line width and DotRadius the path dots' radius,
	// in destination pixels; 0 picks a size readable at the destination's
	// resolution. Boxes and dots get a one-pixel dark outline so they read
	// on light and dark video alike.
	LineWidth, DotRadius int
}

// outlineColor is the dark edge around every mark.
var outlineColor = color.RGBA{0, 0, 0, 255}

// DrawOverlay draws ov on dst: paths first (dots with a dark outline), then
// boxes (coloured lines with a dark outline) and their labels. It is a pure
// function of its arguments; it writes only the pixels it draws and clips
// to dst's bounds. *image.RGBA and Mat-backed images (DrawOverlayMat) take
// a fast path.
func DrawOverlay(dst draw.Image, ov Overlay, style OverlayStyle) {
	b := dst.Bounds()
	if b.Empty() {
		return
	}
	style = style.resolved(b)
	cv := canvasFor(dst)
	for _, p := range ov.Paths {
		drawPath(cv, p, style)
	}
	for _, box := range ov.Boxes {
		r := style.rect(box.Box)
		w := style.LineWidth
		if box.Thin {
			w = max(1, w/3)
		}
		drawBoxOutline(cv, r, w, box.Color)
		if box.Label != "" {
			drawLabel(dst, cv, r, box.Label, box.Color)
		}
	}
}

// resolved fills in the automatic sizes for a destination of bounds b.
func (s OverlayStyle) resolved(b image.Rectangle) OverlayStyle {
	if s.Scale <= 0 {
		s.Scale = 1
	}
	side := min(b.Dx(), b.Dy())
	if s.LineWidth <= 0 {
		s.LineWidth = max(2, int(math.Round(float64(side)/300)))
	}
	if s.DotRadius <= 0 {
		s.DotRadius = max(2, int(math.Round(float64(side)/180)))
	}
	return s
}

// point maps a frame point to destination pixels.
func (s OverlayStyle) point(p facedata.Point) image.Point {
	return image.Pt(int(math.Round(p.X*s.Scale))+s.Offset.X, int(math.Round(p.Y*s.Scale))+s.Offset.Y)
}

// rect maps a frame box to destination pixels.
func (s OverlayStyle) rect(r facedata.Rect) image.Rectangle {
	return r.Scale(s.Scale).Image().Add(s.Offset)
}

// drawPath draws a dot per point, skipping points that would touch the
// last dot drawn: the path reads as a trail of separate dots however slowly
// the person walked.
func drawPath(cv canvas, p OverlayPath, style OverlayStyle) {
	r := style.DotRadius
	gap := 2*r + 3 // centre to centre: the dots and their outlines do not touch
	last := image.Pt(math.MinInt32/2, 0)
	var dots []image.Point
	for _, pt := range p.Points {
		c := style.point(pt)
		if d := c.Sub(last); d.X*d.X+d.Y*d.Y < gap*gap {
			continue
		}
		dots = append(dots, c)
		last = c
	}
	alpha := 1 - min(1, max(0, p.Fade))
	if alpha < 1 {
		// Translucent dots: every pixel is blended once, the ring with the
		// outline colour, the inside with the path's.
		for _, c := range dots {
			fadedDot(cv, c, r, p.Color, alpha)
		}
		return
	}
	// Outlines first, so a dot's ring never covers its neighbour's colour.
	for _, c := range dots {
		fillDisc(cv, c, r+1, outlineColor)
	}
	for _, c := range dots {
		fillDisc(cv, c, r, p.Color)
	}
}

func fillDisc(cv canvas, c image.Point, r int, col color.RGBA) {
	rr := r*r + r // a rounder disc than r*r at small radii
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if dx*dx+dy*dy <= rr {
				cv.set(c.X+dx, c.Y+dy, col)
			}
		}
	}
}

// fadedDot blends a dot of radius r with its outline ring over what is
// there, at opacity alpha.
func fadedDot(cv canvas, c image.Point, r int, col color.RGBA, alpha float64) {
	if alpha <= 0 {
		return
	}
	inner, outer := r*r+r, (r+1)*(r+1)+r+1
	for dy := -r - 1; dy <= r+1; dy++ {
		for dx := -r - 1; dx <= r+1; dx++ {
			switch d := dx*dx + dy*dy; {
			case d <= inner:
				cv.blend(c.X+dx, c.Y+dy, col, alpha)
			case d <= outer:
				cv.blend(c.X+dx, c.Y+dy, outlineColor, alpha)
			}
		}
	}
}

// drawBoxOutline draws the box's border, w pixels wide inside r, with a
// one-pixel dark edge on both sides.
func drawBoxOutline(cv canvas, r image.Rectangle, w int, col color.RGBA) {
	frame(cv, r.Inset(-1), w+2, outlineColor)
	frame(cv, r, w, col)
}

// frame fills the band of width w inside r's border.
func frame(cv canvas, r image.Rectangle, w int, col color.RGBA) {
	if r.Dx() <= 0 || r.Dy() <= 0 {
		return
	}
	w = min(w, (r.Dx()+1)/2, (r.Dy()+1)/2)
	fillRect(cv, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+w), col)
	fillRect(cv, image.Rect(r.Min.X, r.Max.Y-w, r.Max.X, r.Max.Y), col)
	fillRect(cv, image.Rect(r.Min.X, r.Min.Y+w, r.Min.X+w, r.Max.Y-w), col)
	fillRect(cv, image.Rect(r.Max.X-w, r.Min.Y+w, r.Max.X, r.Max.Y-w), col)
}

func fillRect(cv canvas, r image.Rectangle, col color.RGBA) {
	r = r.Intersect(cv.bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cv.set(x, y, col)
		}
	}
}
