package facedata

import (
	"image"
	"math"
)

// Point is a position in image pixels.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Rect is an axis-aligned box in image pixels; X, Y is the top-left corner.
type Rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// Area is W*H, or 0 for an empty box.
func (r Rect) Area() float64 {
	if r.W <= 0 || r.H <= 0 {
		return 0
	}
	return r.W * r.H
}

// Center is the middle of the box.
func (r Rect) Center() Point { return Point{r.X + r.W/2, r.Y + r.H/2} }

// Intersect is the overlap of two boxes (empty when they do not overlap).
func (r Rect) Intersect(o Rect) Rect {
	x0, y0 := math.Max(r.X, o.X), math.Max(r.Y, o.Y)
	x1, y1 := math.Min(r.X+r.W, o.X+o.W), math.Min(r.Y+r.H, o.Y+o.H)
	if x1 <= x0 || y1 <= y0 {
		return Rect{}
	}
	return Rect{x0, y0, x1 - x0, y1 - y0}
}

// IoU is intersection over union, in [0, 1].
func (r Rect) IoU(o Rect) float64 {
	in := r.Intersect(o).Area()
	if in == 0 {
		return 0
	}
	return in / (r.Area() + o.Area() - in)
}

// Scale multiplies every coordinate by s.
func (r Rect) Scale(s float64) Rect {
	return Rect{r.X * s, r.Y * s, r.W * s, r.H * s}
}

// Translate moves the box by dx, dy.
func (r Rect) Translate(dx, dy float64) Rect {
	return Rect{r.X + dx, r.Y + dy, r.W, r.H}
}

// Clip limits the box to a w x h image.
func (r Rect) Clip(w, h int) Rect {
	return r.Intersect(Rect{0, 0, float64(w), float64(h)})
}

// Image rounds the box to integer pixels.
func (r Rect) Image() image.Rectangle {
	return image.Rect(int(math.Round(r.X)), int(math.Round(r.Y)),
		int(math.Round(r.X+r.W)), int(math.Round(r.Y+r.H)))
}

// RectFromImage converts an integer rectangle.
func RectFromImage(r image.Rectangle) Rect {
	return Rect{float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())}
}

// Inset grows the box by f times its size on every side when f < 0, or
// shrinks it when f > 0.
func (r Rect) Inset(f float64) Rect {
	dx, dy := r.W*f, r.H*f
	return Rect{r.X + dx, r.Y + dy, r.W - 2*dx, r.H - 2*dy}
}
