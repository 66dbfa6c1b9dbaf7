package dlib

import (
	"errors"
	"image"
	"reflect"
	"sync"
	"testing"

	"facecase/internal/testenv"
)

// iou is intersection over union of two boxes.
func iou(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	if in.Empty() {
		return 0
	}
	ai, aa, ab := in.Dx()*in.Dy(), a.Dx()*a.Dy(), b.Dx()*b.Dy()
	return float64(ai) / float64(aa+ab-ai)
}

func TestHOGFindsOneFaceAtEveryUpsampling(t *testing.T) {
	im := loadBGR(t, testenv.SharedData(t, "face_recognition/obama_small.jpg"))
	d, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	base := onlyFace(t, d, im, 0)
	if base.Confidence <= 0 || base.Rect.Dx() < 80 || !base.Rect.In(image.Rect(0, 0, im.Width, im.Height)) {
		t.Fatalf("implausible detection %+v in %dx%d image", base, im.Width, im.Height)
	}
	for up := 1; up <= 2; up++ {
		got := onlyFace(t, d, im, up)
		if v := iou(got.Rect, base.Rect); v < 0.6 {
			t.Errorf("upsample %d: box %v, upsample 0 box %v, IoU %.2f: boxes not mapped back", up, got.Rect, base.Rect, v)
		}
	}
}

func TestHOGFindsNothingInABlankImage(t *testing.T) {
	im := loadBGR(t, testenv.SharedData(t, "faceapi/golden-images/white.png"))
	d, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	dets, err := d.Detect(im, 1, 0)
	if err != nil || len(dets) != 0 {
		t.Fatalf("white image: %v, %v; want no faces", dets, err)
	}
}

func TestHOGReadsStridedAndGrayImages(t *testing.T) {
	im := loadBGR(t, testenv.SharedData(t, "face_recognition/obama.jpg"))
	d, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want, err := d.Detect(im, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Detect(padded(im, 13), 0, 0)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("padded rows: %v, %v; packed rows: %v", got, err, want)
	}
	gray := onlyFace(t, d, grayOf(im), 0)
	if v := iou(gray.Rect, want[0].Rect); v < 0.7 {
		t.Errorf("gray box %v, colour box %v: IoU %.2f", gray.Rect, want[0].Rect, v)
	}
	if _, err := d.Detect(padded(grayOf(im), 5), 0, 0); err != nil {
		t.Error(err)
	}
}

func TestHOGConcurrentCallsAgree(t *testing.T) {
	im := loadBGR(t, testenv.SharedData(t, "faceapi/golden-images/faces.jpg"))
	d, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want, err := d.Detect(im, 1, -0.5)
	if err != nil || len(want) < 6 {
		t.Fatalf("want at least the 6 faces: %v, %v", want, err)
	}
	var wg sync.WaitGroup
	results := make([][]ScoredRect, 4)
	errs := make([]error, 4)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 3 && errs[g] == nil; i++ {
				results[g], errs[g] = d.Detect(im, 1, -0.5)
				if errs[g] == nil && !reflect.DeepEqual(results[g], want) {
					return
				}
			}
		}()
	}
	wg.Wait()
	for g := range results {
		if errs[g] != nil || !reflect.DeepEqual(results[g], want) {
			t.Errorf("goroutine %d: %v, %v; want %v", g, results[g], errs[g], want)
		}
	}
}

func TestHOGArgumentsAndClose(t *testing.T) {
	d, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	small := Image{Pix: make([]byte, 3*64*64), Width: 64, Height: 64, Stride: 3 * 64, Format: BGR}
	for _, up := range []int{-1, MaxUpsample + 1} {
		if _, err := d.Detect(small, up, 0); !errors.Is(err, ErrBadArgument) {
			t.Errorf("upsample %d: %v, want ErrBadArgument", up, err)
		}
	}
	big := Image{Pix: make([]byte, 3*4100*4100), Width: 4100, Height: 4100, Stride: 3 * 4100, Format: BGR}
	if _, err := d.Detect(big, 1, 0); !errors.Is(err, ErrBadImage) {
		t.Errorf("16.8 MP upsampled once (67 MP): %v, want ErrBadImage", err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := d.Detect(small, 0, 0); !errors.Is(err, ErrClosed) {
		t.Errorf("Detect after Close: %v, want ErrClosed", err)
	}
}

func BenchmarkNewHOGDetector(b *testing.B) {
	for i := 0; i < b.N; i++ {
		d, err := NewHOGDetector()
		if err != nil {
			b.Fatal(err)
		}
		d.Close()
	}
}

func BenchmarkHOGDetectorCopy(b *testing.B) {
	d, err := NewHOGDetector()
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h, err := d.take()
		if err != nil {
			b.Fatal(err)
		}
		freeHOG(h)
	}
}
