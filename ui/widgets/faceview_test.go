package widgets

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"facecase/facedata"
	"facecase/media"
	"facecase/ui/internal/uitest"
)

// Two flat "faces" on a grey 400x300 picture; the boxes drawn must land on
// them whatever size the view has.
var (
	sceneGrey  = color.RGBA{0x80, 0x80, 0x80, 0xff}
	faceA      = color.RGBA{0xff, 0x00, 0xff, 0xff}
	faceB      = color.RGBA{0x00, 0x60, 0xff, 0xff}
	boxColor   = color.RGBA{0xff, 0xe0, 0x00, 0xff}
	boxA       = facedata.Rect{X: 60, Y: 80, W: 100, H: 100}
	boxB       = facedata.Rect{X: 250, Y: 40, W: 80, H: 80}
	testFrameW = 400
	testFrameH = 300
)

func testScene() Scene {
	img := image.NewRGBA(image.Rect(0, 0, testFrameW, testFrameH))
	draw.Draw(img, img.Rect, image.NewUniform(sceneGrey), image.Point{}, draw.Src)
	draw.Draw(img, boxA.Image(), image.NewUniform(faceA), image.Point{}, draw.Src)
	draw.Draw(img, boxB.Image(), image.NewUniform(faceB), image.Point{}, draw.Src)
	path := media.OverlayPath{Color: color.RGBA{0x00, 0xff, 0x40, 0xff}}
	for x := 20.0; x <= 380; x += 20 {
		path.Points = append(path.Points, facedata.Point{X: x, Y: 260})
	}
	return Scene{
		Image: img,
		Faces: []FaceMark{
			{ID: 7, Box: boxA, Color: boxColor, Label: "A"},
			{ID: 9, Box: boxB, Color: boxColor},
		},
		Paths: []media.OverlayPath{path},
	}
}

// viewSizes include the frame's own size, wider and taller windows
// (pillarbox and letterbox bands) and odd sizes.
var viewSizes = []fyne.Size{
	{Width: 400, Height: 300},
	{Width: 800, Height: 300},
	{Width: 300, Height: 640},
	{Width: 217, Height: 163},
	{Width: 1000, Height: 750},
}

func showFaceView(t *testing.T, size fyne.Size) (*FaceView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	v := NewFaceView()
	v.SetScene(testScene())
	w := test.NewWindow(v)
	w.SetPadded(false)
	w.Resize(size)
	t.Cleanup(w.Close)
	return v, w
}

func TestFaceViewGolden(t *testing.T) {
	for _, size := range viewSizes {
		t.Run(fmt.Sprintf("%vx%v", size.Width, size.Height), func(t *testing.T) {
			v, w := showFaceView(t, size)
			img := w.Canvas().Capture()
			uitest.AssertGolden(t, fmt.Sprintf("faceview/%vx%v.png", size.Width, size.Height), img)
			checkBoxesOnFaces(t, v, img)
		})
	}
}

// checkBoxesOnFaces reads the rendered pixels: the box colour must sit on
// each face's edge and the face's own colour inside it, and the bands
// beside the image must be empty.
func checkBoxesOnFaces(t *testing.T, v *FaceView, img image.Image) {
	t.Helper()
	lb := v.Letterbox()
	at := func(p fyne.Position) color.RGBA {
		c := color.RGBAModel.Convert(img.At(int(p.X), int(p.Y))).(color.RGBA)
		return c
	}
	for _, f := range []struct {
		box  facedata.Rect
		fill color.RGBA
	}{{boxA, faceA}, {boxB, faceB}} {
		centre := lb.ToArea(f.box.Center())
		if got := at(centre); got != f.fill {
			t.Errorf("face centre %v at %v: got %v, want the face colour %v", f.box, centre, got, f.fill)
		}
		// The box line lies just inside the box edge; rounding to screen
		// pixels may move it by a pixel, a letterboxing error by many.
		left := lb.ToArea(facedata.Point{X: f.box.X, Y: f.box.Y + f.box.H/2})
		bottom := lb.ToArea(facedata.Point{X: f.box.X + f.box.W/2, Y: f.box.Y + f.box.H})
		for name, p := range map[string]fyne.Position{"left": left, "bottom": bottom} {
			if !colorNear(img, p, 2, boxColor) {
				t.Errorf("%s edge of box %v: no box colour within 2 px of %v", name, f.box, p)
			}
		}
	}
	size := v.Size()
	if lb.Pos.X >= 2 {
		if got := at(fyne.NewPos(1, size.Height/2)); got != color.RGBAModel.Convert(letterboxColor) {
			t.Errorf("left band: got %v, want the letterbox colour", got)
		}
	}
	if lb.Pos.Y >= 2 {
		if got := at(fyne.NewPos(size.Width/2, 1)); got != color.RGBAModel.Convert(letterboxColor) {
			t.Errorf("top band: got %v, want the letterbox colour", got)
		}
	}
}

// colorNear reports whether want is within r pixels of p.
func colorNear(img image.Image, p fyne.Position, r int, want color.RGBA) bool {
	x0, y0 := int(p.X), int(p.Y)
	for y := y0 - r; y <= y0+r; y++ {
		for x := x0 - r; x <= x0+r; x++ {
			if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == want {
				return true
			}
		}
	}
	return false
}

