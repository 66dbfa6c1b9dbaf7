package dlib

import (
	"errors"
	"image"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"facecase/internal/dlib/dlibref"
	"facecase/internal/testenv"
	"facecase/models/convert"
)

// flatModel converts the installed dlib model to the flat form (about two
// seconds) in a temporary folder and returns the file's path.
func flatModel(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(testenv.Model(t, "shape-predictor-68"))
	if err != nil {
		t.Fatal(err)
	}
	if b, err = convert.DlibShapePredictor(b); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "shape_predictor_68.fcshape")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFlatShapePredictorPlacesDlibsLandmarks holds the flat evaluation, of
// the flat file and of dlib's own file, to dlib's shape_predictor: on every
// face the HOG detector finds in the test photos, and on the same boxes
// moved and resized at random (boxes of other detectors, boxes partly off
// the picture), every landmark must be the same pixel.
func TestFlatShapePredictorPlacesDlibsLandmarks(t *testing.T) {
	dat := testenv.Model(t, "shape-predictor-68")
	ref, err := dlibref.Load(dat)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	flat, err := LoadShapePredictor(flatModel(t))
	if err != nil {
		t.Fatal(err)
	}
	defer flat.Close()
	fromDat := sharedPredictor(t)
	hog, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer hog.Close()
	rng := rand.New(rand.NewSource(1))
	photos := []string{"obama.jpg", "biden.jpg", "two_people.jpg", "knn_examples/test/obama_and_biden.jpg", "knn_examples/test/kit_with_rose.jpg"}
	faces := 0
	for _, photo := range photos {
		im := loadBGR(t, testenv.SharedData(t, filepath.Join("face_recognition", photo)))
		dets, err := hog.Detect(im, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dets {
			boxes := []image.Rectangle{d.Rect}
			w := d.Rect.Dx()
			for k := 0; k < 6; k++ {
				dx, dy := rng.Intn(w/2+1)-w/4, rng.Intn(w/2+1)-w/4
				grow := rng.Intn(w/2+1) - w/4
				boxes = append(boxes, image.Rect(d.Rect.Min.X+dx-grow, d.Rect.Min.Y+dy-grow, d.Rect.Max.X+dx+grow, d.Rect.Max.Y+dy+grow))
			}
			// Reaching past the picture's corner.
			boxes = append(boxes, image.Rect(-w/2, -w/2, w, w))
			for _, box := range boxes {
				want, err := ref.Landmarks(im.Pix, im.Width, im.Height, im.Stride, box, LandmarkCount)
				if err != nil {
					t.Fatal(err)
				}
				for form, sp := range map[string]*ShapePredictor{"flat file": flat, "dlib file": fromDat} {
					got, err := sp.Landmarks(im, box)
					if err != nil {
						t.Fatalf("%s: %v", form, err)
					}
					for i := range want {
						if g := image.Pt(int(got[i].X), int(got[i].Y)); g != want[i] {
							t.Fatalf("%s, box %v, %s: landmark %d at %v, dlib places it at %v", photo, box, form, i, g, want[i])
						}
					}
				}
				faces++
			}
		}
	}
	if faces < 40 {
		t.Fatalf("only %d boxes compared", faces)
	}
	t.Logf("%d boxes, every landmark the same", faces)
}

// TestLoadFlatShapePredictorErrors refuses a cut-off flat file and one whose
// splits name a feature that does not exist (it would read out of bounds).
func TestLoadFlatShapePredictorErrors(t *testing.T) {
	b, err := os.ReadFile(flatModel(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.fcshape")
	if err := os.WriteFile(cut, b[:len(b)-4], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadShapePredictor(cut); !errors.Is(err, ErrBadModel) {
		t.Errorf("cut-off file: %v, want ErrBadModel", err)
	}
	var h convert.ShapeHeader
	h.Parts, h.Cascades, h.Trees, h.Splits, h.Leaves, h.Features = 68, 15, 500, 15, 16, 500
	_, _, _, splits, _, size := h.Layout()
	if size != int64(len(b)) {
		t.Fatalf("the installed model is not 68 parts, 15 cascades of 500 trees of depth 4 with 500 features (%d bytes, layout says %d)", len(b), size)
	}
	bad := append([]byte(nil), b...)
	bad[splits], bad[splits+1] = 0xff, 0xff // feature 65535 of 500
	p := filepath.Join(dir, "bad.fcshape")
	if err := os.WriteFile(p, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadShapePredictor(p); !errors.Is(err, ErrBadModel) {
		t.Errorf("split out of range: %v, want ErrBadModel", err)
	}
}
