package widgets

import (
	"fyne.io/fyne/v2"

	"facecase/facedata"
)

// Letterbox places an image of imgW x imgH pixels in an area of the given
// size, as large as fits while keeping its aspect ratio, centred; the bands
// left over stay empty. Zoomed in, it shows only a part of the image (the
// view rectangle), as large as the whole image would be times the zoom. It
// maps between area positions and image pixels.
type Letterbox struct {
	// Pos and Size are the image's rectangle inside the area.
	Pos  fyne.Position
	Size fyne.Size
	// Scale is area units per image pixel.
	Scale float32
	// Origin is the image pixel shown at Pos (0,0 when not zoomed).
	Origin facedata.Point
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

// Zoomed is the letterbox showing the part of the image around centre
// (image pixels) at zoom times the fitted scale; the part shown stays
// inside the image. Zoom 1 or less is the whole image.
func (l Letterbox) Zoomed(imgW, imgH int, zoom float64, centre facedata.Point) Letterbox {
	if l.Scale == 0 || zoom <= 1 {
		return l
	}
	vw, vh := float64(imgW)/zoom, float64(imgH)/zoom
	x := min(max(centre.X-vw/2, 0), float64(imgW)-vw)
	y := min(max(centre.Y-vh/2, 0), float64(imgH)-vh)
	l.Origin = facedata.Point{X: x, Y: y}
	l.Scale *= float32(zoom)
	return l
}

// View is the image rectangle shown, in image pixels.
func (l Letterbox) View() facedata.Rect {
	if l.Scale == 0 {
		return facedata.Rect{}
	}
	return facedata.Rect{X: l.Origin.X, Y: l.Origin.Y, W: float64(l.Size.Width / l.Scale), H: float64(l.Size.Height / l.Scale)}
}

// ToImage maps a position in the area to image pixels; ok is false outside
// the image.
func (l Letterbox) ToImage(p fyne.Position) (pt facedata.Point, ok bool) {
	if l.Scale == 0 {
		return facedata.Point{}, false
	}
	x, y := (p.X-l.Pos.X)/l.Scale, (p.Y-l.Pos.Y)/l.Scale
	ok = p.X >= l.Pos.X && p.Y >= l.Pos.Y && p.X <= l.Pos.X+l.Size.Width && p.Y <= l.Pos.Y+l.Size.Height
	return facedata.Point{X: float64(x) + l.Origin.X, Y: float64(y) + l.Origin.Y}, ok
}

// ToArea maps an image pixel position to the area.
func (l Letterbox) ToArea(p facedata.Point) fyne.Position {
	return fyne.NewPos(l.Pos.X+float32(p.X-l.Origin.X)*l.Scale, l.Pos.Y+float32(p.Y-l.Origin.Y)*l.Scale)
}
