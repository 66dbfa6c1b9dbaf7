package recognition

import (
	"errors"
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/dlib"
	"facecase/models"
)

// Aligner places dlib's 68 landmarks on a face and cuts dlib's aligned face
// chip (150x150, padding 0.25, RGB), the input the descriptor net was
// trained on: dlib's shape predictor with dlib's get_face_chip_details and
// extract_image_chip, run by our binding (package facecase/internal/dlib).
//
// The shape predictor holds 66 MB of trees: load one Aligner and share it.
// It is safe for concurrent use (dlib documents the shape predictor as
// such) and holds no per-call state.
type Aligner struct {
	sp *dlib.ShapePredictor
}

// LandmarkModel is the installed model the engine places landmarks with:
// dlib's 68-point shape predictor in the flat form the installer writes
// (convert.DlibShapePredictor), which loads in milliseconds where dlib's
// own file takes about a second; the landmarks are the same.
const LandmarkModel = "shape-predictor-68-flat"

// LocateLandmarkModel returns the installed shape predictor: the flat file
// when it is installed, else dlib's own (an installation made before the
// flat form existed still works, with the slower load). When neither is
// there the error names the flat one and how to install it.
func LocateLandmarkModel() (string, error) {
	p, err := models.Locate(LandmarkModel)
	if errors.Is(err, models.ErrModelMissing) {
		if dat, err2 := models.Locate("shape-predictor-68"); err2 == nil {
			return dat, nil
		}
	}
	return p, err
}

// NewAligner loads dlib's 68-point shape predictor, normally found with
// models.Locate(LandmarkModel); dlib's own file
// (models.Locate("shape-predictor-68")) works too, slower to load. A
// missing file gives an error that matches fs.ErrNotExist; a damaged or
// wrong file one that matches ErrBadModel.
func NewAligner(shapePredictorPath string) (*Aligner, error) {
	sp, err := dlib.LoadShapePredictor(shapePredictorPath)
	if errors.Is(err, dlib.ErrBadModel) {
		return nil, fmt.Errorf("new aligner: %w (%w)", ErrBadModel, err)
	}
	if err != nil {
		return nil, fmt.Errorf("new aligner: %w", err)
	}
	return &Aligner{sp: sp}, nil
}

// Close releases the shape predictor once calls in flight have returned.
func (a *Aligner) Close() error { return a.sp.Close() }

// Align places the 68 landmarks (frame pixels, iBUG 300-W order) of the face
// in box and cuts its aligned chip from frame, a BGR CV_8UC3 (or grey
// CV_8UC1) Mat, which is only read.
//
// The chip is a new ChipSize x ChipSize RGB CV_8UC3 Mat that the caller
// closes: the layout the descriptor net takes, written by dlib straight into
// the Mat's buffer, so it goes to DescriptorNet.Compute without a copy.
// Face.Chip wants an *image.RGBA; that is one conversion (4 bytes a pixel)
// the caller makes once, for the chips it keeps.
//
// box should come from dlib's HOG detector, whose boxes the shape predictor
// was trained on; pass boxes of other detectors through HOGLikeBox first.
// It may reach past the frame's border.
func (a *Aligner) Align(frame gocv.Mat, box facedata.Rect) ([]facedata.Point, gocv.Mat, error) {
	view, release, err := alignFrameView(frame)
	if err != nil {
		return nil, gocv.Mat{}, fmt.Errorf("align: %w", err)
	}
	defer release()
	r, err := alignBox(box)
	if err != nil {
		return nil, gocv.Mat{}, fmt.Errorf("align: %w", err)
	}
	lm, err := a.sp.Landmarks(view, r)
	if err != nil {
		return nil, gocv.Mat{}, fmt.Errorf("align face at %v: %w", box, err)
	}
	chip := gocv.NewMatWithSize(ChipSize, ChipSize, gocv.MatTypeCV8UC3)
	dst, err := chip.DataPtrUint8()
	if err == nil {
		err = dlib.FaceChipInto(dst, chip.Step(), view, lm, ChipSize, ChipPadding)
	}
	if err != nil {
		chip.Close()
		return nil, gocv.Mat{}, fmt.Errorf("align face at %v: %w", box, err)
	}
	points := make([]facedata.Point, facedata.LandmarkCount)
	for i, p := range lm {
		points[i] = facedata.Point{X: p.X, Y: p.Y}
	}
	return points, chip, nil
}

