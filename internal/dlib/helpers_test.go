package dlib

import (
	"image"
	"image/draw"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"sync"
	"testing"

	"facecase/internal/testenv"
)

// loadBGR decodes a photo with Go's decoders into a packed BGR Image, so
// these tests do not depend on OpenCV.
func loadBGR(t testing.TB, path string) Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	b := src.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), src, b.Min, draw.Src)
	im := Image{Pix: make([]byte, 3*b.Dx()*b.Dy()), Width: b.Dx(), Height: b.Dy(), Stride: 3 * b.Dx(), Format: BGR}
	for i := 0; i < b.Dx()*b.Dy(); i++ {
		im.Pix[3*i], im.Pix[3*i+1], im.Pix[3*i+2] = rgba.Pix[4*i+2], rgba.Pix[4*i+1], rgba.Pix[4*i]
	}
	return im
}

// grayOf is dlib's own intensity of a BGR pixel, (r+g+b)/3, so that dlib
// sees the same intensities in both images.
func grayOf(im Image) Image {
	g := Image{Pix: make([]byte, im.Width*im.Height), Width: im.Width, Height: im.Height, Stride: im.Width, Format: Gray}
	for y := 0; y < im.Height; y++ {
		for x := 0; x < im.Width; x++ {
			p := im.Pix[y*im.Stride+3*x:]
			g.Pix[y*g.Stride+x] = byte((int(p[0]) + int(p[1]) + int(p[2])) / 3)
		}
	}
	return g
}

// padded copies im into a buffer with pad spare bytes at the end of every
// row, as a region of a larger OpenCV Mat has.
func padded(im Image, pad int) Image {
	row := im.Width * im.Format.bytesPerPixel()
	out := Image{Pix: make([]byte, im.Height*(row+pad)), Width: im.Width, Height: im.Height, Stride: row + pad, Format: im.Format}
	for y := 0; y < im.Height; y++ {
		copy(out.Pix[y*out.Stride:y*out.Stride+row], im.Pix[y*im.Stride:])
		for i := row; i < row+pad; i++ {
			out.Pix[y*out.Stride+i] = 0xA5 // must never be read as a pixel
		}
	}
	return out
}

var (
	predictorOnce sync.Once
	predictor     *ShapePredictor
	predictorErr  error
)

// sharedPredictor loads the installed 68-point model once per test binary.
func sharedPredictor(t testing.TB) *ShapePredictor {
	t.Helper()
	path := testenv.Model(t, "shape-predictor-68")
	predictorOnce.Do(func() { predictor, predictorErr = LoadShapePredictor(path) })
	if predictorErr != nil {
		t.Fatal(predictorErr)
	}
	return predictor
}

// onlyFace runs the HOG detector and requires exactly one face.
func onlyFace(t testing.TB, d *HOGDetector, im Image, upsample int) ScoredRect {
	t.Helper()
	dets, err := d.Detect(im, upsample, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(dets) != 1 {
		t.Fatalf("HOG found %d faces, want 1: %v", len(dets), dets)
	}
	return dets[0]
}
