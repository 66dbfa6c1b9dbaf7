package recognition_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/media"
	"facecase/recognition"
	"facecase/recognition/scorenorm"
)

var (
	sharedEngineOnce sync.Once
	sharedEngine     *recognition.Engine
	sharedEngineErr  error
)

// testEngine returns one engine with default options for every test in the
// package (loading the models takes about a second).
func testEngine(t testing.TB) *recognition.Engine {
	t.Helper()
	testenv.Model(t, "descriptor")
	sharedEngineOnce.Do(func() {
		sharedEngine, sharedEngineErr = recognition.NewEngine(recognition.DefaultOptions())
	})
	if sharedEngineErr != nil {
		t.Fatal(sharedEngineErr)
	}
	return sharedEngine
}

func analyzeFile(t testing.TB, e *recognition.Engine, path string) []facedata.Face {
	t.Helper()
	img, err := media.LoadImage(path)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	faces, err := e.Analyze(context.Background(), img)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return faces
}

// onlyFace returns the single face of a photo that must show one person.
func onlyFace(t testing.TB, e *recognition.Engine, path string) facedata.Face {
	t.Helper()
	faces := analyzeFile(t, e, path)
	if len(faces) != 1 {
		t.Fatalf("%s: %d faces, want 1", filepath.Base(path), len(faces))
	}
	if faces[0].Descriptor == nil {
		t.Fatalf("%s: no descriptor", path)
	}
	return faces[0]
}

func TestEngineSameAndDifferentPerson(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	e := testEngine(t)
	obama := onlyFace(t, e, filepath.Join(dir, "obama.jpg"))
	obama2 := onlyFace(t, e, filepath.Join(dir, "obama2.jpg"))
	biden := onlyFace(t, e, filepath.Join(dir, "biden.jpg"))
	if d := obama.Descriptor.Distance(obama2.Descriptor); d >= facedata.SameThreshold {
		t.Errorf("obama vs obama2: distance %.3f, want < %.1f", d, facedata.SameThreshold)
	} else {
		t.Logf("obama vs obama2: %.3f", d)
	}
	for _, o := range []facedata.Face{obama, obama2} {
		if d := o.Descriptor.Distance(biden.Descriptor); d <= facedata.SameThreshold {
			t.Errorf("obama vs biden: distance %.3f, want > %.1f", d, facedata.SameThreshold)
		} else {
			t.Logf("obama vs biden: %.3f", d)
		}
	}
	for _, f := range []facedata.Face{obama, obama2, biden} {
		if len(f.Landmarks) != facedata.LandmarkCount || f.Chip == nil || f.Chip.Bounds().Dx() != recognition.ChipSize {
			t.Errorf("incomplete face: %d landmarks, chip %v", len(f.Landmarks), f.Chip.Bounds())
		}
		if n := f.Descriptor.Norm(); n < 1 || n > 2 {
			t.Errorf("descriptor norm %.2f, want about 1.4", n)
		}
	}
}

