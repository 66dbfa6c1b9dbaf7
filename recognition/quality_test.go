package recognition_test

import (
	"context"
	"image"
	"path/filepath"
	"sort"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/media"
	"facecase/recognition"
)

// qualityOf analyses a people crop after applying change to it.
func qualityOf(t *testing.T, e *recognition.Engine, path string, change func(src gocv.Mat, dst *gocv.Mat)) facedata.Quality {
	t.Helper()
	img, err := media.LoadImage(path)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	changed := gocv.NewMat()
	defer changed.Close()
	change(img, &changed)
	box := facedata.Rect{W: float64(img.Cols()), H: float64(img.Rows())}
	faces, err := e.AnalyzeBoxes(context.Background(), changed, []facedata.Rect{box})
	if err != nil {
		t.Fatal(err)
	}
	return faces[0].Quality
}

// TestQualityReasons checks the quality limits against the 40 real crops:
// as they are, nearly all are sharp, well lit and searchable; blurred, they
// are flagged blurred; darkened, too dark.
func TestQualityReasons(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.SharedData(t, "faceapi/people"), "*", "*.png"))
	e := testEngine(t)
	same := func(src gocv.Mat, dst *gocv.Mat) { src.CopyTo(dst) }
	blur := func(src gocv.Mat, dst *gocv.Mat) {
		gocv.GaussianBlur(src, dst, image.Pt(0, 0), 3, 3, gocv.BorderReflect101)
	}
	dark := func(src gocv.Mat, dst *gocv.Mat) { src.ConvertToWithParams(dst, gocv.MatTypeCV8UC3, 0.12, 0) }
	var sharp, blurred []float64
	count := map[string]int{}
	for _, f := range files {
		q := qualityOf(t, e, f, same)
		sharp = append(sharp, q.Sharpness)
		if has(q, facedata.ReasonBlurred) || has(q, facedata.ReasonTooDark) {
			count["sharp or lit flagged"]++
		}
		qb := qualityOf(t, e, f, blur)
		blurred = append(blurred, qb.Sharpness)
		if has(qb, facedata.ReasonBlurred) {
			count["blur caught"]++
		}
		if qd := qualityOf(t, e, f, dark); has(qd, facedata.ReasonTooDark) {
			count["dark caught"]++
		}
	}
	sort.Float64s(sharp)
	sort.Float64s(blurred)
	t.Logf("sharpness of real crops: min %.0f median %.0f; blurred (sigma 3): median %.0f max %.0f",
		sharp[0], sharp[len(sharp)/2], blurred[len(blurred)/2], blurred[len(blurred)-1])
	n := len(files)
	if count["sharp or lit flagged"] > n/20 {
		t.Errorf("%d of %d good crops flagged blurred or dark", count["sharp or lit flagged"], n)
	}
	if count["blur caught"] < n*95/100 {
		t.Errorf("only %d of %d blurred crops flagged blurred", count["blur caught"], n)
	}
	if count["dark caught"] < n*95/100 {
		t.Errorf("only %d of %d darkened crops flagged too dark", count["dark caught"], n)
	}
}

func has(q facedata.Quality, r facedata.Reason) bool {
	for _, x := range q.Reasons {
		if x == r {
			return true
		}
	}
	return false
}

// TestPoseMirrors checks the pose estimate on a real face and its mirror
// image: yaw changes sign, pitch stays.
func TestPoseMirrors(t *testing.T) {
	p := filepath.Join(testenv.SharedData(t, "face_recognition"), "obama2.jpg")
	e := testEngine(t)
	img, err := media.LoadImage(p)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	mirror := gocv.NewMat()
	defer mirror.Close()
	gocv.Flip(img, &mirror, 1)
	a, err := e.Analyze(context.Background(), img)
	if err != nil || len(a) != 1 {
		t.Fatalf("%d faces, %v", len(a), err)
	}
	b, err := e.Analyze(context.Background(), mirror)
	if err != nil || len(b) != 1 {
		t.Fatalf("mirror: %d faces, %v", len(b), err)
	}
	qa, qb := a[0].Quality, b[0].Quality
	t.Logf("yaw %.1f / mirrored %.1f, pitch %.1f / %.1f", qa.Yaw, qb.Yaw, qa.Pitch, qb.Pitch)
	if qa.Yaw*qb.Yaw >= 0 || abs(qa.Yaw+qb.Yaw) > 5 {
		t.Errorf("yaw %.1f and mirrored %.1f should be opposite", qa.Yaw, qb.Yaw)
	}
	if abs(qa.Pitch-qb.Pitch) > 5 {
		t.Errorf("pitch %.1f and mirrored %.1f should agree", qa.Pitch, qb.Pitch)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
