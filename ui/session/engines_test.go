package session

import (
	"testing"

	"facecase/facedata"
	"facecase/internal/testenv"
)

// TestPhotoAndVideoEnginesShareModels checks that the photo and the video
// detector's engines load the shape predictor, descriptor net and cohort
// once between them.
func TestPhotoAndVideoEnginesShareModels(t *testing.T) {
	testenv.Model(t, "descriptor")
	e := NewEngines()
	defer e.Close()
	if _, err := e.Get(facedata.UltraFace); err != nil {
		t.Fatal(err)
	}
	one := e.shared.Loads()
	if _, err := e.Get(facedata.BlazeFace); err != nil {
		t.Fatal(err)
	}
	if got := e.shared.Loads(); got != one || one != 3 {
		t.Errorf("models loaded: %d by the photo engine, %d with the video engine; want 3 and 3", one, got)
	}
}