// TestEngineNamesKnnExamples enrols knn_examples/train and names every face
// in knn_examples/test by its best enrolled descriptor, by normalised score
// at the default verification operating point (FMR 1e-3), as the product
// matches.
func TestEngineNamesKnnExamples(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition/knn_examples")
	e := testEngine(t)
	point, err := e.Cohort().Calibration().Point(scorenorm.DefaultVerifyFMR)
	if err != nil {
		t.Fatal(err)
	}
	type enrolled struct {
		name string
		f    facedata.Face
	}
	var gallery []enrolled
	people, err := os.ReadDir(filepath.Join(dir, "train"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		files, _ := filepath.Glob(filepath.Join(dir, "train", p.Name(), "*"))
		for _, f := range files {
			gallery = append(gallery, enrolled{p.Name(), onlyFace(t, e, f)})
		}
	}
	// Each test photo shows these enrolled people; any other face in it
	// (obama_and_biden.jpg also shows a girl in the crowd) must stay unknown.
	want := map[string][]string{
		"alex_lacamoire1.jpg": {"alex_lacamoire"},
		"johnsnow_test1.jpg":  {"kit_harington"},
		"kit_with_rose.jpg":   {"kit_harington", "rose_leslie"},
		"obama1.jpg":          {"obama"},
		"obama_and_biden.jpg": {"biden", "obama"},
	}
	for file, names := range want {
		faces := analyzeFile(t, e, filepath.Join(dir, "test", file))
		var got []string
		for _, f := range faces {
			best, bestS := "unknown", point.Threshold
			for _, g := range gallery {
				if p := scorenorm.Compare(f.Descriptor, f.Cohort, g.f.Descriptor, g.f.Cohort); p.Score <= bestS {
					best, bestS = g.name, p.Score
				}
			}
			if best != "unknown" {
				got = append(got, best)
			}
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(names, ",") {
			t.Errorf("%s: named %v, want %v (%d faces found)", file, got, names, len(faces))
		}
	}
}

// TestEnginePeoplePairAccuracy runs the 8 people x 5 face crops through
// dlib alignment and the descriptor and checks that at least 99% of all
// pairs are judged correctly, by raw distance at 0.6 and by normalised
// score at the default verification operating point (FMR 1e-3).
func TestEnginePeoplePairAccuracy(t *testing.T) {
	dir := testenv.SharedData(t, "faceapi/people")
	e := testEngine(t)
	type sample struct {
		person string
		d      *facedata.Descriptor
		st     facedata.CohortStats
	}
	var samples []sample
	people, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if !p.IsDir() {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, p.Name(), "*.png"))
		for _, f := range files {
			face := cropFace(t, e, f)
			samples = append(samples, sample{p.Name(), face.Descriptor, face.Cohort})
		}
	}
	if len(samples) != 40 {
		t.Fatalf("%d samples, want 40", len(samples))
	}
	point, err := e.Cohort().Calibration().Point(scorenorm.DefaultVerifyFMR)
	if err != nil {
		t.Fatal(err)
	}
	right, rightNorm, total := 0, 0, 0
	for i := range samples {
		for j := i + 1; j < len(samples); j++ {
			same := samples[i].person == samples[j].person
			p := scorenorm.Compare(samples[i].d, samples[i].st, samples[j].d, samples[j].st)
			if (p.Distance < facedata.SameThreshold) == same {
				right++
			} else {
				t.Logf("wrong by distance: %s vs %s distance %.3f", samples[i].person, samples[j].person, p.Distance)
			}
			if point.Match(p.Score) == same {
				rightNorm++
			} else {
				t.Logf("wrong by normalised score: %s vs %s score %.2f (threshold %.2f), distance %.3f", samples[i].person, samples[j].person, p.Score, point.Threshold, p.Distance)
			}
			total++
		}
	}
	acc, accNorm := float64(right)/float64(total), float64(rightNorm)/float64(total)
	t.Logf("pair accuracy %.4f by distance 0.6, %.4f by normalised score at %s (%d pairs)", acc, accNorm, point, total)
	if acc < 0.99 || accNorm < 0.99 {
		t.Errorf("pair accuracy %.4f (distance), %.4f (normalised), want >= 0.99", acc, accNorm)
	}
}

// cropFace analyses a tight 150x150 face crop: the crops cut off forehead
// and chin, so the detector is skipped and the whole crop is the face box
// for dlib's landmarks and chip.
func cropFace(t testing.TB, e *recognition.Engine, path string) facedata.Face {
	t.Helper()
	img, err := media.LoadImage(path)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	box := facedata.Rect{X: 0, Y: 0, W: float64(img.Cols()), H: float64(img.Rows())}
	faces, err := e.AnalyzeBoxes(context.Background(), img, []facedata.Rect{box})
	if err != nil {
		t.Fatal(err)
	}
	return faces[0]
}
