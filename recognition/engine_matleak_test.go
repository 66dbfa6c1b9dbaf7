//go:build matprofile

package recognition_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"facecase/internal/synth"
	"facecase/internal/testenv"
	"facecase/media"
)

// TestEngineMatLeak proves the engine closes every Mat it creates: the
// live-Mat count of gocv's matprofile is the same before and after
// analysing a photo, a crowd (tiles, mosaic verification, 120 chips) and a
// cancelled call. Run with: go test -tags matprofile -run MatLeak ./recognition/
func TestEngineMatLeak(t *testing.T) {
	e := testEngine(t)
	crops, err := synth.LoadCrops(testenv.SharedData(t, "faceapi/people"))
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := synth.Crowd(crops, synth.CrowdOptions{Width: 1280, Height: 960, Faces: 60, MinSize: 20, MaxSize: 120, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	crowd, err := gocv.ImageToMatRGB(img)
	if err != nil {
		t.Fatal(err)
	}
	defer crowd.Close()
	photo, err := media.LoadImage(filepath.Join(testenv.SharedData(t, "face_recognition"), "two_people.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	defer photo.Close()

	before := gocv.MatProfile.Count()
	for _, m := range []gocv.Mat{photo, crowd} {
		faces, err := e.Analyze(context.Background(), m)
		if err != nil || len(faces) == 0 {
			t.Fatalf("%d faces, %v", len(faces), err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.Analyze(ctx, crowd)
	if after := gocv.MatProfile.Count(); after != before {
		var stacks strings.Builder
		gocv.MatProfile.WriteTo(&stacks, 1)
		t.Fatalf("live Mats before %d, after %d:\n%s", before, after, stacks.String())
	}
}
