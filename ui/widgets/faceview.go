package widgets

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
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
	// Detail is shown in a card while the pointer rests on the face (who
	// it is and who confirmed it, for example); empty for none.
	Detail string
	// Thin draws the box with a thin line: a whole person's box, around
	// the face box.
	Thin bool
}

// Scene is what a FaceView shows: an image and, in its pixel coordinates,
// the faces and the paths of tracked people.
type Scene struct {
	Image image.Image
	Faces []FaceMark
	Paths []media.OverlayPath
}

// Zoom limits of a FaceView: the whole picture, up to 16 times larger.
const (
	MinZoom = 1.0
	MaxZoom = 16.0
	// ZoomStep is the factor one wheel notch or one + / - key zooms by.
	ZoomStep = 1.25
)

// FaceView shows a photo or video frame letterboxed into whatever size it
// is given, with face boxes, optional landmarks and path dots drawn over
// it, and reports taps on faces. The mouse wheel zooms about the pointer
// and dragging pans the zoomed picture; resting the pointer on a face
// shows its Detail. Use it on the UI goroutine only.
type FaceView struct {
	widget.BaseWidget

	// OnFaceTapped is called with the ID of the face under a tap (the
	// smallest box when boxes nest).
	OnFaceTapped func(id int)
	// OnZoom is called after the zoom changed.
	OnZoom func(zoom float64)

	scene         Scene
	selected      int
	hasSelected   bool
	showLandmarks bool

	zoom   float64
	centre facedata.Point // image pixel at the middle of the view when zoomed

	hover    int
	hovering bool
	hoverAt  fyne.Position
}

// NewFaceView makes an empty view.
func NewFaceView() *FaceView {
	v := &FaceView{zoom: MinZoom}
	v.ExtendBaseWidget(v)
	return v
}

// SetScene replaces what is shown.
func (v *FaceView) SetScene(s Scene) {
	v.scene = s
	if v.zoom > MinZoom {
		v.clampCentre()
	}
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

// Letterbox is where the image lies in the widget, zoomed and panned.
func (v *FaceView) Letterbox() Letterbox {
	if v.scene.Image == nil {
		return Letterbox{}
	}
	b := v.scene.Image.Bounds()
	return NewLetterbox(b.Dx(), b.Dy(), v.Size()).Zoomed(b.Dx(), b.Dy(), v.zoom, v.centre)
}

// Zoom is the current zoom (1: the whole picture).
func (v *FaceView) Zoom() float64 { return v.zoom }

// SetZoom zooms to z (clamped to MinZoom..MaxZoom) about the middle of
// what is shown.
func (v *FaceView) SetZoom(z float64) {
	lb := v.Letterbox()
	v.zoomAbout(z, lb.ToArea(lb.View().Center()))
}

// ZoomBy multiplies the zoom by factor, keeping the image point under at
// (a widget position) where it is.
func (v *FaceView) ZoomBy(factor float64, at fyne.Position) { v.zoomAbout(v.zoom*factor, at) }

func (v *FaceView) zoomAbout(z float64, at fyne.Position) {
	z = min(MaxZoom, max(MinZoom, z))
	if v.scene.Image == nil || z == v.zoom {
		return
	}
	lb := v.Letterbox()
	pt, _ := lb.ToImage(at)
	view := lb.View()
	// Keep pt at the same place in the view: its offset from the view's
	// centre shrinks by the zoom ratio.
	c := view.Center()
	r := v.zoom / z
	v.centre = facedata.Point{X: pt.X + (c.X-pt.X)*r, Y: pt.Y + (c.Y-pt.Y)*r}
	v.zoom = z
	v.clampCentre()
	v.Refresh()
	if v.OnZoom != nil {
		v.OnZoom(z)
	}
}

// ResetZoom shows the whole picture.
func (v *FaceView) ResetZoom() {
	if v.zoom == MinZoom {
		return
	}
	v.zoom = MinZoom
	v.Refresh()
	if v.OnZoom != nil {
		v.OnZoom(v.zoom)
	}
}

// clampCentre keeps the view inside the picture.
func (v *FaceView) clampCentre() {
	if v.scene.Image == nil {
		return
	}
	b := v.scene.Image.Bounds()
	vw, vh := float64(b.Dx())/v.zoom, float64(b.Dy())/v.zoom
	v.centre.X = min(max(v.centre.X, vw/2), float64(b.Dx())-vw/2)
	v.centre.Y = min(max(v.centre.Y, vh/2), float64(b.Dy())-vh/2)
}

// Scrolled zooms about the pointer: wheel up zooms in.
func (v *FaceView) Scrolled(ev *fyne.ScrollEvent) {
	switch {
	case ev.Scrolled.DY > 0:
		v.ZoomBy(ZoomStep, ev.Position)
	case ev.Scrolled.DY < 0:
		v.ZoomBy(1/ZoomStep, ev.Position)
	}
}

// Dragged pans the zoomed picture with the pointer.
func (v *FaceView) Dragged(ev *fyne.DragEvent) {
	lb := v.Letterbox()
	if v.zoom <= MinZoom || lb.Scale == 0 {
		return
	}
	v.centre.X -= float64(ev.Dragged.DX / lb.Scale)
	v.centre.Y -= float64(ev.Dragged.DY / lb.Scale)
	v.clampCentre()
	v.Refresh()
}

// DragEnd is part of fyne.Draggable.
func (v *FaceView) DragEnd() {}

// MouseIn is part of desktop.Hoverable.
func (v *FaceView) MouseIn(ev *desktop.MouseEvent) { v.MouseMoved(ev) }

// MouseMoved shows the Detail of the face under the pointer.
func (v *FaceView) MouseMoved(ev *desktop.MouseEvent) {
	id, ok := v.FaceAt(ev.Position)
	if ok && v.detailOf(id) == "" {
		ok = false
	}
	if ok == v.hovering && id == v.hover && (!ok || ev.Position == v.hoverAt) {
		return
	}
	v.hover, v.hovering, v.hoverAt = id, ok, ev.Position
	v.Refresh()
}

// MouseOut hides the face card.
func (v *FaceView) MouseOut() {
	if v.hovering {
		v.hovering = false
		v.Refresh()
	}
}

// Hovered is the Detail shown for the face under the pointer, if any.
func (v *FaceView) Hovered() (string, bool) {
	if !v.hovering {
		return "", false
	}
	d := v.detailOf(v.hover)
	return d, d != ""
}

func (v *FaceView) detailOf(id int) string {
	for _, f := range v.scene.Faces {
		if f.ID == id {
			return f.Detail
		}
	}
	return ""
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

// Tapped reports the face under the tap. It also takes the keyboard focus
// from whatever had it, so the viewer's keys reach the viewer.
func (v *FaceView) Tapped(ev *fyne.PointEvent) {
	unfocus(v)
	if id, ok := v.FaceAt(ev.Position); ok && v.OnFaceTapped != nil {
		v.OnFaceTapped(id)
	}
}

// MinSize keeps room for a recognisable picture.
func (v *FaceView) MinSize() fyne.Size { return fyne.NewSize(160, 120) }

// CreateRenderer is part of fyne.Widget.
func (v *FaceView) CreateRenderer() fyne.WidgetRenderer { return newFaceViewRenderer(v) }

// unfocus clears the keyboard focus of the canvas o is on.
func unfocus(o fyne.CanvasObject) {
	if a := fyne.CurrentApp(); a != nil {
		if c := a.Driver().CanvasForObject(o); c != nil {
			c.Unfocus()
		}
	}
}
