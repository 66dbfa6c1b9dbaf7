package eval

import (
	"context"
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/media"
)

// pixelEmbedder is a real, if weak, stand-in for the engine: it decodes the
// image with media.LoadImage and uses its 16x8 grey thumbnail, centred and
// scaled to unit length, as the descriptor. A flat image has "no face".
// End-to-end tests run on it without models; engine_e2e_test.go runs the
// same checks with the recognition engine.
type pixelEmbedder struct{}

func (pixelEmbedder) ModelID() string { return "test-pixels-16x8" }

func (pixelEmbedder) Embed(ctx context.Context, path string) (facedata.Descriptor, error) {
	var d facedata.Descriptor
	img, err := media.LoadImage(path)
	if err != nil {
		return d, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	defer img.Close()
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(img, &grey, gocv.ColorBGRToGray)
	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(grey, &small, image.Pt(16, 8), 0, 0, gocv.InterpolationArea)
	px := small.ToBytes()
	var mean float64
	for _, v := range px {
		mean += float64(v)
	}
	mean /= float64(len(px))
	var ss float64
	for i, v := range px {
		x := float64(v) - mean
		d[i] = float32(x)
		ss += x * x
	}
	if math.Sqrt(ss/float64(len(px))) < 1 {
		return facedata.Descriptor{}, fmt.Errorf("%s: flat image: %w", path, ErrNoFace)
	}
	n := float32(math.Sqrt(ss))
	for i := range d {
		d[i] /= n
	}
	return d, nil
}
