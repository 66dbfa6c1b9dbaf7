package recognition

import (
	"fmt"
	"unsafe"

	"gocv.io/x/gocv"

	"facecase/internal/dlibface"
)

// FaceAligner places dlib's 68 landmarks in a face box and cuts dlib's aligned
// 150x150 face chip (padding 0.25), the input the descriptor net was trained
// on. It is safe for concurrent use.
type FaceAligner struct {
	sp *dlibface.ShapePredictor
}

// NewFaceAligner loads dlib's 68-point shape predictor (about 1 s for the 99 MB
// file; load once and share).
func NewFaceAligner(shapePredictorPath string) (*FaceAligner, error) {
	sp, err := dlibface.LoadShapePredictor(shapePredictorPath)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	return &FaceAligner{sp: sp}, nil
}

// Close releases the shape predictor.
func (a *FaceAligner) Close() error { return a.sp.Close() }

// Align returns the 68 landmarks (frame pixels) of the face in box and its
// aligned chip as a new RGB 8UC3 150x150 Mat, which the caller closes.
func (a *FaceAligner) Align(frame gocv.Mat, box Rect) ([]Point, gocv.Mat, error) {
	view, release, err := dlibView(frame)
	if err != nil {
		return nil, gocv.Mat{}, err
	}
	defer release()
	b := box.Clip(frame.Cols(), frame.Rows())
	if b.Area() == 0 {
		return nil, gocv.Mat{}, fmt.Errorf("align: box %v is outside the %dx%d frame", box, frame.Cols(), frame.Rows())
	}
	lm, err := a.sp.Landmarks(view, b.X, b.Y, b.X+b.W, b.Y+b.H)
	if err != nil {
		return nil, gocv.Mat{}, fmt.Errorf("align: %w", err)
	}
	chip := gocv.NewMatWithSize(ChipSize, ChipSize, gocv.MatTypeCV8UC3)
	dst, err := chip.DataPtrUint8()
	if err == nil {
		err = dlibface.FaceChip(view, lm, ChipSize, ChipPadding, unsafe.Pointer(&dst[0]))
	}
	if err != nil {
		chip.Close()
		return nil, gocv.Mat{}, fmt.Errorf("align: %w", err)
	}
	points := make([]Point, len(lm))
	for i, p := range lm {
		points[i] = Point{p.X, p.Y}
	}
	return points, chip, nil
}

// dlibView exposes a BGR or grey 8-bit Mat to dlib without copying; a Mat
// that is not continuous (a region of a larger one) is copied first.
func dlibView(m gocv.Mat) (dlibface.Image, func(), error) {
	channels := map[gocv.MatType]int{gocv.MatTypeCV8UC3: 3, gocv.MatTypeCV8UC1: 1}[m.Type()]
	if m.Empty() || channels == 0 {
		return dlibface.Image{}, nil, ErrBadFrame
	}
	release := func() {}
	if !m.IsContinuous() {
		c := m.Clone()
		m = c
		release = func() { c.Close() }
	}
	b, err := m.DataPtrUint8()
	if err != nil || len(b) == 0 {
		release()
		return dlibface.Image{}, nil, fmt.Errorf("%w: %v", ErrBadFrame, err)
	}
	return dlibface.Image{Pix: unsafe.Pointer(&b[0]), Width: m.Cols(), Height: m.Rows(), Stride: m.Step(), Channels: channels}, release, nil
}