// alignBox rounds a box to whole pixels for dlib.
func alignBox(b facedata.Rect) (image.Rectangle, error) {
	for _, v := range []float64{b.X, b.Y, b.W, b.H} {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1<<20 {
			return image.Rectangle{}, fmt.Errorf("box %v is not in pixels", b)
		}
	}
	r := b.Image()
	if r.Empty() {
		return image.Rectangle{}, fmt.Errorf("empty box %v", b)
	}
	return r, nil
}

// alignFrameView shows an 8-bit BGR or grey Mat to dlib without copying.
// A Mat that is not continuous (a region of a larger one) is copied first;
// release frees that copy.
func alignFrameView(m gocv.Mat) (dlib.Image, func(), error) {
	format := dlib.BGR
	switch {
	case m.Empty():
		return dlib.Image{}, nil, fmt.Errorf("%w: empty", ErrBadFrame)
	case m.Type() == gocv.MatTypeCV8UC1:
		format = dlib.Gray
	case m.Type() != gocv.MatTypeCV8UC3:
		return dlib.Image{}, nil, fmt.Errorf("%w: type %v", ErrBadFrame, m.Type())
	}
	release := func() {}
	if !m.IsContinuous() {
		c := m.Clone()
		m, release = c, func() { c.Close() }
	}
	pix, err := m.DataPtrUint8()
	if err != nil {
		release()
		return dlib.Image{}, nil, fmt.Errorf("%w: %v", ErrBadFrame, err)
	}
	return dlib.Image{Pix: pix, Width: m.Cols(), Height: m.Rows(), Stride: m.Step(), Format: format}, release, nil
}

// alignBoxFit is how a detector's box relates to dlib's HOG box on the
// same face: the HOG box's centre is moved by DX box widths and DY box
// heights, and its size is SW x SH times the box's.
type alignBoxFit struct {
	DX, DY, SW, SH float64
	// SG, when above 0, makes the box a square of SG times the geometric
	// mean of the box's width and height (SW and SH are unused): for a
	// detector whose boxes vary in shape, such as UltraFace's.
	SG float64
}

// alignBoxFits were measured on the faces both detectors found in the
// shared test photos (faceapi people and golden images, face_recognition
// photos and knn examples; HOG upsampled once): the mean relation per
// detector. Fitted on half the faces and tested on the other half, the
// correction brought the landmarks placed in the detector's box closer to
// those placed in the HOG box (mean error over the 68 points, in
// inter-ocular distances): SSD 0.051 -> 0.035 (median 0.035 -> 0.016,
// 69 faces), BlazeFace 0.056 -> 0.050 (median 0.017 -> 0.016, 106 faces),
// Haar 0.027 -> 0.021 (median 0.016 -> 0.014, 82 faces). UltraFace (the
// engine's pyramid boxes on the same photos, 57 faces): its boxes are
// taller than HOG's by 1.0 to 1.8 times their width, so the fitted
// per-axis scale (SW 1.133, SH 0.797: 0.077 -> 0.045) misplaced the
// landmarks of faces whose box is squarer, such as tight crops; a square
// of 0.95 times the geometric mean side gives 0.077 -> 0.043 (median 0.034
// -> 0.016) and fits both.
var alignBoxFits = map[facedata.DetectorName]alignBoxFit{
	facedata.UltraFace: {DX: -0.009, DY: -0.019, SG: 0.95},
	facedata.SSD:       {DX: 0.007, DY: 0.067, SW: 1.137, SH: 0.821},
	facedata.BlazeFace: {DX: -0.021, DY: 0.003, SW: 1.059, SH: 1.059},
	facedata.Haar:      {DX: -0.009, DY: 0.099, SW: 0.974, SH: 0.972},
}

// HOGLikeBox maps a box from the named detector to the box dlib's HOG
// detector would give for the same face, the kind of box the shape
// predictor was trained on (see alignBoxFits for what was measured). Boxes
// of facedata.HOG and of unknown detectors are returned unchanged.
func HOGLikeBox(detectorName facedata.DetectorName, box facedata.Rect) facedata.Rect {
	f, ok := alignBoxFits[detectorName]
	if !ok {
		return box
	}
	c := box.Center()
	w, h := box.W*f.SW, box.H*f.SH
	if f.SG > 0 {
		w = f.SG * math.Sqrt(box.W*box.H)
		h = w
	}
	return facedata.Rect{X: c.X + f.DX*box.W - w/2, Y: c.Y + f.DY*box.H - h/2, W: w, H: h}
}
