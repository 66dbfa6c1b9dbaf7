package widgets

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

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
}

func newFaceViewRenderer(v *FaceView) *faceViewRenderer {
	r := &faceViewRenderer{v: v, bg: canvas.NewRectangle(letterboxColor)}
	// ImageScaleFastest lets the GPU scale the frame: the Smooth mode
	// rescales every new frame in software (Catmull-Rom) on the UI
	// goroutine, which would hold video playback to a few frames a second.
	r.img = &canvas.Image{FillMode: canvas.ImageFillStretch, ScaleMode: canvas.ImageScaleFastest}
	r.overlay = canvas.NewRaster(r.drawOverlay)
	return r
}

func (r *faceViewRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	lb := r.v.Letterbox()
	for _, o := range []fyne.CanvasObject{r.img, r.overlay} {
		o.Move(lb.Pos)
		o.Resize(lb.Size)
	}
}

func (r *faceViewRenderer) MinSize() fyne.Size { return r.v.MinSize() }

func (r *faceViewRenderer) Refresh() {
	r.img.Image = r.v.scene.Image
	r.img.Hidden = r.v.scene.Image == nil
	r.overlay.Hidden = r.img.Hidden
	r.Layout(r.v.Size())
	r.img.Refresh()
	r.overlay.Refresh()
}

func (r *faceViewRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.img, r.overlay}
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
	style := media.OverlayStyle{Scale: float64(w) / float64(s.Image.Bounds().Dx())}
	ov := media.Overlay{Paths: s.Paths, Boxes: make([]media.OverlayBox, 0, len(s.Faces))}
	var selected *FaceMark
	for i := range s.Faces {
		f := &s.Faces[i]
		ov.Boxes = append(ov.Boxes, media.OverlayBox{Box: f.Box, Color: f.Color, Label: f.Label})
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
		media.DrawOverlay(r.buf, dots, media.OverlayStyle{Scale: style.Scale, DotRadius: 1})
	}
	return r.buf
}

// landmarkColor is the colour of landmark dots.
var landmarkColor = color.RGBA{R: 0x40, G: 0xf0, B: 0xff, A: 0xff}
