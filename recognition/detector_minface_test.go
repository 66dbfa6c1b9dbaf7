package recognition_test

import (
	"context"
	"image"
	"math/rand"
	"testing"

	"facecase/facedata"
	"facecase/internal/synth"
	"facecase/internal/testenv"
	"facecase/recognition"

	"gocv.io/x/gocv"
)

// minFaceRecall pastes every crop at the given size into a detector-input
// sized cluttered canvas and returns the share found (IoU >= 0.4).
func minFaceRecall(t *testing.T, d recognition.Detector, crops []synth.Crop, input, size int) float64 {
	t.Helper()
	rng := rand.New(rand.NewSource(int64(size)))
	found := 0
	for i, c := range crops {
		canvas := synth.Background(input, input, rng)
		x, y := rng.Intn(input-size), rng.Intn(input-size)
		box := image.Rect(x, y, x+size, y+size)
		synth.PasteFace(canvas, c.Image, box)
		m, err := gocv.ImageToMatRGB(canvas)
		if err != nil {
			t.Fatal(err)
		}
		dets, err := d.Detect(context.Background(), m)
		m.Close()
		if err != nil {
			t.Fatalf("crop %d: %v", i, err)
		}
		for _, det := range dets {
			if det.Box.IoU(facedata.RectFromImage(box)) >= 0.4 {
				found++
				break
			}
		}
	}
	return float64(found) / float64(len(crops))
}

// TestBlazeFaceMinFaceInput checks the size the tiler relies on: at
// MinFaceInput pixels in the 256 input, BlazeFace finds at least 90% of
// real faces.
func TestBlazeFaceMinFaceInput(t *testing.T) {
	crops, err := synth.LoadCrops(testenv.SharedData(t, "faceapi/people"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := recognition.NewBlazeFaceDetector(testenv.Model(t, "blazeface"), recognition.BlazeFaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	size := int(d.MinFaceInput())
	if r := minFaceRecall(t, d, crops, d.InputSize(), size); r < 0.9 {
		t.Errorf("recall %.2f at %d px, want >= 0.90", r, size)
	}
}
