package recognition_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/recognition"
)

var (
	alignOnce    sync.Once
	alignShared  *recognition.Aligner
	alignLoadErr error
	hogOnce      sync.Once
	hogShared    *recognition.HOGDetector
	hogLoadErr   error
)

// alignTestAligner loads the installed shape predictor once per test binary.
func alignTestAligner(t testing.TB) *recognition.Aligner {
	t.Helper()
	path := testenv.Model(t, "shape-predictor-68")
	alignOnce.Do(func() { alignShared, alignLoadErr = recognition.NewAligner(path) })
	if alignLoadErr != nil {
		t.Fatal(alignLoadErr)
	}
	return alignShared
}

// alignTestHOG builds one HOG detector (upsampled once) per test binary.
func alignTestHOG(t testing.TB) *recognition.HOGDetector {
	t.Helper()
	hogOnce.Do(func() { hogShared, hogLoadErr = recognition.NewHOGDetector(recognition.HOGOptions{Upsample: 1}) })
	if hogLoadErr != nil {
		t.Fatal(hogLoadErr)
	}
	return hogShared
}

// alignRead loads a shared test photo as BGR.
func alignRead(t testing.TB, rel string) gocv.Mat {
	t.Helper()
	m := gocv.IMRead(testenv.SharedData(t, rel), gocv.IMReadColor)
	if m.Empty() {
		t.Fatalf("cannot decode %s", rel)
	}
	return m
}

