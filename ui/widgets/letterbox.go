package widgets

import (
	"fyne.io/fyne/v2"

	"facecase/facedata"
)

// Letterbox places an image of imgW x imgH pixels in an area of the given
// size, as large as fits while keeping its aspect ratio, centred; the bands
// left over stay empty. It maps between area positions and image pixels.
type Letterbox struct {
	// Pos and Size are the image's rectangle inside the area.
	Pos  fyne.Position
	Size fyne.Size
	// Scale is area units per image pixel.
	Scale float32
}

// NewLetterbox fits an imgW x imgH image into area. An empty image or area
// gives a zero Letterbox (Scale 0).
func NewLetterbox(imgW, imgH int, area fyne.Size) Letterbox {
	if imgW <= 0 || imgH <= 0 || area.Width <= 0 || area.Height <= 0 {
		return Letterbox{}
	}
	s := min(area.Width/float32(imgW), area.Height/float32(imgH))
	size := fyne.NewSize(float32(imgW)*s, float32(imgH)*s)
	pos := fyne.NewPos((area.Width-size.Width)/2, (area.Height-size.Height)/2)
	return Letterbox{Pos: pos, Size: size, Scale: s}
}

// ToImage maps a position in the area to image pixels; ok is false outside
// the image.
func (l Letterbox) ToImage(p fyne.Position) (pt facedata.Point, ok bool) {
	if l.Scale == 0 {
		return facedata.Point{}, false
	}
	x, y := (p.X-l.Pos.X)/l.Scale, (p.Y-l.Pos.Y)/l.Scale
	ok = p.X >= l.Pos.X && p.Y >= l.Pos.Y && p.X <= l.Pos.X+l.Size.Width && p.Y <= l.Pos.Y+l.Size.Height
	return facedata.Point{X: float64(x), Y: float64(y)}, ok
}

// ToArea maps an image pixel position to the area.
func (l Letterbox) ToArea(p facedata.Point) fyne.Position {
	return fyne.NewPos(l.Pos.X+float32(p.X)*l.Scale, l.Pos.Y+float32(p.Y)*l.Scale)
}
