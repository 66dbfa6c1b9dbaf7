package recognition

import (
	"context"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
)

// fixedDetector returns the same detections for every frame and counts its
// calls.
type fixedDetector struct {
	dets  []facedata.Detection
	calls int
}

func (d *fixedDetector) Name() facedata.DetectorName { return "fixed" }
func (d *fixedDetector) Close() error                { return nil }
func (d *fixedDetector) Detect(context.Context, gocv.Mat) ([]facedata.Detection, error) {
	d.calls++
	return append([]facedata.Detection(nil), d.dets...), nil
}
func (d *fixedDetector) InputSize() int        { return 512 }
func (d *fixedDetector) MinFaceInput() float64 { return 44 }

// TestScanVerifiesOnlyTheDoubtfulFaces: faces scored at least sureScore
// are kept without the verifier's opinion; a face under it goes to the
// verifier, whose verdict decides (here it finds nothing, so only the sure
// faces are kept), and with sureScore 0 every face does.
func TestScanVerifiesOnlyTheDoubtfulFaces(t *testing.T) {
	frame := gocv.NewMatWithSize(400, 600, gocv.MatTypeCV8UC3)
	defer frame.Close()
	sure := []facedata.Detection{
		{Box: facedata.Rect{X: 10, Y: 10, W: 80, H: 90}, Score: 0.995},
		{Box: facedata.Rect{X: 300, Y: 100, W: 60, H: 70}, Score: 0.99},
	}
	for _, c := range []struct {
		name         string
		dets         []facedata.Detection
		sureScore    float32
		verifierRuns int
		kept         int
	}{
		{"all sure", sure, 0.99, 0, 2},
		{"one unsure", append(append([]facedata.Detection(nil), sure...), facedata.Detection{Box: facedata.Rect{X: 450, Y: 200, W: 40, H: 40}, Score: 0.9}), 0.99, 1, 2},
		{"no sure score", sure, 0, 1, 0},
		{"none", nil, 0.99, 0, 0},
	} {
		coarse, verifier := &fixedDetector{dets: c.dets}, &fixedDetector{}
		s := faceScanner{coarse: coarse, verifier: verifier, verifyMin: 0.27, verifyAll: true, sureScore: c.sureScore}
		got, err := s.scan(context.Background(), frame)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if verifier.calls != c.verifierRuns || len(got) != c.kept {
			t.Errorf("%s: verifier ran %d times and %d faces were kept, want %d and %d", c.name, verifier.calls, len(got), c.verifierRuns, c.kept)
		}
	}
}
