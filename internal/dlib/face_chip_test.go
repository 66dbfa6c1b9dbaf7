package dlib

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"testing"

	"facecase/internal/testenv"
)

// chipLandmarks finds the face in obama.jpg and its landmarks.
func chipLandmarks(t *testing.T) (Image, [LandmarkCount]Point) {
	t.Helper()
	im := loadBGR(t, testenv.SharedData(t, "face_recognition/obama.jpg"))
	d, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	lm, err := sharedPredictor(t).Landmarks(im, onlyFace(t, d, im, 0).Rect)
	if err != nil {
		t.Fatal(err)
	}
	return im, lm
}

// faceChip is FaceChipInto into a new, packed buffer.
func faceChip(img Image, landmarks [LandmarkCount]Point, size int, padding float64) ([]byte, error) {
	if size <= 0 || size > maxChipSize {
		return nil, fmt.Errorf("face chip: %w: size %d", ErrBadArgument, size)
	}
	out := make([]byte, 3*size*size)
	if err := FaceChipInto(out, 3*size, img, landmarks, size, padding); err != nil {
		return nil, err
	}
	return out, nil
}

func TestFaceChipIsRGBAndLayoutIndependent(t *testing.T) {
	im, lm := chipLandmarks(t)
	chip, err := faceChip(im, lm, 150, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	if len(chip) != 150*150*3 {
		t.Fatalf("chip has %d bytes", len(chip))
	}
	// The same chip from a grey copy has r = g = b = the grey level, and
	// a colour chip of a colour photo does not.
	var colour bool
	for i := 0; i < len(chip); i += 3 {
		if chip[i] != chip[i+1] || chip[i+1] != chip[i+2] {
			colour = true
			break
		}
	}
	if !colour {
		t.Error("colour photo gave a grey chip")
	}
	// Channel order: the chip of an image whose blue channel is zeroed
	// must have a zero third (blue) byte everywhere.
	noBlue := Image{Pix: bytes.Clone(im.Pix), Width: im.Width, Height: im.Height, Stride: im.Stride, Format: BGR}
	for i := 0; i < len(noBlue.Pix); i += 3 {
		noBlue.Pix[i] = 0
	}
	nb, err := faceChip(noBlue, lm, 150, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(nb); i += 3 {
		if nb[i+2] != 0 {
			t.Fatalf("pixel %d has blue %d in a photo without blue: chip is not RGB", i/3, nb[i+2])
		}
		if nb[i] != chip[i] || nb[i+1] != chip[i+1] {
			t.Fatalf("pixel %d: red/green changed when only blue was removed", i/3)
		}
	}
	got, err := faceChip(padded(im, 9), lm, 150, 0.25)
	if err != nil || !bytes.Equal(got, chip) {
		t.Errorf("padded source rows gave a different chip (%v)", err)
	}
	// Into a buffer with spare bytes per row: the spare bytes stay.
	const stride = 150*3 + 16
	dst := bytes.Repeat([]byte{0xEE}, 149*stride+450)
	if err := FaceChipInto(dst, stride, im, lm, 150, 0.25); err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 150; y++ {
		if !bytes.Equal(dst[y*stride:y*stride+450], chip[y*450:(y+1)*450]) {
			t.Fatalf("row %d differs", y)
		}
		if y < 149 && dst[y*stride+450] != 0xEE {
			t.Fatalf("row %d: padding overwritten", y)
		}
	}
}

func TestFaceChipPutsEyesWhereDlibDoes(t *testing.T) {
	im, lm := chipLandmarks(t)
	const size, padding = 150, 0.25
	chipPix, err := faceChip(im, lm, size, padding)
	if err != nil {
		t.Fatal(err)
	}
	// Read the chip back as a BGR image and find the face in it again.
	chip := Image{Pix: make([]byte, len(chipPix)), Width: size, Height: size, Stride: 3 * size, Format: BGR}
	for i := 0; i < len(chipPix); i += 3 {
		chip.Pix[i], chip.Pix[i+1], chip.Pix[i+2] = chipPix[i+2], chipPix[i+1], chipPix[i]
	}
	d, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	again, err := sharedPredictor(t).Landmarks(chip, onlyFace(t, d, chip, 1).Rect)
	if err != nil {
		t.Fatal(err)
	}
	// dlib's mean face shape (dlib/image_transforms/interpolation.h,
	// get_face_chip_details, points 36-47) averaged per eye, in [0, 1] face
	// units: right eye of the picture (points 36-41) at (0.225492,
	// 0.215990), left (42-47) at (0.754761, 0.215990).
	canon := func(u float64) float64 { return (padding + u) / (2*padding + 1) * size }
	for i, want := range []Point{{canon(0.225492), canon(0.215990)}, {canon(0.754761), canon(0.215990)}} {
		got := centre(again[36+6*i : 42+6*i])
		if d := math.Hypot(got.X-want.X, got.Y-want.Y); d > 3 {
			t.Errorf("eye %d at %v in the chip, dlib's canonical position %v: %.1f px off", i, got, want, d)
		}
	}
}

func TestFaceChipArguments(t *testing.T) {
	im := Image{Pix: make([]byte, 200*200), Width: 200, Height: 200, Stride: 200, Format: Gray}
	var lm [LandmarkCount]Point
	for i := range lm {
		lm[i] = Point{float64(50 + i), float64(50 + i%10)}
	}
	if _, err := faceChip(im, lm, 150, 0.25); err != nil {
		t.Errorf("grey image: %v", err)
	}
	bad := lm
	bad[3].X = math.NaN()
	cases := map[string]error{}
	_, cases["size 0"] = faceChip(im, lm, 0, 0.25)
	_, cases["negative padding"] = faceChip(im, lm, 150, -1)
	_, cases["NaN landmark"] = faceChip(im, bad, 150, 0.25)
	cases["short destination"] = FaceChipInto(make([]byte, 100), 450, im, lm, 150, 0.25)
	for name, err := range cases {
		if !errors.Is(err, ErrBadArgument) {
			t.Errorf("%s: %v, want ErrBadArgument", name, err)
		}
	}
}
