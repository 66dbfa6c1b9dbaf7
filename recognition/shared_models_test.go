package recognition_test

import (
	"path/filepath"
	"testing"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/recognition"
)

// TestEnginesShareOneAlignerAndDescriptorNet starts a photo and a video
// engine on one SharedModels: the shape predictor, the descriptor net and
// the cohort load once, and the video engine keeps working, with the
// same descriptor, after the photo engine is closed.
func TestEnginesShareOneAlignerAndDescriptorNet(t *testing.T) {
	testenv.Model(t, "descriptor")
	photo := filepath.Join(testenv.SharedData(t, "face_recognition"), "obama.jpg")
	shared := recognition.NewSharedModels()
	defer shared.Close()
	opts := recognition.DefaultOptions()
	opts.Shared = shared
	photoEng, err := recognition.NewEngine(opts)
	if err != nil {
		t.Fatal(err)
	}
	loads := shared.Loads()
	if loads != 3 {
		t.Errorf("one engine: %d models loaded, want 3 (shape predictor, descriptor net, cohort)", loads)
	}
	opts.Detector = facedata.BlazeFace
	videoEng, err := recognition.NewEngine(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer videoEng.Close()
	if got := shared.Loads(); got != loads {
		t.Errorf("a second engine loaded %d more models, want none", got-loads)
	}
	want := onlyFace(t, photoEng, photo)
	photoEng.Close()
	got := onlyFace(t, videoEng, photo)
	if !got.Cohort.Valid() {
		t.Error("the second engine's face has no cohort statistics")
	}
	// Both detectors' boxes differ a little: the same person, not the same bits.
	if d := got.Descriptor.Distance(want.Descriptor); d > 0.3 {
		t.Errorf("descriptor distance %.3f between the two engines' faces, want the same person (< 0.3)", d)
	}
}

// TestClosedSharedModelsRefuseNewEngines checks that an engine cannot start
// on closed shared models.
func TestClosedSharedModelsRefuseNewEngines(t *testing.T) {
	testenv.Model(t, "descriptor")
	shared := recognition.NewSharedModels()
	shared.Close()
	opts := recognition.DefaultOptions()
	opts.Detector = facedata.BlazeFace
	opts.Shared = shared
	if eng, err := recognition.NewEngine(opts); err == nil {
		eng.Close()
		t.Fatal("an engine started on closed shared models")
	}
}
