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
