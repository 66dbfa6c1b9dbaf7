package recognition_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/media"
	"facecase/models"
	"facecase/recognition"
)

func TestEngineRejectsBadFrames(t *testing.T) {
	e := testEngine(t)
	empty := gocv.NewMat()
	defer empty.Close()
	grey := gocv.NewMatWithSize(100, 100, gocv.MatTypeCV8UC1)
	defer grey.Close()
	for name, m := range map[string]gocv.Mat{"empty": empty, "grey": grey} {
		if _, err := e.Analyze(context.Background(), m); !errors.Is(err, recognition.ErrBadFrame) {
			t.Errorf("%s frame: err = %v, want ErrBadFrame", name, err)
		}
	}
}

func TestEngineFindsNoFaceInBlankOrTinyImages(t *testing.T) {
	e := testEngine(t)
	white, err := media.LoadImage(filepath.Join(testenv.SharedData(t, "faceapi/golden-images"), "white.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer white.Close()
	tiny := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(90, 120, 150, 0), 3, 2, gocv.MatTypeCV8UC3)
	defer tiny.Close()
	wide := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(90, 120, 150, 0), 40, 4000, gocv.MatTypeCV8UC3)
	defer wide.Close()
	for name, m := range map[string]gocv.Mat{"white": white, "tiny": tiny, "wide": wide} {
		faces, err := e.Analyze(context.Background(), m)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if len(faces) != 0 {
			t.Errorf("%s: %d faces, want none", name, len(faces))
		}
	}
}

func TestEngineHonoursCancel(t *testing.T) {
	e := testEngine(t)
	img, err := media.LoadImage(filepath.Join(testenv.SharedData(t, "face_recognition"), "two_people.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Analyze(ctx, img); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestEngineConcurrentUse analyses one photo from four goroutines at once
// and expects the same faces as one call alone.
func TestEngineConcurrentUse(t *testing.T) {
	e := testEngine(t)
	img, err := media.LoadImage(filepath.Join(testenv.SharedData(t, "face_recognition"), "two_people.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	want, err := e.Analyze(context.Background(), img)
	if err != nil || len(want) != 2 {
		t.Fatalf("%d faces, %v", len(want), err)
	}
	var wg sync.WaitGroup
	results := make([][]facedata.Face, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = e.Analyze(context.Background(), img)
		}()
	}
	wg.Wait()
	for i, got := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if len(got) != len(want) {
			t.Fatalf("goroutine %d: %d faces, want %d", i, len(got), len(want))
		}
		for k := range got {
			if !reflect.DeepEqual(got[k].Box, want[k].Box) || got[k].Descriptor.Distance(want[k].Descriptor) > 1e-5 {
				t.Errorf("goroutine %d face %d differs", i, k)
			}
		}
	}
}

func TestEngineNamesMissingModel(t *testing.T) {
	t.Setenv("FACECASE_MODELS", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Chdir(t.TempDir())
	_, err := recognition.NewEngine(recognition.DefaultOptions())
	if !errors.Is(err, models.ErrModelMissing) {
		t.Fatalf("err = %v, want ErrModelMissing", err)
	}
	var missing *models.MissingError
	if !errors.As(err, &missing) || missing.Model.Name == "" {
		t.Fatalf("error does not name the model: %v", err)
	}
	if got := err.Error(); !contains(got, "make models") {
		t.Errorf("error does not say how to install: %s", got)
	}
}

func TestEngineUnknownDetector(t *testing.T) {
	_, err := recognition.NewEngine(recognition.Options{Detector: "magic"})
	if !errors.Is(err, facedata.ErrUnknownDetector) {
		t.Fatalf("err = %v, want ErrUnknownDetector", err)
	}
}

// TestEveryDetectorFindsTheFaces runs each selectable detector through the
// engine on a photo of two people.
func TestEveryDetectorFindsTheFaces(t *testing.T) {
	p := filepath.Join(testenv.SharedData(t, "face_recognition"), "two_people.jpg")
	img, err := media.LoadImage(p)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	for _, name := range facedata.DetectorNames() {
		t.Run(string(name), func(t *testing.T) {
			opts := recognition.DefaultOptions()
			opts.Detector = name
			opts.MinFaceSize = 80
			e, err := recognition.NewEngine(opts)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			faces, err := e.Analyze(context.Background(), img)
			if err != nil {
				t.Fatal(err)
			}
			if len(faces) != 2 {
				t.Fatalf("%d faces, want 2", len(faces))
			}
			if faces[0].Detector != name || faces[0].Descriptor == nil {
				t.Errorf("face from %q, descriptor %v", faces[0].Detector, faces[0].Descriptor != nil)
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
