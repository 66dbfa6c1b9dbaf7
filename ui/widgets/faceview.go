package widgets

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"facecase/facedata"
	"facecase/media"
)

// FaceMark is a face drawn over the image.
type FaceMark struct {
	// ID is the caller's key for the face, passed back by OnFaceTapped.
	ID int
	// Box is the face box in image pixels.
	Box   facedata.Rect
	Color color.RGBA
	// Label is drawn on a tab above the box; empty for none.
	Label string
	// Landmarks are drawn as small dots when the view shows landmarks.
	Landmarks []facedata.Point
}

// Scene is what a FaceView shows: an image and, in its pixel coordinates,
// the faces and the paths of tracked people.
type Scene struct {
	Image image.Image
	Faces []FaceMark
	Paths []media.OverlayPath
}

// FaceView shows a photo or video frame letterboxed into whatever size it
// is given, with face boxes, optional landmarks and path dots drawn over
// it, and reports taps on faces. Use it on the UI goroutine only.
type FaceView struct {
	widget.BaseWidget

	// OnFaceTapped is called with the ID of the face under a tap (the
	// smallest box when boxes nest).
	OnFaceTapped func(id int)

	scene         Scene
	selected      int
	hasSelected   bool
	showLandmarks bool
}

// NewFaceView makes an empty view.
func NewFaceView() *FaceView {
	v := &FaceView{}
	v.ExtendBaseWidget(v)
	return v
}

// SetScene replaces what is shown.
func (v *FaceView) SetScene(s Scene) {
	v.scene = s
	v.Refresh()
}

// Scene is what is shown.
func (v *FaceView) Scene() Scene { return v.scene }

// Select draws the face with this ID with a heavier box.
func (v *FaceView) Select(id int) {
	v.selected, v.hasSelected = id, true
	v.Refresh()
}

// ClearSelection draws every face alike.
func (v *FaceView) ClearSelection() {
	v.hasSelected = false
	v.Refresh()
}

// Selected is the selected face's ID, if any.
func (v *FaceView) Selected() (int, bool) { return v.selected, v.hasSelected }

// SetShowLandmarks turns the landmark dots on or off.
func (v *FaceView) SetShowLandmarks(on bool) {
	v.showLandmarks = on
	v.Refresh()
}

// Letterbox is where the image lies in the widget.
func (v *FaceView) Letterbox() Letterbox {
	if v.scene.Image == nil {
		return Letterbox{}
	}
	b := v.scene.Image.Bounds()
	return NewLetterbox(b.Dx(), b.Dy(), v.Size())
}

// FaceAt is the ID of the face under a position in the widget: the
// smallest box that contains it.
func (v *FaceView) FaceAt(pos fyne.Position) (int, bool) {
	pt, ok := v.Letterbox().ToImage(pos)
	if !ok {
		return 0, false
	}
	best, found := 0, false
	bestArea := 0.0
	for _, f := range v.scene.Faces {
		b := f.Box
		if pt.X < b.X || pt.Y < b.Y || pt.X > b.X+b.W || pt.Y > b.Y+b.H {
			continue
		}
		if !found || b.Area() < bestArea {
			best, bestArea, found = f.ID, b.Area(), true
		}
	}
	return best, found
}

// Tapped reports the face under the tap.
func (v *FaceView) Tapped(ev *fyne.PointEvent) {
	if id, ok := v.FaceAt(ev.Position); ok && v.OnFaceTapped != nil {
		v.OnFaceTapped(id)
	}
}

// MinSize keeps room for a recognisable picture.
func (v *FaceView) MinSize() fyne.Size { return fyne.NewSize(160, 120) }

// CreateRenderer is part of fyne.Widget.
func (v *FaceView) CreateRenderer() fyne.WidgetRenderer { return newFaceViewRenderer(v) }
