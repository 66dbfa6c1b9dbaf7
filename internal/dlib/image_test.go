package dlib

import (
	"errors"
	"testing"
)

func TestImageCheckRejectsBadViews(t *testing.T) {
	pix := make([]byte, 30)
	for name, im := range map[string]Image{
		"empty":          {},
		"zero height":    {Pix: pix, Width: 2, Height: 0, Stride: 6, Format: BGR},
		"unknown format": {Pix: pix, Width: 2, Height: 2, Stride: 6, Format: PixelFormat(7)},
		"short stride":   {Pix: pix, Width: 3, Height: 2, Stride: 8, Format: BGR},
		"short buffer":   {Pix: pix, Width: 4, Height: 3, Stride: 12, Format: BGR},
		"too wide":       {Pix: pix, Width: 1 << 16, Height: 1, Stride: 3 << 16, Format: BGR},
	} {
		if err := im.check(); !errors.Is(err, ErrBadImage) {
			t.Errorf("%s: check = %v, want ErrBadImage", name, err)
		}
	}
	// The last row needs only its pixels, not a full stride.
	ok := Image{Pix: make([]byte, 2*8+6), Width: 2, Height: 3, Stride: 8, Format: BGR}
	if err := ok.check(); err != nil {
		t.Errorf("padded rows: %v", err)
	}
	gray := Image{Pix: make([]byte, 6), Width: 3, Height: 2, Stride: 3, Format: Gray}
	if err := gray.check(); err != nil {
		t.Errorf("gray: %v", err)
	}
}

func TestMethodsRejectBadImages(t *testing.T) {
	bad := Image{Pix: make([]byte, 10), Width: 10, Height: 10, Stride: 30, Format: BGR}
	d, err := NewHOGDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Detect(bad, 0, 0); !errors.Is(err, ErrBadImage) {
		t.Errorf("Detect: %v, want ErrBadImage", err)
	}
	if err := FaceChipInto(make([]byte, 3*150*150), 3*150, bad, [LandmarkCount]Point{}, 150, 0.25); !errors.Is(err, ErrBadImage) {
		t.Errorf("FaceChipInto: %v, want ErrBadImage", err)
	}
}
