package recognition

import (
	"context"
	"path/filepath"
	"testing"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/media"
)

// TestReleaseWorkMemoryTrimsEachArenaOnce checks that the engine hands
// back the working memory of each detector once, even when it serves as
// coarse and fine detector both (UltraFace), that the engine still finds
// faces afterwards, and that a BlazeFace engine (detector, fine detector
// and verifier in one) releases its own.
func TestReleaseWorkMemoryTrimsEachArenaOnce(t *testing.T) {
	testenv.Model(t, "ultraface")
	testenv.Model(t, "ssd")
	e := detectOnlyEngine(t)
	uf, ok := e.fine.(*UltraFaceDetector)
	if !ok {
		t.Fatalf("the default engine's fine detector is %T, want UltraFace", e.fine)
	}
	rec := &runRecorder{scalingDetector: uf, inner: uf}
	e.detector, e.fine = rec, rec
	for i := 1; i <= 2; i++ {
		if err := e.ReleaseWorkMemory(); err != nil {
			t.Fatal(err)
		}
		if rec.trimmed != i {
			t.Fatalf("after %d releases UltraFace's arena was handed back %d times, want %d", i, rec.trimmed, i)
		}
	}
	img, err := media.LoadImage(filepath.Join(testenv.SharedData(t, "face_recognition"), "obama.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if faces, err := e.Analyze(context.Background(), img); err != nil || len(faces) != 1 {
		t.Errorf("after the releases: %d faces (%v), want 1", len(faces), err)
	}
	blaze := DefaultOptions()
	blaze.Descriptors = false
	blaze.Detector = facedata.BlazeFace
	b, err := NewEngine(blaze)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.ReleaseWorkMemory(); err != nil {
		t.Errorf("BlazeFace engine: %v", err)
	}
}
