package recognition

import (
	"fmt"
	"image"
	"math"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"facecase/media"
	"facecase/models"
)

// TestShrinkAreaIsCloseToOneResize: halving first gives the size asked for
// and, on a photo, pixels within half a level on average of OpenCV's single
// area resize; where no halving applies (an exact 2x, odd sides, too
// little to halve) the pixels are OpenCV's own.
func TestShrinkAreaIsCloseToOneResize(t *testing.T) {
	dir, err := models.SamplesDir()
	if err != nil {
		t.Fatal(err)
	}
	photo, err := media.LoadImage(filepath.Join(dir, "sample1.jpg")) // 1920x1280
	if err != nil {
		t.Fatal(err)
	}
	defer photo.Close()
	noise := gocv.NewMatWithSize(961, 1281, gocv.MatTypeCV8UC3)
	defer noise.Close()
	gocv.RandU(&noise, gocv.NewScalar(0, 0, 0, 0), gocv.NewScalar(255, 255, 255, 0))
	even := noise.Region(image.Rect(0, 0, 1280, 960))
	defer even.Close()
	for _, c := range []struct {
		name  string
		src   gocv.Mat
		to    image.Point
		exact bool
	}{
		{"photo, the coarse pass", photo, image.Pt(320, 213), false},
		{"photo, a whole 4x", photo, image.Pt(480, 320), false},
		{"one exact halving", even, image.Pt(640, 480), true},
		{"odd sides", noise, image.Pt(320, 240), true},
		{"too little to halve", noise, image.Pt(1000, 700), true},
	} {
		want, got := gocv.NewMat(), gocv.NewMat()
		gocv.Resize(c.src, &want, c.to, 0, 0, gocv.InterpolationArea)
		shrinkArea(c.src, &got, c.to)
		if got.Cols() != c.to.X || got.Rows() != c.to.Y || got.Type() != gocv.MatTypeCV8UC3 {
			t.Fatalf("%s: got %dx%d of type %v, want %v", c.name, got.Cols(), got.Rows(), got.Type(), c.to)
		}
		wd, _ := want.DataPtrUint8()
		gd, _ := got.DataPtrUint8()
		worst, sum := 0.0, 0.0
		for i := range wd {
			d := math.Abs(float64(gd[i]) - float64(wd[i]))
			worst, sum = math.Max(worst, d), sum+d
		}
		mean := sum / float64(len(wd))
		t.Logf("%s: %.3f levels from OpenCV's resize on average, at most %v", c.name, mean, worst)
		if c.exact && worst != 0 {
			t.Errorf("%s: a pixel is %v levels from OpenCV's resize, want the same pixels", c.name, worst)
		}
		if mean > 0.5 {
			t.Errorf("%s: %.2f levels from OpenCV's resize on average, want at most 0.5", c.name, mean)
		}
		want.Close()
		got.Close()
	}
}

// BenchmarkShrinkArea compares shrinkArea with one OpenCV area resize for
// UltraFace's coarse pass over a 1920x1280 photo.
func BenchmarkShrinkArea(b *testing.B) {
	src := gocv.NewMatWithSize(1280, 1920, gocv.MatTypeCV8UC3)
	defer src.Close()
	gocv.RandU(&src, gocv.NewScalar(0, 0, 0, 0), gocv.NewScalar(255, 255, 255, 0))
	dst := gocv.NewMat()
	defer dst.Close()
	for _, to := range []image.Point{{320, 213}, {480, 320}} {
		b.Run(fmt.Sprintf("halvings/%dx%d", to.X, to.Y), func(b *testing.B) {
			for b.Loop() {
				shrinkArea(src, &dst, to)
			}
		})
		b.Run(fmt.Sprintf("opencv/%dx%d", to.X, to.Y), func(b *testing.B) {
			for b.Loop() {
				gocv.Resize(src, &dst, to, 0, 0, gocv.InterpolationArea)
			}
		})
	}
}

// TestShrinkAreaInBandsIsTheWholeHalving: halving band by band gives the
// pixels of halving the whole picture step by step (the bands' rows are
// multiples of 2^halvings), for a region of a larger frame as well, and
// the bands stay within halvingBandRows source rows.
func TestShrinkAreaInBandsIsTheWholeHalving(t *testing.T) {
	frame := gocv.NewMatWithSize(2200, 3000, gocv.MatTypeCV8UC3)
	defer frame.Close()
	gocv.RandU(&frame, gocv.NewScalar(0, 0, 0, 0), gocv.NewScalar(255, 255, 255, 0))
	region := frame.Region(image.Rect(8, 40, 2824, 2024)) // 2816x1984, not continuous
	defer region.Close()
	for _, c := range []struct {
		src gocv.Mat
		to  image.Point
	}{
		{frame, image.Pt(187, 137)},  // three halvings, 1100 rows in 512-row bands
		{frame, image.Pt(700, 520)},  // one halving
		{region, image.Pt(170, 120)}, // three halvings of a region
	} {
		n := areaHalvings(c.src.Cols(), c.src.Rows(), c.to)
		if band := halvingBandRows(n); band%(1<<n) != 0 || c.src.Rows() <= band {
			t.Fatalf("%v: %d halvings in bands of %d rows of %d: want a multiple of 2^n, several bands", c.to, n, band, c.src.Rows())
		}
		want := wholeHalvings(c.src, c.to)
		got := gocv.NewMat()
		shrinkArea(c.src, &got, c.to)
		diff := gocv.NewMat()
		gocv.AbsDiff(want, got, &diff)
		if got.Cols() != c.to.X || got.Rows() != c.to.Y {
			t.Errorf("%v: got %dx%d", c.to, got.Cols(), got.Rows())
		} else if nz := gocv.CountNonZero(diff.Reshape(1, 0)); nz != 0 {
			t.Errorf("%v after %d halvings: %d values differ from the whole picture's halvings", c.to, n, nz)
		}
		want.Close()
		got.Close()
		diff.Close()
	}
}

// wholeHalvings is shrinkArea as it was before the bands: every halving
// of the whole picture held at once.
func wholeHalvings(src gocv.Mat, size image.Point) gocv.Mat {
	cur := src.Clone()
	for cur.Cols()%2 == 0 && cur.Rows()%2 == 0 && cur.Cols() >= 4*size.X && cur.Rows() >= 4*size.Y {
		half := gocv.NewMat()
		gocv.Resize(cur, &half, image.Pt(cur.Cols()/2, cur.Rows()/2), 0, 0, gocv.InterpolationArea)
		cur.Close()
		cur = half
	}
	out := gocv.NewMat()
	gocv.Resize(cur, &out, size, 0, 0, gocv.InterpolationArea)
	cur.Close()
	return out
}
