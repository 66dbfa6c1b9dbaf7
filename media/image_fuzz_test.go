package media

import (
	"errors"
	"image"
	"image/color"
	"math/rand"
	"testing"
)

// FuzzReadImageHeader feeds arbitrary bytes to the header checks that run
// before any decoder: they must return a sane size, or an error that is one
// of the documented kinds (callers branch on them), never panic.
func FuzzReadImageHeader(f *testing.F) {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	f.Add(encodeJPEGBytes(img))
	f.Add(encodePNGBytes(img))
	f.Add([]byte("BM\x00\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\x10\x00\x00\x00\xf0\xff\xff\xff"))
	f.Add([]byte("II*\x00\x08\x00\x00\x00\x01\x00\x00\x01\x04\x00\x01\x00\x00\x00\xff\xff\xff\x7f"))
	f.Add([]byte("MM\x00*\x00\x00\x00\x08\x00\x02\x01\x00\x00\x03\x00\x00\x00\x01\x00\x10\x00\x00\x01\x01\x00\x04\x00\x00\x00\x01\x00\x00\x00\x10"))
	f.Add([]byte("RIFF\x1a\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\x07\x00\x00\x07\x00\x00"))
	f.Add(heicHead)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := readImageHeader(data)
		if err == nil {
			if h.Width <= 0 || h.Height <= 0 || int64(h.Width)*int64(h.Height) > MaxImagePixels {
				t.Fatalf("accepted impossible size %dx%d", h.Width, h.Height)
			}
			return
		}
		known := false
		for _, e := range []error{ErrEmptyFile, ErrUnsupportedFormat, ErrCorruptImage, ErrImageTooLarge} {
			known = known || errors.Is(err, e)
		}
		if !known {
			t.Fatalf("error %q is none of the documented kinds", err)
		}
	})
}

// TestDecodeImageSurvivesDamage flips random bytes of valid JPEG and PNG
// files: every result is a decoded image or one of our errors, and the
// process (OpenCV included) survives.
func TestDecodeImageSurvivesDamage(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	rng := rand.New(rand.NewSource(1))
	for _, good := range [][]byte{encodeJPEGBytes(img), encodePNGBytes(img)} {
		for i := 0; i < 300; i++ {
			bad := append([]byte(nil), good...)
			for k := 0; k < 1+rng.Intn(8); k++ {
				bad[rng.Intn(len(bad))] = byte(rng.Intn(256))
			}
			if rng.Intn(4) == 0 {
				bad = bad[:rng.Intn(len(bad))]
			}
			m, err := DecodeImage(bad)
			if err == nil {
				if m.Empty() {
					t.Fatal("no error and no image")
				}
				m.Close()
			}
		}
	}
}
