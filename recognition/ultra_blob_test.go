package recognition

import (
	"image"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"facecase/internal/testenv"
	"facecase/media"
)

// opencvUltraBlob is the input as OpenCV's blobFromImage makes it: the
// picture resized to w x h (shrinkArea or linear) at the top left of a
// mid-grey pw x ph canvas.
func opencvUltraBlob(img gocv.Mat, w, h, pw, ph int) gocv.Mat {
	canvas := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(ultraMean, ultraMean, ultraMean, 0), ph, pw, gocv.MatTypeCV8UC3)
	defer canvas.Close()
	roi := canvas.Region(image.Rect(0, 0, w, h))
	if w > img.Cols() {
		gocv.Resize(img, &roi, image.Pt(w, h), 0, 0, gocv.InterpolationLinear)
	} else {
		small := gocv.NewMat()
		shrinkArea(img, &small, image.Pt(w, h))
		small.CopyTo(&roi)
		small.Close()
	}
	roi.Close()
	return gocv.BlobFromImage(canvas, 1.0/ultraStd, image.Pt(pw, ph), gocv.NewScalar(ultraMean, ultraMean, ultraMean, 0), true, false)
}

// TestUltraBlobIsOpenCVs holds the one-pass blob to OpenCV's blobFromImage,
// value for value: a whole photo, a region of it (not continuous in
// memory), shrunk and enlarged pictures, padded and not.
func TestUltraBlobIsOpenCVs(t *testing.T) {
	img, err := media.LoadImage(filepath.Join(testenv.SharedData(t, "faceapi/golden-images"), "faces.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	region := img.Region(image.Rect(13, 7, img.Cols()-5, img.Rows()/2))
	defer region.Close()
	cases := []struct {
		name         string
		src          gocv.Mat
		w, h, pw, ph int
	}{
		{"whole, as it is", img, img.Cols(), img.Rows(), img.Cols(), img.Rows()},
		{"whole, padded", img, img.Cols(), img.Rows(), img.Cols() + 64, img.Rows() + 3},
		{"region, padded", region, region.Cols(), region.Rows(), ceilDiv(region.Cols(), 64) * 64, ceilDiv(region.Rows(), 64) * 64},
		{"shrunk", img, img.Cols() / 3, img.Rows() / 3, 320, 256},
		{"enlarged", region, 2 * region.Cols(), 2 * region.Rows(), 2*region.Cols() + 1, 2 * region.Rows()},
	}
	for _, c := range cases {
		want := opencvUltraBlob(c.src, c.w, c.h, c.pw, c.ph)
		got, err := ultraBlobPadded(c.src, c.w, c.h, c.pw, c.ph)
		if err != nil {
			want.Close()
			t.Fatalf("%s: %v", c.name, err)
		}
		wd, _ := want.DataPtrFloat32()
		gd, err := got.DataPtrFloat32()
		if err != nil || len(gd) != len(wd) || len(gd) != 3*c.pw*c.ph {
			t.Fatalf("%s: %d values, OpenCV %d, want %d (%v)", c.name, len(gd), len(wd), 3*c.pw*c.ph, err)
		}
		for i := range wd {
			if gd[i] != wd[i] {
				t.Fatalf("%s: value %d (plane %d, y %d, x %d) is %v, OpenCV's %v", c.name, i, i/(c.pw*c.ph), i%(c.pw*c.ph)/c.pw, i%c.pw, gd[i], wd[i])
			}
		}
		want.Close()
		got.Close()
	}
	if _, err := ultraBlobPadded(img, 10, 10, 5, 20); err == nil {
		t.Error("a picture larger than its input was accepted")
	}
}

// BenchmarkUltraBlob compares the one-pass blob with OpenCV's on a
// 1920x1280 photo's full-resolution level.
func BenchmarkUltraBlob(b *testing.B) {
	src := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(30, 140, 220, 0), 1280, 1920, gocv.MatTypeCV8UC3)
	defer src.Close()
	b.Run("one-pass", func(b *testing.B) {
		for b.Loop() {
			m, err := ultraBlobPadded(src, 1920, 1280, 1920, 1280)
			if err != nil {
				b.Fatal(err)
			}
			m.Close()
		}
	})
	b.Run("opencv", func(b *testing.B) {
		for b.Loop() {
			m := opencvUltraBlob(src, 1920, 1280, 1920, 1280)
			m.Close()
		}
	})
}