func TestFaceViewTapFindsFace(t *testing.T) {
	for _, size := range viewSizes {
		t.Run(fmt.Sprintf("%vx%v", size.Width, size.Height), func(t *testing.T) {
			v, _ := showFaceView(t, size)
			lb := v.Letterbox()
			var tapped []int
			v.OnFaceTapped = func(id int) { tapped = append(tapped, id) }
			test.TapAt(v, lb.ToArea(boxA.Center()))
			test.TapAt(v, lb.ToArea(facedata.Point{X: boxB.X + 2, Y: boxB.Y + boxB.H - 2}))
			test.TapAt(v, lb.ToArea(facedata.Point{X: 200, Y: 250})) // no face there
			if len(tapped) != 2 || tapped[0] != 7 || tapped[1] != 9 {
				t.Fatalf("tapped %v, want [7 9]", tapped)
			}
			if lb.Pos.X > 2 {
				if _, ok := v.FaceAt(fyne.NewPos(1, v.Size().Height/2)); ok {
					t.Fatal("a tap in the band beside the image found a face")
				}
			}
		})
	}
}

func TestFaceViewLandmarksAndSelection(t *testing.T) {
	v, w := showFaceView(t, fyne.NewSize(400, 300))
	s := testScene()
	for i := 0; i < 10; i++ {
		s.Faces[0].Landmarks = append(s.Faces[0].Landmarks, facedata.Point{X: 80 + float64(6*i), Y: 130})
	}
	v.SetScene(s)
	v.SetShowLandmarks(true)
	v.Select(7)
	img := w.Canvas().Capture()
	uitest.AssertGolden(t, "faceview/landmarks_selected.png", img)
	got := color.RGBAModel.Convert(img.At(80, 130)).(color.RGBA)
	if got != landmarkColor {
		t.Fatalf("landmark at (80,130): got %v, want %v", got, landmarkColor)
	}
	if id, ok := v.Selected(); !ok || id != 7 {
		t.Fatalf("Selected() = %d, %v", id, ok)
	}
}

func TestLetterboxRoundTrip(t *testing.T) {
	lb := NewLetterbox(1280, 720, fyne.NewSize(640, 480))
	if lb.Scale != 0.5 || lb.Pos != fyne.NewPos(0, 60) || lb.Size != fyne.NewSize(640, 360) {
		t.Fatalf("letterbox %+v", lb)
	}
	p := lb.ToArea(facedata.Point{X: 100, Y: 200})
	if p != fyne.NewPos(50, 160) {
		t.Fatalf("ToArea = %v", p)
	}
	back, ok := lb.ToImage(p)
	if !ok || back != (facedata.Point{X: 100, Y: 200}) {
		t.Fatalf("ToImage = %v, %v", back, ok)
	}
	if _, ok := lb.ToImage(fyne.NewPos(10, 10)); ok {
		t.Fatal("a point in the top band mapped into the image")
	}
	if z := NewLetterbox(0, 10, fyne.NewSize(10, 10)); z.Scale != 0 {
		t.Fatalf("empty image letterbox %+v", z)
	}
}

// TestFaceViewZoomKeepsBoxesOnFaces: zoomed in on face A by the wheel and
// panned by a drag, the picture and the boxes still agree, taps still find
// the face, and zooming out shows the whole picture again.
func TestFaceViewZoomKeepsBoxesOnFaces(t *testing.T) {
	v, w := showFaceView(t, fyne.NewSize(400, 300))
	at := v.Letterbox().ToArea(boxA.Center())
	v.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: at}, Scrolled: fyne.Delta{DY: 1}})
	v.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: at}, Scrolled: fyne.Delta{DY: 1}})
	if z := v.Zoom(); z < 1.5 || z > 1.6 {
		t.Fatalf("zoom %.2f after two wheel notches, want %.2f", z, ZoomStep*ZoomStep)
	}
	// The point under the pointer stays put.
	if got := v.Letterbox().ToArea(boxA.Center()); abs32(got.X-at.X) > 1 || abs32(got.Y-at.Y) > 1 {
		t.Fatalf("face centre moved from %v to %v while zooming about it", at, got)
	}
	v.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 20, DY: 10}})
	img := w.Canvas().Capture()
	uitest.AssertGolden(t, "faceview/zoomed.png", img)
	lb := v.Letterbox()
	centre := lb.ToArea(boxA.Center())
	if got := color.RGBAModel.Convert(img.At(int(centre.X), int(centre.Y))).(color.RGBA); got != faceA {
		t.Errorf("zoomed face centre at %v: %v, want the face colour", centre, got)
	}
	left := lb.ToArea(facedata.Point{X: boxA.X, Y: boxA.Y + boxA.H/2})
	if !colorNear(img, left, 2, boxColor) {
		t.Errorf("zoomed box edge not near %v", left)
	}
	var tapped []int
	v.OnFaceTapped = func(id int) { tapped = append(tapped, id) }
	test.TapAt(v, centre)
	if len(tapped) != 1 || tapped[0] != 7 {
		t.Fatalf("tap on the zoomed face found %v", tapped)
	}
	v.ResetZoom()
	if v.Letterbox() != NewLetterbox(testFrameW, testFrameH, v.Size()) {
		t.Fatal("ResetZoom did not show the whole picture")
	}
}

func abs32(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

// TestFaceViewHoverShowsDetail: the pointer resting on a face with a
// Detail shows it; elsewhere nothing.
func TestFaceViewHoverShowsDetail(t *testing.T) {
	v, w := showFaceView(t, fyne.NewSize(400, 300))
	s := testScene()
	s.Faces[0].Detail = "Confirmed: Subject A (search 4)\nDet. Reviewer: confirm (2024-05-02 09:30) — “scar”"
	v.SetScene(s)
	v.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: v.Letterbox().ToArea(boxA.Center())}})
	if d, ok := v.Hovered(); !ok || d != s.Faces[0].Detail {
		t.Fatalf("hover on face A: %q, %v", d, ok)
	}
	uitest.AssertGolden(t, "faceview/hover.png", w.Canvas().Capture())
	v.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: v.Letterbox().ToArea(boxB.Center())}})
	if _, ok := v.Hovered(); ok {
		t.Fatal("face B has no detail, yet a card shows")
	}
}
