package dlib

import (
	"errors"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"facecase/internal/testenv"
)

func TestLoadShapePredictorErrors(t *testing.T) {
	model := testenv.Model(t, "shape-predictor-68")
	dir := t.TempDir()
	if _, err := LoadShapePredictor(filepath.Join(dir, "missing.dat")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	// A cut-off copy of the real model (the first 4 MB; never kept).
	src, err := os.Open(model)
	if err != nil {
		t.Fatal(err)
	}
	head, err := io.ReadAll(io.LimitReader(src, 4<<20))
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"empty.dat":     nil,
		"text.dat":      []byte("this is not a dlib model\n"),
		"zeros.dat":     make([]byte, 1<<16),
		"truncated.dat": head,
		"onebyte.dat":   head[:1],
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		sp, err := LoadShapePredictor(p)
		t.Logf("%s: %v", name, err)
		if !errors.Is(err, ErrBadModel) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v, want ErrBadModel naming the file", name, err)
		}
		if sp != nil {
			sp.Close()
		}
	}
	if _, err := LoadShapePredictor(dir); !errors.Is(err, ErrBadModel) {
		t.Errorf("directory: %v, want ErrBadModel", err)
	}
}

// TestLoadShapePredictorRejectsTrailingData loads a copy of the real model
// with bytes appended (never kept): dlib would read the model and ignore
// the rest, so the shim checks that nothing follows it.
func TestLoadShapePredictorRejectsTrailingData(t *testing.T) {
	model, err := os.ReadFile(testenv.Model(t, "shape-predictor-68"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "longer.dat")
	if err := os.WriteFile(p, append(model, "extra"...), 0o600); err != nil {
		t.Fatal(err)
	}
	sp, err := LoadShapePredictor(p)
	if !errors.Is(err, ErrBadModel) || !strings.Contains(err.Error(), "after the model") {
		t.Errorf("model with trailing bytes: %v, want ErrBadModel", err)
	}
	if sp != nil {
		sp.Close()
	}
}

func TestLandmarksArePlausible(t *testing.T) {
	im := loadBGR(t, testenv.SharedData(t, "face_recognition/obama.jpg"))
	sp := sharedPredictor(t)
	d, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	box := onlyFace(t, d, im, 0).Rect
	lm, err := sp.Landmarks(im, box)
	if err != nil {
		t.Fatal(err)
	}
	grown := box.Inset(-box.Dx() / 5)
	for i, p := range lm {
		if !image.Pt(int(p.X), int(p.Y)).In(grown) {
			t.Errorf("landmark %d at %v is far outside the face box %v", i, p, box)
		}
		if p.X != float64(int(p.X)) || p.Y != float64(int(p.Y)) {
			t.Errorf("landmark %d at %v is not on a whole pixel as dlib stores it", i, p)
		}
	}
	left, right := centre(lm[36:42]), centre(lm[42:48])
	nose, mouth, chin := lm[30], centre(lm[48:68]), lm[8]
	if !(left.X < nose.X && nose.X < right.X) {
		t.Errorf("nose tip %v is not between the eyes %v %v", nose, left, right)
	}
	if !(left.Y < nose.Y && nose.Y < mouth.Y && mouth.Y < chin.Y) {
		t.Errorf("eyes %v, nose %v, mouth %v, chin %v are not top to bottom", left, nose, mouth, chin)
	}
	if iod := right.X - left.X; iod < float64(box.Dx())/4 || iod > float64(box.Dx())*3/4 {
		t.Errorf("eyes %.0f px apart in a %d px box", iod, box.Dx())
	}
}

// centre is the mean of points.
func centre(ps []Point) Point {
	var c Point
	for _, p := range ps {
		c.X += p.X / float64(len(ps))
		c.Y += p.Y / float64(len(ps))
	}
	return c
}

func TestLandmarksSameForEveryLayout(t *testing.T) {
	im := loadBGR(t, testenv.SharedData(t, "face_recognition/obama.jpg"))
	sp := sharedPredictor(t)
	d, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	box := onlyFace(t, d, im, 0).Rect
	want, err := sp.Landmarks(im, box)
	if err != nil {
		t.Fatal(err)
	}
	// dlib's predictor reads intensities; a grey image of dlib's own
	// intensity (r+g+b)/3 must give exactly the same shape.
	for name, view := range map[string]Image{"padded": padded(im, 7), "gray": grayOf(im), "padded gray": padded(grayOf(im), 3)} {
		got, err := sp.Landmarks(view, box)
		if err != nil || got != want {
			t.Errorf("%s: %v, %v; want %v", name, got, err, want)
		}
	}
}

func TestLandmarksConcurrentCallsAgree(t *testing.T) {
	im := loadBGR(t, testenv.SharedData(t, "face_recognition/knn_examples/test/obama_and_biden.jpg"))
	sp := sharedPredictor(t)
	d, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	dets, err := d.Detect(im, 0, 0)
	if err != nil || len(dets) < 2 {
		t.Fatalf("want 2 faces: %v, %v", dets, err)
	}
	want := make([][LandmarkCount]Point, len(dets))
	for i, det := range dets {
		if want[i], err = sp.Landmarks(im, det.Rect); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 20; n++ {
				i := (g + n) % len(dets)
				got, err := sp.Landmarks(im, dets[i].Rect)
				if err != nil || got != want[i] {
					mu.Lock()
					t.Errorf("goroutine %d face %d: %v, %v", g, i, got, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestLandmarksArgumentsAndClose(t *testing.T) {
	sp, err := LoadShapePredictor(testenv.Model(t, "shape-predictor-68"))
	if err != nil {
		t.Fatal(err)
	}
	im := Image{Pix: make([]byte, 100*100), Width: 100, Height: 100, Stride: 100, Format: Gray}
	for name, box := range map[string]image.Rectangle{
		"empty":   image.Rect(10, 10, 10, 50),
		"outside": image.Rect(200, 200, 300, 300),
	} {
		if _, err := sp.Landmarks(im, box); !errors.Is(err, ErrBadArgument) {
			t.Errorf("%s box: %v, want ErrBadArgument", name, err)
		}
	}
	// A box reaching past the border is fine: dlib reads zeros there.
	if _, err := sp.Landmarks(im, image.Rect(-20, -20, 60, 60)); err != nil {
		t.Errorf("box past the border: %v", err)
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sp.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := sp.Landmarks(im, image.Rect(10, 10, 60, 60)); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}
