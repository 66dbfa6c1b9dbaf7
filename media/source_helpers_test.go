package media

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"
)

// Frames made by these helpers carry their number in eight black or white
// bars across the top, which survive any codec: a test reads the number
// back to check which frame it got. The bars are a thin band, so that
// consecutive frames are not a scene cut.

// numberedFrame draws frame n (0..255) as an RGBA image.
func numberedFrame(n, w, h int) *image.RGBA { return numberedFrameShot(n, w, h, false) }

// numberedFrameShot draws frame n of one of two very different shots.
func numberedFrameShot(n, w, h int, second bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(60 + x*100/w), uint8(80 + y*100/h), 120, 255}
			if second {
				c = color.RGBA{uint8(250 - x*60/w), 40, uint8(200 - y*100/h), 255}
			}
			if y < h/12 {
				bit := x * 8 / w
				c = color.RGBA{0, 0, 0, 255}
				if n>>(7-bit)&1 == 1 {
					c = color.RGBA{255, 255, 255, 255}
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// frameNumber reads the number drawn by numberedFrame from a BGR Mat.
func frameNumber(t *testing.T, m gocv.Mat) int {
	t.Helper()
	w, h := m.Cols(), m.Rows()
	n := 0
	for bit := 0; bit < 8; bit++ {
		x := (2*bit + 1) * w / 16
		v := m.GetVecbAt(h/24, x)
		n <<= 1
		if int(v[0])+int(v[1])+int(v[2]) > 3*128 {
			n |= 1
		}
	}
	return n
}

func rgbaToMat(t *testing.T, img *image.RGBA) gocv.Mat {
	t.Helper()
	m, err := gocv.ImageToMatRGB(img)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// writeNumberedVideo writes n numbered frames at 25 fps with OpenCV.
func writeNumberedVideo(t *testing.T, name, codec string, n, w, h int) string {
	t.Helper()
	return writeShotVideo(t, name, codec, n, w, h, n)
}

// writeShotVideo writes n numbered frames with a cut to a second shot at
// frame cut.
func writeShotVideo(t *testing.T, name, codec string, n, w, h, cut int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	vw, err := gocv.VideoWriterFile(path, codec, 25, w, h, true)
	if err != nil || !vw.IsOpened() {
		t.Fatalf("cannot write %s with %s: %v", name, codec, err)
	}
	for i := 0; i < n; i++ {
		m := rgbaToMat(t, numberedFrameShot(i, w, h, i >= cut))
		if err := vw.Write(m); err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
	vw.Close()
	return path
}

func numberedJPEG(t *testing.T, n, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, numberedFrame(n, w, h), &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readAll reads frames until Next fails and returns them closed, with the
// final error.
func readAll(t *testing.T, src Source) (indices, numbers []int, err error) {
	t.Helper()
	for {
		f, e := src.Next(context.Background())
		if e != nil {
			return indices, numbers, e
		}
		indices = append(indices, f.Index)
		numbers = append(numbers, frameNumber(t, f.Mat))
		f.Close()
	}
}
