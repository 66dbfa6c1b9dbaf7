package recognition

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/models"
)

// verifierPhoto is a photo whose doubtful candidates the small and the
// full-size verifier are compared on.
type verifierPhoto struct {
	name  string
	frame gocv.Mat
}

// verifierPhotos returns the bench folder's 40 photos (benchFolderPhotos),
// the six demo photos, faces.jpg and the face_recognition photos. Close
// the frames.
func verifierPhotos(t *testing.T) []verifierPhoto {
	t.Helper()
	var photos []verifierPhoto
	for _, p := range benchFolderPhotos(t) {
		photos = append(photos, verifierPhoto{p.name, p.frame})
	}
	samples, err := models.SamplesDir()
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(samples, "*.jpg"))
	paths = append(paths, testenv.SharedData(t, "faceapi/golden-images/faces.jpg"))
	for _, dir := range []string{"face_recognition", "face_recognition/knn_examples/test", "face_recognition/test_images"} {
		more, _ := filepath.Glob(filepath.Join(testenv.SharedData(t, dir), "*.*"))
		paths = append(paths, more...)
	}
	for _, p := range paths {
		if ext := strings.ToLower(filepath.Ext(p)); ext != ".jpg" && ext != ".png" {
			continue
		}
		frame := gocv.IMRead(p, gocv.IMReadColor)
		if frame.Empty() {
			frame.Close()
			continue
		}
		photos = append(photos, verifierPhoto{filepath.Base(p), frame})
	}
	return photos
}

// TestSmallVerifierAgreesWithTheFullSizeOne shows the doubtful candidates
// of every photo that has one to four (the photos the engine sends to the
// small verifier) to both SSD models, in the mosaics the engine builds
// (2x2 cells at 256, 4x4 at 512, each cell 128 pixels), and asks for the
// same verdict on every candidate: the small model must confirm exactly
// the faces the 512 model confirms.
func TestSmallVerifierAgreesWithTheFullSizeOne(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the engine's detector over 80 photos")
	}
	e, err := NewEngine(Options{Detector: facedata.UltraFace, MinFaceSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s := e.scanner
	if s.smallVerifier == nil {
		t.Fatal("the engine did not load the small verifier (model ssd-small)")
	}
	large, small := s.verifier, s.smallVerifier
	lg, sg := mosaicGrid(large), mosaicGrid(small)
	if lg != 4 || sg != 2 || large.InputSize()/lg != small.InputSize()/sg {
		t.Fatalf("mosaics of %d and %d cells a side of %d and %d pixels, want 4 and 2 of the same size", lg, sg, large.InputSize()/lg, small.InputSize()/sg)
	}
	ctx := context.Background()
	var photos, cands, confirmed int
	var worst float64
	for _, p := range verifierPhotos(t) {
		coarse, fine, err := s.passes(ctx, p.frame)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		_, doubtful := s.splitSure(dropInnerParts(mergeDetections(append(coarse, fine...), 0.4, 0.75)))
		if len(doubtful) == 0 || len(doubtful) > sg*sg {
			p.frame.Close()
			continue
		}
		if s.verifierFor(len(doubtful)) != small {
			t.Errorf("%s: %d candidates do not go to the small verifier", p.name, len(doubtful))
		}
		byLarge, err := verifyMosaic(ctx, large, p.frame, doubtful, lg, large.InputSize()/lg)
		if err != nil {
			t.Fatal(err)
		}
		bySmall, err := verifyMosaic(ctx, small, p.frame, doubtful, sg, small.InputSize()/sg)
		if err != nil {
			t.Fatal(err)
		}
		p.frame.Close()
		photos++
		for i, c := range doubtful {
			cands++
			keepL, keepS := c.Score*byLarge[i] >= s.verifyMin, c.Score*bySmall[i] >= s.verifyMin
			if keepL {
				confirmed++
			}
			worst = math.Max(worst, math.Abs(float64(byLarge[i]-bySmall[i])))
			t.Logf("%s: candidate %.0fx%.0f at (%.0f, %.0f) scored %.3f: verifier 512 %.3f, 256 %.3f", p.name, c.Box.W, c.Box.H, c.Box.X, c.Box.Y, c.Score, byLarge[i], bySmall[i])
			if keepL != keepS {
				t.Errorf("%s: candidate at %v (score %.3f): the 512 verifier says %.3f (kept %v), the 256 one %.3f (kept %v)",
					p.name, c.Box, c.Score, byLarge[i], keepL, bySmall[i], keepS)
			}
		}
	}
	t.Logf("%d photos with 1-4 doubtful candidates, %d candidates (%d confirmed by the 512 verifier); largest score difference %.3f", photos, cands, confirmed, worst)
	if photos < 20 {
		t.Errorf("only %d photos had 1-4 doubtful candidates: the comparison says little", photos)
	}
}

// smallFixedDetector is a fixedDetector with a 256-pixel input.
type smallFixedDetector struct{ fixedDetector }

func (d *smallFixedDetector) InputSize() int { return 256 }

// TestScanShowsFewCandidatesToTheSmallVerifier: one to four doubtful faces
// go to the small verifier (its 2x2 mosaic holds them), five to the
// full-size one, and without a small verifier every mosaic goes to the
// full-size one.
func TestScanShowsFewCandidatesToTheSmallVerifier(t *testing.T) {
	frame := gocv.NewMatWithSize(600, 800, gocv.MatTypeCV8UC3)
	defer frame.Close()
	for _, c := range []struct {
		faces        int
		withSmall    bool
		large, small int
	}{{1, true, 0, 1}, {4, true, 0, 1}, {5, true, 1, 0}, {4, false, 1, 0}, {0, true, 0, 0}} {
		var dets []facedata.Detection
		for i := 0; i < c.faces; i++ {
			dets = append(dets, facedata.Detection{Box: facedata.Rect{X: float64(10 + 150*i), Y: 50, W: 60, H: 70}, Score: 0.9})
		}
		large, small := &fixedDetector{}, &smallFixedDetector{}
		s := faceScanner{coarse: &fixedDetector{dets: dets}, verifier: large, verifyMin: 0.27, verifyAll: true, sureScore: 0.99}
		if c.withSmall {
			s.smallVerifier = small
		}
		if _, err := s.scan(context.Background(), frame); err != nil {
			t.Fatal(err)
		}
		if large.calls != c.large || small.calls != c.small {
			t.Errorf("%d doubtful faces (small verifier %v): %d full-size and %d small runs, want %d and %d",
				c.faces, c.withSmall, large.calls, small.calls, c.large, c.small)
		}
	}
}
