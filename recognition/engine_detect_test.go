package recognition_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"facecase/facedata"
	"facecase/internal/testenv"
)

// facesAsDetections lets engine output be checked with the detector helpers.
func facesAsDetections(faces []facedata.Face) []facedata.Detection {
	dets := make([]facedata.Detection, len(faces))
	for i, f := range faces {
		dets[i] = facedata.Detection{Box: f.Box, Score: f.Score}
	}
	return dets
}

// TestEngineFindsEveryFaceInDemoPhotos runs the whole engine with default
// options (small-face tiles included) over the six demo photos and
// faces.jpg: every hand-marked face found, no false boxes.
func TestEngineFindsEveryFaceInDemoPhotos(t *testing.T) {
	e := testEngine(t)
	check := func(t *testing.T, name, path string) {
		gt, truth := ssdLoadTruth(t, name)
		img := ssdLoadImage(t, path, gt)
		defer img.Close()
		faces, err := e.Analyze(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		ssdCheckFaces(t, truth, facesAsDetections(faces))
	}
	for i := 1; i <= 6; i++ {
		name := fmt.Sprintf("sample%d", i)
		t.Run(name, func(t *testing.T) { check(t, name, ssdSample(t, name+".jpg")) })
	}
	t.Run("faces", func(t *testing.T) {
		check(t, "faces", filepath.Join(testenv.SharedData(t, "faceapi/golden-images"), "faces.jpg"))
	})
}

// TestEngineFindsTheFaceInTightCrops runs the engine with default options
// over pictures the face fills: the reference implementation's golden
// face images (150x150 and cut-outs) and the 40 face crops of 8 people
// (150x150 chips). Each must give exactly one face, with a descriptor;
// face1's and face2's descriptors, through detection and alignment, must
// be of the same person as the reference descriptor. (The reference for
// face_rectangular.png was computed on the image padded to a square and
// not aligned: every detector's aligned face lands about 0.62 from it.)
func TestEngineFindsTheFaceInTightCrops(t *testing.T) {
	e := testEngine(t)
	golden := testenv.SharedData(t, "faceapi/golden-images")
	reference := map[string]string{"face1.png": "faceDescriptor1.json", "face2.png": "faceDescriptor2.json"}
	paths := []string{}
	for _, name := range []string{"face1.png", "face2.png", "face_rectangular.png", "angry_cropped.jpg", "surprised_cropped.jpg"} {
		paths = append(paths, filepath.Join(golden, name))
	}
	chips, err := filepath.Glob(filepath.Join(testenv.SharedData(t, "faceapi/people"), "*", "*.png"))
	if err != nil || len(chips) != 40 {
		t.Fatalf("%d people crops: %v", len(chips), err)
	}
	for _, p := range append(paths, chips...) {
		face := onlyFace(t, e, p)
		if want, ok := reference[filepath.Base(p)]; ok {
			ref := testenv.ReadDescriptor(t, filepath.Join(testenv.SharedData(t, "faceapi/golden"), want))
			d := face.Descriptor.Distance(&ref)
			t.Logf("%s: distance to the reference descriptor %.3f", filepath.Base(p), d)
			if d >= facedata.SameThreshold {
				t.Errorf("%s: distance %.3f to its reference descriptor, want < %.1f", filepath.Base(p), d, facedata.SameThreshold)
			}
		}
	}
}
