package widgets

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/media"
)

// letterboxColor fills the bands beside the image.
var letterboxColor = color.NRGBA{R: 0x10, G: 0x10, B: 0x12, A: 0xff}

// faceViewRenderer stacks the background, the image in its letterbox and
// a transparent raster of the same rectangle that the overlay is drawn on
// at the screen's pixel resolution.
type faceViewRenderer struct {
	v       *FaceView
	bg      *canvas.Rectangle
	img     *canvas.Image
	overlay *canvas.Raster
	buf     *image.RGBA // reused between overlay frames of one size
	zoomed  *image.RGBA // the zoomed part of the picture, copied (Fyne's painter needs a compact image)
	// card shows the Detail of the face under the pointer.
	cardBg   *canvas.Rectangle
	cardText *widget.Label
}

func newFaceViewRenderer(v *FaceView) *faceViewRenderer {
	r := &faceViewRenderer{v: v, bg: canvas.NewRectangle(letterboxColor)}
	// ImageScaleFastest lets the GPU scale the frame: the Smooth mode
	// rescales every new frame in software (Catmull-Rom) on the UI
	// goroutine, which would hold video playback to a few frames a second.
	r.img = &canvas.Image{FillMode: canvas.ImageFillStretch, ScaleMode: canvas.ImageScaleFastest}
	r.overlay = canvas.NewRaster(r.drawOverlay)
	r.cardBg = canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	r.cardBg.StrokeColor = theme.Color(theme.ColorNameForeground)
	r.cardBg.StrokeWidth = 1
	r.cardText = widget.NewLabel("")
	r.cardBg.Hide()
	r.cardText.Hide()
	return r
}

// viewRect is the part of the image shown, in whole pixels: all of it, or
// the zoomed view (the picture and the overlay both use this rectangle, so
// boxes stay on faces at any zoom).
func (r *faceViewRenderer) viewRect() image.Rectangle {
	img := r.v.scene.Image
	if img == nil {
		return image.Rectangle{}
	}
	b := img.Bounds()
	if r.v.zoom <= MinZoom {
		return b
	}
	v := r.v.Letterbox().View()
	x0, y0 := int(math.Round(v.X)), int(math.Round(v.Y))
	w, h := max(1, int(math.Round(v.W))), max(1, int(math.Round(v.H)))
	return image.Rect(x0, y0, x0+w, y0+h).Add(b.Min).Intersect(b)
}

// zoomedPicture copies the part of the picture in view into a buffer of
// its own: the painter reads images as compact rows, which a sub-image of
// a larger picture is not.
func (r *faceViewRenderer) zoomedPicture() image.Image {
	view := r.viewRect()
	if view.Empty() {
		return r.v.scene.Image
	}
	if r.zoomed == nil || r.zoomed.Rect.Dx() != view.Dx() || r.zoomed.Rect.Dy() != view.Dy() {
		r.zoomed = image.NewRGBA(image.Rect(0, 0, view.Dx(), view.Dy()))
	}
	draw.Draw(r.zoomed, r.zoomed.Rect, r.v.scene.Image, view.Min, draw.Src)
	return r.zoomed
}

func (r *faceViewRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	lb := r.v.Letterbox()
	for _, o := range []fyne.CanvasObject{r.img, r.overlay} {
		o.Move(lb.Pos)
		o.Resize(lb.Size)
	}
	r.layoutCard(size)
}

// layoutCard places the hover card beside the pointer, inside the view.
func (r *faceViewRenderer) layoutCard(size fyne.Size) {
	if r.cardText.Hidden {
		return
	}
	pad := theme.Padding()
	cs := r.cardText.MinSize()
	pos := r.v.hoverAt.Add(fyne.NewPos(16, 16))
	pos.X = max(0, min(pos.X, size.Width-cs.Width-pad))
	pos.Y = max(0, min(pos.Y, size.Height-cs.Height-pad))
	r.cardText.Move(pos)
	r.cardText.Resize(cs)
	r.cardBg.Move(pos)
	r.cardBg.Resize(cs)
}

func (r *faceViewRenderer) MinSize() fyne.Size { return r.v.MinSize() }

func (r *faceViewRenderer) Refresh() {
	r.img.Image = r.v.scene.Image
	if r.v.zoom > MinZoom && r.img.Image != nil {
		r.img.Image = r.zoomedPicture()
	}
	r.img.Hidden = r.v.scene.Image == nil
	r.overlay.Hidden = r.img.Hidden
	detail, show := r.v.Hovered()
	if show {
		r.cardText.SetText(detail)
	}
	r.cardText.Hidden, r.cardBg.Hidden = !show, !show
	r.Layout(r.v.Size())
	r.img.Refresh()
	r.overlay.Refresh()
	r.cardBg.Refresh()
}

func (r *faceViewRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.img, r.overlay, r.cardBg, r.cardText}
}

func (r *faceViewRenderer) Destroy() {}

// drawOverlay renders boxes, labels, landmarks and paths for a w x h pixel
// raster covering the image exactly.
func (r *faceViewRenderer) drawOverlay(w, h int) image.Image {
	if r.buf == nil || r.buf.Rect.Dx() != w || r.buf.Rect.Dy() != h {
		r.buf = image.NewRGBA(image.Rect(0, 0, w, h))
	} else {
		clear(r.buf.Pix)
	}
	s := r.v.scene
	if s.Image == nil || s.Image.Bounds().Dx() == 0 {
		return r.buf
	}
	view := r.viewRect()
	if view.Dx() <= 0 {
		return r.buf
	}
	scale := float64(w) / float64(view.Dx())
	style := media.OverlayStyle{Scale: scale,
		Offset: image.Pt(-int(math.Round(float64(view.Min.X)*scale)), -int(math.Round(float64(view.Min.Y)*scale)))}
	ov := media.Overlay{Paths: s.Paths, Boxes: make([]media.OverlayBox, 0, len(s.Faces))}
	var selected *FaceMark
	for i := range s.Faces {
		f := &s.Faces[i]
		ov.Boxes = append(ov.Boxes, media.OverlayBox{Box: f.Box, Color: f.Color, Label: f.Label, Thin: f.Thin})
		if r.v.hasSelected && f.ID == r.v.selected {
			selected = f
		}
	}
	if selected != nil {
		// A second ring just outside the box marks the selection; drawn
		// first so the box's label stays on top.
		ring := media.Overlay{Boxes: []media.OverlayBox{{Box: selected.Box.Inset(-0.06), Color: selected.Color}}}
		media.DrawOverlay(r.buf, ring, style)
	}
	media.DrawOverlay(r.buf, ov, style)
	if r.v.showLandmarks {
		dots := media.Overlay{}
		for _, f := range s.Faces {
			dots.Paths = append(dots.Paths, media.OverlayPath{Points: f.Landmarks, Color: landmarkColor})
		}
		media.DrawOverlay(r.buf, dots, media.OverlayStyle{Scale: style.Scale, Offset: style.Offset, DotRadius: 1})
	}
	return r.buf
}

// landmarkColor is the colour of landmark dots.
var landmarkColor = color.RGBA{R: 0x40, G: 0xf0, B: 0xff, A: 0xff}