// alignDetect runs the shared HOG detector.
func alignDetect(t testing.TB, img gocv.Mat) []facedata.Detection {
	t.Helper()
	dets, err := alignTestHOG(t).Detect(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	return dets
}

// alignOne aligns the face in box and returns its landmarks and chip bytes.
func alignOne(t testing.TB, a *recognition.Aligner, img gocv.Mat, box facedata.Rect) ([]facedata.Point, []byte) {
	t.Helper()
	lm, chip, err := a.Align(img, box)
	if err != nil {
		t.Fatal(err)
	}
	defer chip.Close()
	if chip.Rows() != recognition.ChipSize || chip.Cols() != recognition.ChipSize || chip.Type() != gocv.MatTypeCV8UC3 {
		t.Fatalf("chip is %dx%d type %v", chip.Cols(), chip.Rows(), chip.Type())
	}
	if len(lm) != facedata.LandmarkCount {
		t.Fatalf("%d landmarks", len(lm))
	}
	return lm, chip.ToBytes()
}

// alignEyes returns the centres of points 36-41 and 42-47.
func alignEyes(lm []facedata.Point) (facedata.Point, facedata.Point) {
	var a, b facedata.Point
	for i := 0; i < 6; i++ {
		a.X += lm[36+i].X / 6
		a.Y += lm[36+i].Y / 6
		b.X += lm[42+i].X / 6
		b.Y += lm[42+i].Y / 6
	}
	return a, b
}

// alignError is the mean distance between two 68-point shapes divided by
// the inter-ocular distance (between eye centres) of ref.
func alignError(ref, got []facedata.Point) float64 {
	l, r := alignEyes(ref)
	iod := math.Hypot(r.X-l.X, r.Y-l.Y)
	s := 0.0
	for i := range ref {
		s += math.Hypot(ref[i].X-got[i].X, ref[i].Y-got[i].Y)
	}
	return s / float64(len(ref)) / iod
}

// alignGolden reads face-api's 68 landmarks for one face or several.
func alignGolden(t *testing.T, name string, multi bool) [][]facedata.Point {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.SharedData(t, "faceapi/golden"), name))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]facedata.Point
	if multi {
		err = json.Unmarshal(b, &out)
	} else {
		var one []facedata.Point
		err = json.Unmarshal(b, &one)
		out = append(out, one)
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// TestAlignLandmarksAgreeWithFaceAPI compares dlib's landmarks, placed in
// HOG boxes, with face-api's own landmark net on the golden images. The
// two models were trained separately (and mark the jaw differently), so
// the bound is loose: mean error under 0.1 inter-ocular distances.
//
// face_rectangular.png (122x178) is left out: face-api's golden landmarks
// for it are squeezed vertically by about 122/178 (its chin lies at y 146
// of 178, on the mouth; dlib's lies on the chin), so they are not a
// reference for positions.
func TestAlignLandmarksAgreeWithFaceAPI(t *testing.T) {
	a := alignTestAligner(t)
	for _, c := range []struct{ image, golden string }{
		{"face1.png", "faceLandmarkPositions1.json"},
		{"face2.png", "faceLandmarkPositions2.json"},
		{"faces.jpg", "facesFaceLandmarkPositions.json"},
	} {
		img := alignRead(t, "faceapi/golden-images/"+c.image)
		golden := alignGolden(t, c.golden, c.image == "faces.jpg")
		dets := alignDetect(t, img)
		if len(dets) != len(golden) {
			t.Errorf("%s: HOG found %d faces, face-api %d", c.image, len(dets), len(golden))
		}
		for gi, g := range golden {
			// The detection whose box holds this face's nose tip.
			found := false
			for _, d := range dets {
				if !image.Pt(int(g[30].X), int(g[30].Y)).In(d.Box.Image()) {
					continue
				}
				found = true
				lm, _ := alignOne(t, a, img, d.Box)
				e := alignError(g, lm)
				t.Logf("%s face %d: mean landmark error %.3f inter-ocular distances", c.image, gi, e)
				if e > 0.1 {
					t.Errorf("%s face %d: mean landmark error %.3f inter-ocular distances, want < 0.1", c.image, gi, e)
				}
			}
			if !found {
				t.Errorf("%s face %d: no HOG box holds the face", c.image, gi)
			}
		}
		img.Close()
	}
}

// TestAlignChipPutsEyesWhereDlibDoes finds the landmarks again inside the
// chip: dlib's get_face_chip_details maps the face onto its mean face shape,
// so the eyes must land on that shape's eye positions.
func TestAlignChipPutsEyesWhereDlibDoes(t *testing.T) {
	a := alignTestAligner(t)
	for _, rel := range []string{"face_recognition/obama.jpg", "face_recognition/biden.jpg"} {
		img := alignRead(t, rel)
		dets := alignDetect(t, img)
		if len(dets) != 1 {
			t.Fatalf("%s: %d faces", rel, len(dets))
		}
		_, chip, err := a.Align(img, dets[0].Box)
		img.Close()
		if err != nil {
			t.Fatal(err)
		}
		bgr := gocv.NewMat()
		gocv.CvtColor(chip, &bgr, gocv.ColorBGRToRGB) // the same channel swap
		chip.Close()
		inChip := alignDetect(t, bgr)
		if len(inChip) != 1 {
			bgr.Close()
			t.Fatalf("%s: %d faces in the chip", rel, len(inChip))
		}
		lm, _ := alignOne(t, a, bgr, inChip[0].Box)
		bgr.Close()
		// dlib's mean face shape (dlib/image_transforms/interpolation.h,
		// get_face_chip_details, points 36-47) averaged per eye, in face
		// units: (0.225492, 0.215990) and (0.754761, 0.215990); the chip
		// maps u to (padding + u) / (1 + 2 padding) * size.
		canon := func(u float64) float64 {
			return (recognition.ChipPadding + u) / (1 + 2*recognition.ChipPadding) * recognition.ChipSize
		}
		l, r := alignEyes(lm)
		for i, eye := range []struct{ got, want facedata.Point }{
			{l, facedata.Point{X: canon(0.225492), Y: canon(0.215990)}},
			{r, facedata.Point{X: canon(0.754761), Y: canon(0.215990)}},
		} {
			d := math.Hypot(eye.got.X-eye.want.X, eye.got.Y-eye.want.Y)
			t.Logf("%s eye %d: %.1f px from dlib's canonical position", rel, i, d)
			// The fit uses 32 points, not just the eyes, so a face that
			// differs from the mean shape leaves the eyes a few pixels off.
			if d > 4 {
				t.Errorf("%s eye %d at %v in the chip, dlib puts it at %v (%.1f px off)", rel, i, eye.got, eye.want, d)
			}
		}
	}
}

// TestAlignChipSameAtTwiceTheSize aligns a face and the same face in the
// photo scaled 2x: dlib's chip extraction downsamples large faces through
// an image pyramid, so the chips must be nearly identical.
func TestAlignChipSameAtTwiceTheSize(t *testing.T) {
	a := alignTestAligner(t)
	img := alignRead(t, "face_recognition/obama_small.jpg")
	defer img.Close()
	big := gocv.NewMat()
	defer big.Close()
	gocv.Resize(img, &big, image.Point{}, 2, 2, gocv.InterpolationCubic)
	small := alignDetect(t, img)
	large := alignDetect(t, big)
	if len(small) != 1 || len(large) != 1 {
		t.Fatalf("faces: %d at 1x, %d at 2x", len(small), len(large))
	}
	lm1, chip1 := alignOne(t, a, img, small[0].Box)
	lm2, chip2 := alignOne(t, a, big, large[0].Box)
	half := make([]facedata.Point, len(lm2))
	for i, p := range lm2 {
		half[i] = facedata.Point{X: p.X / 2, Y: p.Y / 2}
	}
	lmErr := alignError(lm1, half)
	var sum float64
	for i := range chip1 {
		sum += math.Abs(float64(chip1[i]) - float64(chip2[i]))
	}
	meanDiff := sum / float64(len(chip1))
	t.Logf("face of %.0f px and %.0f px: landmarks differ by %.3f inter-ocular distances, chips by %.2f grey levels on average",
		small[0].Box.W, large[0].Box.W, lmErr, meanDiff)
	if lmErr > 0.05 {
		t.Errorf("landmarks at 2x differ by %.3f inter-ocular distances", lmErr)
	}
	if meanDiff > 8 {
		t.Errorf("chips differ by %.2f grey levels on average", meanDiff)
	}
}

func TestAlignErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := recognition.NewAligner(filepath.Join(dir, "none.dat")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing model: %v, want fs.ErrNotExist", err)
	}
	bad := filepath.Join(dir, "bad.dat")
	if err := os.WriteFile(bad, []byte("not a model"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := recognition.NewAligner(bad); !errors.Is(err, recognition.ErrBadModel) {
		t.Errorf("corrupt model: %v, want ErrBadModel", err)
	}

	a := alignTestAligner(t)
	img := alignRead(t, "face_recognition/obama_small.jpg")
	defer img.Close()
	box := alignDetect(t, img)[0].Box
	empty := gocv.NewMat()
	defer empty.Close()
	float := gocv.NewMatWithSize(100, 100, gocv.MatTypeCV32FC3)
	defer float.Close()
	for name, m := range map[string]gocv.Mat{"empty": empty, "float": float} {
		if _, _, err := a.Align(m, box); !errors.Is(err, recognition.ErrBadFrame) {
			t.Errorf("%s frame: %v, want ErrBadFrame", name, err)
		}
	}
	for name, b := range map[string]facedata.Rect{
		"empty box":   {X: 10, Y: 10},
		"outside":     {X: 5000, Y: 5000, W: 100, H: 100},
		"not numbers": {X: math.NaN(), Y: 0, W: 50, H: 50},
	} {
		if _, _, err := a.Align(img, b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestAlignAfterClose(t *testing.T) {
	a, err := recognition.NewAligner(testenv.Model(t, "shape-predictor-68"))
	if err != nil {
		t.Fatal(err)
	}
	img := alignRead(t, "face_recognition/obama_small.jpg")
	defer img.Close()
	box := alignDetect(t, img)[0].Box
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Align(img, box); err == nil {
		t.Error("Align after Close: no error")
	}
}

// TestAlignReadsRegionsAndGrey aligns through a region of a larger Mat (not
// continuous, so copied first) and through a grey frame.
func TestAlignReadsRegionsAndGrey(t *testing.T) {
	a := alignTestAligner(t)
	img := alignRead(t, "face_recognition/obama_small.jpg")
	defer img.Close()
	box := alignDetect(t, img)[0].Box
	want, wantChip := alignOne(t, a, img, box)

	canvas := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 0, 0, 0), img.Rows()+40, img.Cols()+60, gocv.MatTypeCV8UC3)
	defer canvas.Close()
	region := canvas.Region(image.Rect(30, 20, 30+img.Cols(), 20+img.Rows()))
	defer region.Close()
	img.CopyTo(&region)
	if region.IsContinuous() {
		t.Fatal("test needs a region that is not continuous")
	}
	got, gotChip := alignOne(t, a, region, box)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("region: landmark %d at %v, want %v", i, got[i], want[i])
		}
	}
	if !bytes.Equal(gotChip, wantChip) {
		t.Error("region: chip differs")
	}

	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(img, &grey, gocv.ColorBGRToGray)
	lm, chip := alignOne(t, a, grey, box)
	if e := alignError(want, lm); e > 0.05 {
		t.Errorf("grey frame: landmarks %.3f inter-ocular distances off", e)
	}
	for i := 0; i < len(chip); i += 3 {
		if chip[i] != chip[i+1] || chip[i] != chip[i+2] {
			t.Fatal("grey frame gave a chip with colour")
		}
	}
}

// TestAlignConcurrentCallsAgree aligns the faces of a photo from 4
// goroutines at once: results must be identical to one at a time.
func TestAlignConcurrentCallsAgree(t *testing.T) {
	a := alignTestAligner(t)
	img := alignRead(t, "faceapi/golden-images/faces.jpg")
	defer img.Close()
	dets := alignDetect(t, img)
	if len(dets) < 4 {
		t.Fatalf("%d faces", len(dets))
	}
	wantLM := make([][]facedata.Point, len(dets))
	wantChip := make([][]byte, len(dets))
	for i, d := range dets {
		wantLM[i], wantChip[i] = alignOne(t, a, img, d.Box)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 3*len(dets); n++ {
				i := (g + n) % len(dets)
				lm, chip, err := a.Align(img, dets[i].Box)
				if err != nil {
					errs <- err.Error()
					return
				}
				same := bytes.Equal(chip.ToBytes(), wantChip[i])
				chip.Close()
				for k := range lm {
					same = same && lm[k] == wantLM[i][k]
				}
				if !same {
					errs <- "different result for face " + string(rune('0'+i))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestHOGLikeBox(t *testing.T) {
	box := facedata.Rect{X: 100, Y: 200, W: 80, H: 100}
	for _, name := range []facedata.DetectorName{facedata.HOG, "unknown"} {
		if got := recognition.HOGLikeBox(name, box); got != box {
			t.Errorf("%s: %v, want the box unchanged", name, got)
		}
	}
	// SSD boxes are taller than HOG boxes and reach higher up the forehead.
	ssd := recognition.HOGLikeBox("ssd", box)
	if !(ssd.H < box.H && ssd.Center().Y > box.Center().Y) {
		t.Errorf("ssd: %v from %v", ssd, box)
	}
}

// TestHOGLikeBoxHelpsSSDBoxes checks the measurement behind HOGLikeBox on
// group photos: landmarks placed in SSD boxes mapped by HOGLikeBox are
// closer to those placed in HOG boxes than landmarks in raw SSD boxes.
func TestHOGLikeBoxHelpsSSDBoxes(t *testing.T) {
	a := alignTestAligner(t)
	ssd, err := recognition.NewDetector("ssd", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer ssd.Close()
	var raw, mapped float64
	n := 0
	for _, rel := range []string{"faceapi/people/bbt2.jpg", "faceapi/people/bbt4.jpg", "faceapi/golden-images/faces.jpg"} {
		img := alignRead(t, rel)
		hog := alignDetect(t, img)
		other, err := ssd.Detect(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hog {
			for _, o := range other {
				if h.Box.IoU(o.Box) < 0.3 {
					continue
				}
				ref, _ := alignOne(t, a, img, h.Box)
				lmRaw, _ := alignOne(t, a, img, o.Box)
				lmMapped, _ := alignOne(t, a, img, recognition.HOGLikeBox("ssd", o.Box))
				raw += alignError(ref, lmRaw)
				mapped += alignError(ref, lmMapped)
				n++
			}
		}
		img.Close()
	}
	if n < 8 {
		t.Fatalf("only %d faces found by both detectors", n)
	}
	t.Logf("%d faces: landmarks in SSD boxes %.3f inter-ocular distances from those in HOG boxes, %.3f through HOGLikeBox", n, raw/float64(n), mapped/float64(n))
	if mapped >= raw {
		t.Errorf("HOGLikeBox did not help: %.3f mapped, %.3f raw", mapped/float64(n), raw/float64(n))
	}
}
