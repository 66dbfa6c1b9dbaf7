package recognition

import (
	"context"
	"sync"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/synth"
	"facecase/internal/testenv"
)

// runRecorder wraps the scanner's fine detector and records what each
// forward pass was given: the number of runs, the largest input in
// detector pixels, and how often the working memory was handed back.
type runRecorder struct {
	scalingDetector
	inner memoryTrimmer

	mu       sync.Mutex
	runs     int
	largest  float64
	trimmed  int
	overSize int // runs over octaveMaxRunArea
}

func (r *runRecorder) DetectScaled(ctx context.Context, img gocv.Mat, scale float64) ([]facedata.Detection, error) {
	area := float64(img.Cols()) * scale * float64(img.Rows()) * scale
	r.mu.Lock()
	r.runs++
	r.largest = max(r.largest, area)
	if area > octaveMaxRunArea {
		r.overSize++
	}
	r.mu.Unlock()
	return r.scalingDetector.DetectScaled(ctx, img, scale)
}

func (r *runRecorder) trimMemory() error {
	r.mu.Lock()
	r.trimmed++
	r.mu.Unlock()
	return r.inner.trimMemory()
}

// TestBigFrameIsScannedInBoundedRuns scans a generated 4800x3600 crowd
// (17 megapixels, over trimAboveArea) with the engine's UltraFace scanner
// and checks, by counting, what keeps a large photo's memory bounded: no
// forward pass is given more than octaveMaxRunArea detector pixels (the
// full-resolution level alone is 17 MP: one pass would need about 1.7 GB),
// the level is cut into many tiles, and the detector's working memory is
// handed back once, after the passes. Cutting the frame must not cost
// faces: every face placed (30-300 px) is found (IoU >= 0.5), and nothing
// else.
func TestBigFrameIsScannedInBoundedRuns(t *testing.T) {
	testenv.Model(t, "ultraface")
	testenv.Model(t, "ssd")
	crops, err := synth.LoadCrops(testenv.SharedData(t, "faceapi/people"))
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 4800, 3600
	img, placed, err := synth.Crowd(crops, synth.CrowdOptions{Width: w, Height: h, Faces: 40, MinSize: 30, MaxSize: 300, Seed: 16})
	if err != nil {
		t.Fatal(err)
	}
	frame, err := gocv.ImageToMatRGB(img)
	if err != nil {
		t.Fatal(err)
	}
	defer frame.Close()
	e := detectOnlyEngine(t)

	s := e.scanner
	uf, ok := s.fine.(*UltraFaceDetector)
	if !ok {
		t.Fatalf("the default engine's fine detector is %T, want UltraFace", s.fine)
	}
	rec := &runRecorder{scalingDetector: uf, inner: uf}
	s.fine = rec
	dets, err := s.scan(context.Background(), frame)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d runs, largest %.0f detector pixels, %d trims; %d faces found of %d placed",
		rec.runs, rec.largest, rec.trimmed, len(dets), len(placed))
	if rec.overSize > 0 {
		t.Errorf("%d runs over %d detector pixels (largest %.0f)", rec.overSize, octaveMaxRunArea, rec.largest)
	}
	// 17.3 MP at full resolution alone takes at least 17 runs of 1 MP.
	if rec.runs < w*h/octaveMaxRunArea {
		t.Errorf("%d runs: the frame was not cut into bounded tiles", rec.runs)
	}
	if rec.trimmed != 1 {
		t.Errorf("working memory handed back %d times, want once after the passes", rec.trimmed)
	}
	matched := make([]bool, len(dets))
	for _, p := range placed {
		truth := facedata.RectFromImage(p.Box)
		best, bestIoU := -1, 0.5
		for i, d := range dets {
			if iou := d.Box.IoU(truth); !matched[i] && iou >= bestIoU {
				best, bestIoU = i, iou
			}
		}
		if best < 0 {
			t.Errorf("face at %v (%d px) not found", p.Box, p.Box.Dx())
			continue
		}
		matched[best] = true
	}
	for i, m := range matched {
		if !m {
			t.Errorf("false box %v (score %.2f)", dets[i].Box, dets[i].Score)
		}
	}
}
