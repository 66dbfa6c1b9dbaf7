package session

import (
	"fmt"
	"image"

	"gocv.io/x/gocv"
)

// ToRGBA copies an 8-bit BGR Mat into an RGBA image, reusing dst when it
// has the right size (pass nil for a new one).
func ToRGBA(m gocv.Mat, dst *image.RGBA) (*image.RGBA, error) {
	if m.Empty() || m.Type() != gocv.MatTypeCV8UC3 {
		return nil, fmt.Errorf("to RGBA: want an 8-bit BGR image, got type %v", m.Type())
	}
	w, h := m.Cols(), m.Rows()
	if dst == nil || dst.Rect.Dx() != w || dst.Rect.Dy() != h {
		dst = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	rgba := gocv.NewMat()
	defer rgba.Close()
	gocv.CvtColor(m, &rgba, gocv.ColorBGRToRGBA)
	px, err := rgba.DataPtrUint8()
	if err != nil {
		return nil, fmt.Errorf("to RGBA: %w", err)
	}
	if !rgba.IsContinuous() || len(px) != len(dst.Pix) {
		return nil, fmt.Errorf("to RGBA: unexpected layout of a %dx%d image", w, h)
	}
	copy(dst.Pix, px)
	return dst, nil
}

// FitWithin scales m down (never up) so that it fits in a side x side
// square, keeping its aspect ratio. The caller closes the result.
func FitWithin(m gocv.Mat, side int) gocv.Mat {
	w, h := m.Cols(), m.Rows()
	s := min(1, float64(side)/float64(max(w, h)))
	out := gocv.NewMat()
	if s >= 1 {
		m.CopyTo(&out)
		return out
	}
	nw, nh := max(1, int(float64(w)*s+0.5)), max(1, int(float64(h)*s+0.5))
	gocv.Resize(m, &out, image.Pt(nw, nh), 0, 0, gocv.InterpolationArea)
	return out
}
