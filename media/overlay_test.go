package media

import (
	"image"
	"image/color"
	"testing"

	"facecase/facedata"
	"facecase/tracking"

	"gocv.io/x/gocv"
)

var (
	grey  = color.RGBA{128, 128, 128, 255}
	red   = color.RGBA{230, 30, 30, 255}
	green = color.RGBA{30, 220, 60, 255}
	black = color.RGBA{0, 0, 0, 255}
)

func greyImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = 128, 128, 128, 255
	}
	return img
}

func TestDrawOverlayBox(t *testing.T) {
	img := greyImage(200, 150)
	ov := Overlay{Boxes: []OverlayBox{{Box: facedata.Rect{X: 50, Y: 40, W: 60, H: 50}, Color: red}}}
	DrawOverlay(img, ov, OverlayStyle{LineWidth: 3})
	checks := []struct {
		x, y int
		want color.RGBA
	}{
		// The 3-pixel band just inside the box.
		{50, 40, red}, {52, 60, red}, {109, 89, red}, {80, 42, red},
		// A one-pixel dark edge on both sides of the band.
		{49, 60, black}, {53, 60, black}, {80, 39, black}, {80, 43, black}, {110, 60, black}, {80, 90, black},
		// Inside and outside: untouched.
		{54, 60, grey}, {80, 65, grey}, {48, 60, grey}, {80, 38, grey}, {111, 60, grey},
	}
	for _, c := range checks {
		if got := img.RGBAAt(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

func TestDrawOverlayPathDots(t *testing.T) {
	img := greyImage(200, 100)
	pts := []facedata.Point{{X: 20, Y: 50}, {X: 21, Y: 50}, {X: 60, Y: 50}, {X: 100, Y: 50}}
	DrawOverlay(img, Overlay{Paths: []OverlayPath{{Points: pts, Color: green}}}, OverlayStyle{DotRadius: 4})
	for _, x := range []int{20, 60, 100} {
		if got := img.RGBAAt(x, 50); got != green {
			t.Errorf("dot centre (%d,50) = %v, want %v", x, got, green)
		}
		if got := img.RGBAAt(x+4, 50); got != green {
			t.Errorf("dot edge (%d,50) = %v, want %v", x+4, got, green)
		}
		if got := img.RGBAAt(x+5, 50); got != black {
			t.Errorf("dot outline (%d,50) = %v, want black", x+5, got)
		}
		if got := img.RGBAAt(x+7, 50); got != grey {
			t.Errorf("beyond the dot (%d,50) = %v, want grey", x+7, got)
		}
	}
	// Between dots the image is untouched: a path of dots, not a line.
	if got := img.RGBAAt(40, 50); got != grey {
		t.Errorf("between dots = %v", got)
	}
	// The point one pixel from the first is not drawn: dots stay apart
	// (its right edge would otherwise reach x=25).
	if got := img.RGBAAt(25, 50); got != black {
		t.Errorf("(25,50) = %v, want the first dot's outline", got)
	}
	if got := img.RGBAAt(26, 50); got != grey {
		t.Errorf("(26,50) = %v, want grey: a second dot was drawn on the first", got)
	}
}

func TestDrawOverlayScaleOffsetAndClip(t *testing.T) {
	// A 1280x720 frame shown at half size, letterboxed 20 px down.
	img := greyImage(640, 400)
	ov := Overlay{
		Boxes: []OverlayBox{
			{Box: facedata.Rect{X: 200, Y: 100, W: 100, H: 100}, Color: red},
			{Box: facedata.Rect{X: 1200, Y: 650, W: 200, H: 200}, Color: green}, // partly outside
		},
		Paths: []OverlayPath{{Points: []facedata.Point{{X: -50, Y: -50}, {X: 640, Y: 360}}, Color: green}},
	}
	DrawOverlay(img, ov, OverlayStyle{Scale: 0.5, Offset: image.Pt(0, 20), LineWidth: 2, DotRadius: 3})
	if got := img.RGBAAt(100, 70); got != red {
		t.Errorf("scaled box corner = %v", got)
	}
	if got := img.RGBAAt(125, 95); got != grey {
		t.Errorf("scaled box inside = %v", got)
	}
	if got := img.RGBAAt(320, 200); got != green {
		t.Errorf("scaled dot = %v", got)
	}
	if got := img.RGBAAt(600, 345); got != green {
		t.Errorf("clipped box corner = %v", got)
	}
}

func TestDrawOverlayLabel(t *testing.T) {
	img := greyImage(200, 150)
	ov := Overlay{Boxes: []OverlayBox{{Box: facedata.Rect{X: 50, Y: 60, W: 60, H: 50}, Color: red, Label: "#12"}}}
	DrawOverlay(img, ov, OverlayStyle{LineWidth: 2})
	// A tab of the box colour above the box holds black text.
	redPx, blackPx := 0, 0
	for y := 38; y < 59; y++ {
		for x := 49; x < 80; x++ {
			switch img.RGBAAt(x, y) {
			case red:
				redPx++
			case black:
				blackPx++
			}
		}
	}
	if redPx < 200 || blackPx < 15 {
		t.Fatalf("label tab: %d red, %d black pixels", redPx, blackPx)
	}
	// A box at the top edge gets its label inside.
	img = greyImage(200, 150)
	ov.Boxes[0].Box.Y = 2
	DrawOverlay(img, ov, OverlayStyle{LineWidth: 2})
	if got := img.RGBAAt(52, 10); got != red && got != black {
		t.Fatalf("label of a box at the top: pixel %v", got)
	}
}

func TestDrawOverlayMatMatchesRGBA(t *testing.T) {
	ov := Overlay{
		Boxes: []OverlayBox{{Box: facedata.Rect{X: 30, Y: 30, W: 80, H: 60}, Color: red, Label: "#3"}},
		Paths: []OverlayPath{{Points: []facedata.Point{{X: 10, Y: 100}, {X: 50, Y: 110}, {X: 90, Y: 120}}, Color: green}},
	}
	rgba := greyImage(160, 140)
	DrawOverlay(rgba, ov, OverlayStyle{})
	mat := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(128, 128, 128, 0), 140, 160, gocv.MatTypeCV8UC3)
	defer mat.Close()
	if err := DrawOverlayMat(mat, ov, OverlayStyle{}); err != nil {
		t.Fatal(err)
	}
	diff := 0
	for y := 0; y < 140; y++ {
		for x := 0; x < 160; x++ {
			v := mat.GetVecbAt(y, x)
			c := rgba.RGBAAt(x, y)
			if v[0] != c.B || v[1] != c.G || v[2] != c.R {
				diff++
			}
		}
	}
	if diff != 0 {
		t.Fatalf("%d pixels differ between the Mat and RGBA drawings", diff)
	}
	grey8 := gocv.NewMatWithSize(10, 10, gocv.MatTypeCV8UC1)
	defer grey8.Close()
	if err := DrawOverlayMat(grey8, ov, OverlayStyle{}); err == nil {
		t.Fatal("drew on a grey Mat")
	}
}

func TestTrackOverlay(t *testing.T) {
	tr := tracking.New(tracking.DefaultConfig())
	for i := 0; i < 10; i++ {
		f := facedata.Face{Box: facedata.Rect{X: 100 + 10*float64(i), Y: 50, W: 40, H: 40}}
		tr.Update(tracking.Stamp{Index: i}, []facedata.Face{f})
	}
	tracks := tr.Active()
	ov := TrackOverlay(tracks, 9, TrackOverlayOptions{})
	if len(ov.Boxes) != 1 || len(ov.Paths) != 1 || len(ov.Paths[0].Points) != 10 {
		t.Fatalf("overlay %+v", ov)
	}
	if ov.Boxes[0].Label != "#1" || ov.Boxes[0].Color != tracking.Color(1) || ov.Paths[0].Color != tracking.Color(1) {
		t.Fatalf("box %+v", ov.Boxes[0])
	}
	// Seeking back to frame 4 of the finished track: the path up to there
	// and the box recorded at frame 4.
	done := tr.Finish()
	ov = TrackOverlay(done, 4, TrackOverlayOptions{Trail: 3})
	if len(ov.Paths[0].Points) != 3 || ov.Boxes[0].Box.X != 140 {
		t.Fatalf("at frame 4: %d points, box %+v", len(ov.Paths[0].Points), ov.Boxes[0].Box)
	}
	// After the track ended, or before it began, nothing is drawn for its box.
	if ov := TrackOverlay(done, 20, TrackOverlayOptions{}); len(ov.Boxes) != 0 || len(ov.Paths) != 1 {
		t.Fatalf("after the end: %+v", ov)
	}
	if ov := TrackOverlay(done, -1, TrackOverlayOptions{}); len(ov.Boxes)+len(ov.Paths) != 0 {
		t.Fatalf("before the start: %+v", ov)
	}
}

func BenchmarkDrawOverlay720p(b *testing.B) {
	// Ten people on screen with 250-frame paths: the viewer's worst case.
	img := greyImage(1280, 720)
	var ov Overlay
	for p := 0; p < 10; p++ {
		var pts []facedata.Point
		for i := 0; i < 250; i++ {
			pts = append(pts, facedata.Point{X: float64(50 + 4*i), Y: float64(60 + 60*p)})
		}
		ov.Paths = append(ov.Paths, OverlayPath{Points: pts, Color: tracking.Color(p + 1)})
		ov.Boxes = append(ov.Boxes, OverlayBox{Box: facedata.Rect{X: 1000, Y: float64(40 + 60*p), W: 50, H: 50}, Color: tracking.Color(p + 1), Label: "#1"})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		DrawOverlay(img, ov, OverlayStyle{})
	}
}

// TestTrackOverlayTail: with a tail, a finished track's path is drawn only
// while the track lives and a few frames after, fading, and never past a
// scene cut; without one (exports) it stays.
func TestTrackOverlayTail(t *testing.T) {
	tr := tracking.New(tracking.DefaultConfig())
	for i := 0; i < 10; i++ {
		f := facedata.Face{Box: facedata.Rect{X: 100 + 10*float64(i), Y: 50, W: 40, H: 40}}
		tr.Update(tracking.Stamp{Index: i}, []facedata.Face{f})
	}
	done := tr.Finish()
	opts := TrackOverlayOptions{Tail: 4}
	if ov := TrackOverlay(done, 9, opts); len(ov.Paths) != 1 || ov.Paths[0].Fade != 0 {
		t.Fatalf("alive at its last frame: %+v", ov.Paths)
	}
	prev := 0.0
	for f := 10; f <= 13; f++ {
		ov := TrackOverlay(done, f, opts)
		if len(ov.Paths) != 1 || ov.Paths[0].Fade <= prev || ov.Paths[0].Fade >= 1 || len(ov.Boxes) != 0 {
			t.Fatalf("frame %d of the tail: %+v", f, ov)
		}
		prev = ov.Paths[0].Fade
	}
	if ov := TrackOverlay(done, 14, opts); len(ov.Paths) != 0 {
		t.Fatalf("after the tail: %+v", ov.Paths)
	}
	opts.Cuts = []int{3, 12}
	if ov := TrackOverlay(done, 11, opts); len(ov.Paths) != 1 {
		t.Fatalf("before the cut: %+v", ov.Paths)
	}
	if ov := TrackOverlay(done, 12, opts); len(ov.Paths) != 0 {
		t.Fatalf("the tail crossed the cut at frame 12: %+v", ov.Paths)
	}
	if ov := TrackOverlay(done, 30, TrackOverlayOptions{}); len(ov.Paths) != 1 {
		t.Fatalf("without a tail the path stays: %+v", ov.Paths)
	}
}

// TestDrawOverlayFadedPath: a faded dot blends with the picture, an
// invisible one leaves it alone.
func TestDrawOverlayFadedPath(t *testing.T) {
	pts := []facedata.Point{{X: 50, Y: 50}}
	img := greyImage(100, 100)
	DrawOverlay(img, Overlay{Paths: []OverlayPath{{Points: pts, Color: red, Fade: 0.5}}}, OverlayStyle{DotRadius: 4})
	got := img.RGBAAt(50, 50)
	if got == red || got == grey || got.R <= grey.R || got.R >= red.R {
		t.Fatalf("half-faded red dot on grey = %v, want between grey and red", got)
	}
	img = greyImage(100, 100)
	DrawOverlay(img, Overlay{Paths: []OverlayPath{{Points: pts, Color: red, Fade: 1}}}, OverlayStyle{DotRadius: 4})
	if got := img.RGBAAt(50, 50); got != grey {
		t.Fatalf("a fully faded dot was drawn: %v", got)
	}
	// On a transparent overlay (the viewer's) the faded dot is translucent.
	clear := image.NewRGBA(image.Rect(0, 0, 100, 100))
	DrawOverlay(clear, Overlay{Paths: []OverlayPath{{Points: pts, Color: red, Fade: 0.5}}}, OverlayStyle{DotRadius: 4})
	if a := clear.RGBAAt(50, 50).A; a < 100 || a > 160 {
		t.Fatalf("alpha of a half-faded dot on a transparent overlay = %d", a)
	}
}
