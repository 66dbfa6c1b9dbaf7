package recognition_test

import (
	"context"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/synth"
	"facecase/internal/testenv"
)

// TestCrowdDetection pastes 120+ real face crops at 20 to 120 px onto a
// cluttered background and checks recall (IoU >= 0.5) and false boxes.
func TestCrowdDetection(t *testing.T) {
	crops, err := synth.LoadCrops(testenv.SharedData(t, "faceapi/people"))
	if err != nil {
		t.Fatal(err)
	}
	img, placed, err := synth.Crowd(crops, synth.CrowdOptions{Width: 1920, Height: 1280, Faces: 124, MinSize: 20, MaxSize: 120, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	frame, err := gocv.ImageToMatRGB(img)
	if err != nil {
		t.Fatal(err)
	}
	defer frame.Close()
	faces, err := testEngine(t).Analyze(context.Background(), frame)
	if err != nil {
		t.Fatal(err)
	}
	matched := make([]bool, len(faces))
	found, missedSmall := 0, 0
	for _, p := range placed {
		truth := facedata.RectFromImage(p.Box)
		best, bestIoU := -1, 0.5
		for i, f := range faces {
			if iou := f.Box.IoU(truth); !matched[i] && iou >= bestIoU {
				best, bestIoU = i, iou
			}
		}
		if best >= 0 {
			matched[best] = true
			found++
		} else if p.Box.Dx() < 30 {
			missedSmall++
		}
	}
	falseBoxes := 0
	for _, m := range matched {
		if !m {
			falseBoxes++
		}
	}
	recall := float64(found) / float64(len(placed))
	falseRate := float64(falseBoxes) / float64(len(faces))
	t.Logf("%d faces placed, %d found (recall %.3f; %d of the misses under 30 px), %d false boxes (%.3f)",
		len(placed), found, recall, missedSmall, falseBoxes, falseRate)
	if recall < 0.95 {
		t.Errorf("recall %.3f, want >= 0.95", recall)
	}
	if falseRate > 0.02 {
		t.Errorf("false boxes %.3f of all boxes, want <= 0.02", falseRate)
	}
}
