package recognition

import (
	"context"
	"errors"
	"image"
	"math"
	"sync"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/testenv"
)

var (
	hogTestOnce sync.Once
	hogTestDet  *HOGDetector
	hogTestErr  error
)

// hogTestDetector is one HOG detector, upsampled once, per test binary.
func hogTestDetector(t testing.TB) *HOGDetector {
	t.Helper()
	hogTestOnce.Do(func() { hogTestDet, hogTestErr = NewHOGDetector(HOGOptions{Upsample: 1}) })
	if hogTestErr != nil {
		t.Fatal(hogTestErr)
	}
	return hogTestDet
}

// hogTestRead loads a shared test photo as BGR.
func hogTestRead(t testing.TB, rel string) gocv.Mat {
	t.Helper()
	m := gocv.IMRead(testenv.SharedData(t, rel), gocv.IMReadColor)
	if m.Empty() {
		t.Fatalf("cannot decode %s", rel)
	}
	return m
}

// TestHOGFindsTheFaces runs the detector (upsampled once, as the
// face_recognition examples do) over face_recognition's test photos, whose
// people are known from their names.
func TestHOGFindsTheFaces(t *testing.T) {
	d := hogTestDetector(t)
	if d.Name() != "hog" {
		t.Errorf("Name = %q", d.Name())
	}
	for rel, want := range map[string]int{
		"face_recognition/obama.jpg":                             1,
		"face_recognition/knn_examples/test/alex_lacamoire1.jpg": 1,
		"face_recognition/knn_examples/test/johnsnow_test1.jpg":  1,
		"face_recognition/knn_examples/test/kit_with_rose.jpg":   2,
		"face_recognition/knn_examples/test/obama1.jpg":          1,
		"face_recognition/knn_examples/test/obama_and_biden.jpg": 3, // and a girl, lower right
		"faceapi/golden-images/white.png":                        0,
	} {
		img := hogTestRead(t, rel)
		dets, err := d.Detect(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		if len(dets) != want {
			t.Errorf("%s: %d faces, want %d: %v", rel, len(dets), want, dets)
		}
		frame := facedata.Rect{X: 0, Y: 0, W: float64(img.Cols()), H: float64(img.Rows())}
		for _, det := range dets {
			if det.Score <= 0.5 || det.Score > 1 {
				t.Errorf("%s: score %v outside (0.5, 1] at dlib's default threshold", rel, det.Score)
			}
			if det.Box.W < 40 || det.Box.Intersect(frame).Area() < 0.8*det.Box.Area() {
				t.Errorf("%s: implausible box %v in %v", rel, det.Box, frame)
			}
		}
		img.Close()
	}
}

func TestHOGScoreMapping(t *testing.T) {
	if s := hogScore(0); s != 0.5 {
		t.Errorf("dlib's threshold maps to %v, want 0.5", s)
	}
	prev := float32(0)
	for c := -3.0; c <= 3; c += 0.5 {
		s := hogScore(c)
		if s <= prev || s >= 1 {
			t.Errorf("score(%v) = %v: not increasing within (0, 1)", c, s)
		}
		prev = s
	}
}

func TestHOGOptionsAndContext(t *testing.T) {
	for _, o := range []HOGOptions{{Upsample: -1}, {Upsample: 5}, {AdjustThreshold: math.NaN()}} {
		if d, err := NewHOGDetector(o); err == nil {
			d.Close()
			t.Errorf("%+v: no error", o)
		}
	}
	d := hogTestDetector(t)
	img := hogTestRead(t, "face_recognition/obama_small.jpg")
	defer img.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Detect(ctx, img); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	float := gocv.NewMatWithSize(50, 50, gocv.MatTypeCV32FC1)
	defer float.Close()
	if _, err := d.Detect(context.Background(), float); !errors.Is(err, ErrBadFrame) {
		t.Errorf("float frame: %v, want ErrBadFrame", err)
	}
	// Below dlib's threshold there are more, less certain detections.
	loose, err := NewHOGDetector(HOGOptions{AdjustThreshold: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer loose.Close()
	strict, err := NewHOGDetector(HOGOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer strict.Close()
	busy := hogTestRead(t, "faceapi/people/bbt1.jpg")
	defer busy.Close()
	a, errA := strict.Detect(context.Background(), busy)
	b, errB := loose.Detect(context.Background(), busy)
	if errA != nil || errB != nil || len(b) <= len(a) {
		t.Errorf("threshold -1 gave %d detections, 0 gave %d (%v, %v)", len(b), len(a), errA, errB)
	}
}

// TestHOGTiledPassFindsSmallFaces scans a frame too large for one upsampled
// dlib call (the limit is lowered for the test) and needs the tiled pass to
// find a small face, while the large face comes from the whole-frame pass.
func TestHOGTiledPassFindsSmallFaces(t *testing.T) {
	src := hogTestRead(t, "face_recognition/obama_small.jpg") // face about 110 px
	defer src.Close()
	frame := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(128, 128, 128, 0), 700, 900, gocv.MatTypeCV8UC3)
	defer frame.Close()
	paste := func(scale float64, at image.Point) {
		s := gocv.NewMat()
		defer s.Close()
		gocv.Resize(src, &s, image.Point{}, scale, scale, gocv.InterpolationArea)
		dst := frame.Region(image.Rectangle{Min: at, Max: at.Add(image.Pt(s.Cols(), s.Rows()))})
		defer dst.Close()
		s.CopyTo(&dst)
	}
	paste(1, image.Pt(20, 30))     // large face, upper left
	paste(0.5, image.Pt(560, 400)) // face of about 55 px: needs upsampling, lower right

	whole, err := NewHOGDetector(HOGOptions{Upsample: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	want, err := whole.Detect(context.Background(), frame)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 2 {
		t.Fatalf("one dlib call found %d faces, want 2: %v", len(want), want)
	}
	tiled, err := NewHOGDetector(HOGOptions{Upsample: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer tiled.Close()
	tiled.wholeFramePixels = 600 * 600 // 900x700 upsampled is 2.5 MP: tiles of 300 px
	if n := len(hogTiles(900, 700, 1, tiled.wholeFramePixels)); n < 4 {
		t.Fatalf("%d tiles", n)
	}
	got, err := tiled.Detect(context.Background(), frame)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("tiled scan found %d faces, one call %d: %v, %v", len(got), len(want), got, want)
	}
	for _, w := range want {
		best := 0.0
		for _, g := range got {
			best = math.Max(best, w.Box.IoU(g.Box))
		}
		// dlib's HOG cells (8 px) and pyramid levels fall differently in a
		// tile than in the whole frame, so boxes move by a few pixels.
		if best < 0.6 {
			t.Errorf("face %v: best tiled box overlaps by %.2f", w.Box, best)
		}
	}
}

func TestHOGTilesCoverTheFrame(t *testing.T) {
	for _, c := range []struct{ w, h, up int }{{5000, 3000, 1}, {1000, 800, 2}, {300, 300, 3}} {
		tiles := hogTiles(c.w, c.h, c.up, hogWholeFramePixels)
		frame := image.Rect(0, 0, c.w, c.h)
		for _, p := range []image.Point{{0, 0}, {c.w - 1, c.h - 1}, {c.w / 2, c.h / 3}, {c.w - 1, 0}} {
			in := false
			for _, tl := range tiles {
				in = in || p.In(tl)
			}
			if !in {
				t.Errorf("%+v: point %v in no tile", c, p)
			}
		}
		for _, tl := range tiles {
			if !tl.In(frame) || int64(tl.Dx()*tl.Dy())<<(2*c.up) > hogWholeFramePixels {
				t.Errorf("%+v: tile %v", c, tl)
			}
		}
	}
}
