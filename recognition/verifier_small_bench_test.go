package recognition

import (
	"context"
	"path/filepath"
	"testing"

	"facecase/facedata"
	"facecase/media"
	"facecase/models"
)

// BenchmarkVerifyThreeCandidates is the verifier's opinion on sample1.jpg's
// three faces (as UltraFace boxes them) in one mosaic: the mosaic, the
// SSD's run and the matching. "ssd-512" is the 4x4 mosaic at 512 pixels a
// side, "ssd-256" the 2x2 one the small model sees; the engine shows one to
// four candidates to the small one.
func BenchmarkVerifyThreeCandidates(b *testing.B) {
	e, err := NewEngine(Options{Detector: facedata.UltraFace, MinFaceSize: 20})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	dir, err := models.SamplesDir()
	if err != nil {
		b.Fatal(err)
	}
	frame, err := media.LoadImage(filepath.Join(dir, "sample1.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	defer frame.Close()
	ctx := context.Background()
	cands, err := e.scanner.scan(ctx, frame)
	if err != nil {
		b.Fatal(err)
	}
	if len(cands) != 3 {
		b.Fatalf("%d faces in sample1.jpg, want 3", len(cands))
	}
	if e.smallVerifier == nil {
		b.Fatal("the engine did not load the small verifier (model ssd-small)")
	}
	for _, v := range []struct {
		name     string
		verifier sizedDetector
	}{{"ssd-512", e.scanner.verifier}, {"ssd-256", e.smallVerifier}} {
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				kept, err := verifyCandidates(ctx, v.verifier, ultraVerifyMinJoint, frame, cands)
				if err != nil {
					b.Fatal(err)
				}
				if len(kept) != 3 {
					b.Fatalf("%d of 3 faces confirmed", len(kept))
				}
			}
		})
	}
}
