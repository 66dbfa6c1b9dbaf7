package recognition

import (
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"
)

// personInput is a frame as a person net sees it: resized by scale into the
// top-left of a canvas whose sides are multiples of the net's stride.
type personInput struct {
	scale float64
	w, h  int      // canvas
	blob  gocv.Mat // NCHW float32, channels in the net's order; Close it
}

// personScale is the resize factor that makes a person of minHeight frame
// pixels netMin pixels tall, at most 2 (enlarging further finds nothing
// the net has not been shown) and within maxPixels of canvas.
func personScale(cols, rows, minHeight int, netMin float64, maxPixels int) float64 {
	s := math.Min(netMin/float64(minHeight), 2)
	if area := float64(cols) * float64(rows) * s * s; area > float64(maxPixels) {
		s *= math.Sqrt(float64(maxPixels) / area)
	}
	return s
}

// canvasSide rounds a side up to a multiple of stride.
func canvasSide(side float64, stride int) int {
	return max(stride, int(math.Ceil(side/float64(stride)))*stride)
}

// makePersonInput resizes a BGR image by scale and lays it out NCHW with
// norm applied to every pixel's (B, G, R); the canvas beyond the picture is
// filled with pad (already normalised).
func makePersonInput(img gocv.Mat, scale float64, stride int, norm func(b, g, r uint8) [3]float32, pad [3]float32) (personInput, error) {
	if img.Empty() || img.Type() != gocv.MatTypeCV8UC3 {
		return personInput{}, fmt.Errorf("%w (got type %v)", ErrBadFrame, img.Type())
	}
	in := personInput{scale: scale,
		w: canvasSide(float64(img.Cols())*scale, stride),
		h: canvasSide(float64(img.Rows())*scale, stride)}
	sw := min(in.w, max(1, int(math.Round(float64(img.Cols())*scale))))
	sh := min(in.h, max(1, int(math.Round(float64(img.Rows())*scale))))
	src := img
	if sw != img.Cols() || sh != img.Rows() {
		interp := gocv.InterpolationArea
		if scale > 1 {
			interp = gocv.InterpolationLinear
		}
		small := gocv.NewMat()
		defer small.Close()
		gocv.Resize(img, &small, image.Pt(sw, sh), 0, 0, interp)
		src = small
	}
	if !src.IsContinuous() {
		c := src.Clone()
		defer c.Close()
		src = c
	}
	pix, err := src.DataPtrUint8()
	if err != nil {
		return personInput{}, fmt.Errorf("person input: %w", err)
	}
	in.blob = gocv.NewMatWithSizes([]int{1, 3, in.h, in.w}, gocv.MatTypeCV32F)
	data, err := in.blob.DataPtrFloat32()
	if err != nil {
		in.blob.Close()
		return personInput{}, fmt.Errorf("person input: %w", err)
	}
	plane := in.w * in.h
	for c := 0; c < 3; c++ {
		p := data[c*plane : (c+1)*plane]
		for i := range p {
			p[i] = pad[c]
		}
	}
	for y := 0; y < sh; y++ {
		row := pix[3*y*sw : 3*(y+1)*sw]
		o := y * in.w
		for x := 0; x < sw; x++ {
			v := norm(row[3*x], row[3*x+1], row[3*x+2])
			data[o+x] = v[0]
			data[plane+o+x] = v[1]
			data[2*plane+o+x] = v[2]
		}
	}
	return in, nil
}
