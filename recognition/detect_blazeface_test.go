package recognition_test

import (
	"context"
	"errors"
	"image"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"facecase/facedata"
	"facecase/internal/synth"
	"facecase/internal/testenv"
	"facecase/media"
	"facecase/recognition"

	"gocv.io/x/gocv"
)

func TestBlazeFaceFindsFaces(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	d, err := recognition.NewBlazeFaceDetector(testenv.Model(t, "blazeface"), recognition.BlazeFaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cases := []struct {
		file  string
		faces int
	}{
		{"obama.jpg", 1},
		{"biden.jpg", 1},
		{"two_people.jpg", 2},
	}
	for _, c := range cases {
		img, err := media.LoadImage(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		dets, err := d.Detect(context.Background(), img)
		img.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(dets) != c.faces {
			t.Errorf("%s: %d faces, want %d: %+v", c.file, len(dets), c.faces, dets)
			continue
		}
		for _, det := range dets {
			if det.Score < 0.6 || det.Score > 1 {
				t.Errorf("%s: score %v", c.file, det.Score)
			}
			// Eyes and nose lie inside the box.
			for k := 0; k < 3; k++ {
				p := det.Keypoints[k]
				if p.X < det.Box.X || p.X > det.Box.X+det.Box.W || p.Y < det.Box.Y || p.Y > det.Box.Y+det.Box.H {
					t.Errorf("%s: keypoint %d %v outside box %v", c.file, k, p, det.Box)
				}
			}
		}
	}
}

func TestBlazeFaceBlankImage(t *testing.T) {
	p := filepath.Join(testenv.SharedData(t, "faceapi/golden-images"), "white.png")
	d, err := recognition.NewBlazeFaceDetector(testenv.Model(t, "blazeface"), recognition.BlazeFaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	img, err := media.LoadImage(p)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	dets, err := d.Detect(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if len(dets) != 0 {
		t.Fatalf("found %d faces in a white image", len(dets))
	}
}

func TestBlazeFaceBadModel(t *testing.T) {
	_, err := recognition.NewBlazeFaceDetector(filepath.Join(t.TempDir(), "missing.onnx"), recognition.BlazeFaceOptions{})
	if err == nil {
		t.Fatal("no error for a missing model file")
	}
}

func TestBlazeFaceCorruptModel(t *testing.T) {
	p := filepath.Join(t.TempDir(), "corrupt.onnx")
	if err := os.WriteFile(p, []byte("this is not a model\x00\x01\x02"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := recognition.NewBlazeFaceDetector(p, recognition.BlazeFaceOptions{})
	if !errors.Is(err, recognition.ErrBadModel) {
		t.Fatalf("got %v, want ErrBadModel", err)
	}
}

// TestBlazeFaceScaledRange checks the face sizes the scanner relies on:
// DetectScaled over a 640x480 frame finds at least 90% of the 40 real crops
// pasted at MinFaceInput and at MaxFaceInput pixels.
func TestBlazeFaceScaledRange(t *testing.T) {
	crops, err := synth.LoadCrops(testenv.SharedData(t, "faceapi/people"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := recognition.NewBlazeFaceDetector(testenv.Model(t, "blazeface"), recognition.BlazeFaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, size := range []int{int(d.MinFaceInput()), int(d.MaxFaceInput())} {
		rng := rand.New(rand.NewSource(int64(size)))
		found := 0
		for _, c := range crops {
			canvas := synth.Background(640, 480, rng)
			x, y := rng.Intn(640-size), rng.Intn(480-size)
			box := image.Rect(x, y, x+size, y+size)
			synth.PasteFace(canvas, c.Image, box)
			m, err := gocv.ImageToMatRGB(canvas)
			if err != nil {
				t.Fatal(err)
			}
			dets, err := d.DetectScaled(context.Background(), m, 1)
			m.Close()
			if err != nil {
				t.Fatal(err)
			}
			for _, det := range dets {
				if det.Box.IoU(facedata.RectFromImage(box)) >= 0.4 {
					found++
					break
				}
			}
		}
		if r := float64(found) / float64(len(crops)); r < 0.9 {
			t.Errorf("recall %.2f at %d px, want >= 0.90", r, size)
		}
	}
}
