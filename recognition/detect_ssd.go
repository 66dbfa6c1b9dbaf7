package recognition

import (
	"context"
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/ort"
	"facecase/models/convert"
)

// SSDOptions tune the SSD MobileNet v1 detector.
type SSDOptions struct {
	// MinScore is the lowest face score kept (default 0.5, face-api's
	// minConfidence).
	MinScore float32
	// IOU is the overlap above which non-maximum suppression drops the
	// lower-scored box (default 0.5, face-api's).
	IOU float64
	// Runtime is the inference runtime: RuntimeORT (default) or
	// RuntimeOpenCV.
	Runtime string
}

// ssdMinFaceInput is the smallest face side, in pixels of the 512 input,
// that the SSD finds reliably; see SSDDetector.MinFaceInput.
const ssdMinFaceInput = 44

// SSDDetector is face-api's SSD MobileNet v1 face detector (trained on
// WIDER FACE), run on ONNX Runtime (or OpenCV DNN) from the ONNX model
// convert.SSDMobileNetV1 writes. It sees the whole image at 512x512, so
// faces smaller than MinFaceInput/512 of the image's longer side (about
// 1/12) need tiling (the engine does that). It is safe for concurrent use.
type SSDDetector struct {
	opts SSDOptions
	net  netRunner
	// side is the input's side, anchors the number of anchors the model
	// scores (512 and convert.SSDAnchorCount, or the small model's).
	side, anchors int
}

// NewSSDDetector loads the converted model. The file is checked before a
// runtime reads it (OpenCV aborts the process on a malformed model) and the
// net is run once, so a missing or broken model fails here and the first
// Detect is not slow; a file that is not the SSD model gives an error
// matching ErrBadModel.
func NewSSDDetector(modelPath string, opts SSDOptions) (*SSDDetector, error) {
	return newSSDDetector("ssd detector", modelPath, opts, convert.CheckSSDMobileNetV1, convert.SSDInputSize, convert.SSDAnchorCount)
}

// NewSmallSSDDetector loads the same detector converted for a 256x256
// input (convert.SSDMobileNetV1Small, model "ssd-small"): a quarter of the
// 512 model's work, for pictures that fit 256 pixels, such as the
// verifier's mosaics of up to four candidates. It finds faces of the same
// size in input pixels (MinFaceInput) as the 512 model.
func NewSmallSSDDetector(modelPath string, opts SSDOptions) (*SSDDetector, error) {
	return newSSDDetector("small ssd detector", modelPath, opts, convert.CheckSSDMobileNetV1Small, convert.SSDSmallInputSize, convert.SSDSmallAnchorCount)
}

// newSSDDetector loads an SSD model of a side x side input scoring anchors
// anchors, checked with check.
func newSSDDetector(what, modelPath string, opts SSDOptions, check func([]byte) error, side, anchors int) (*SSDDetector, error) {
	if opts.MinScore <= 0 {
		opts.MinScore = 0.5
	}
	if opts.IOU <= 0 {
		opts.IOU = 0.5
	}
	net, err := loadNet(what, modelPath, check, opts.Runtime, fixedShapes,
		convert.SSDInputName, []int64{1, 3, int64(side), int64(side)})
	if err != nil {
		return nil, err
	}
	return &SSDDetector{opts: opts, net: net, side: side, anchors: anchors}, nil
}

// Name is facedata.SSD.
func (d *SSDDetector) Name() facedata.DetectorName { return facedata.SSD }

// InputSize is the side of the square the model sees: 512, or 256 for the
// small model.
func (d *SSDDetector) InputSize() int { return d.side }

// MinFaceInput is the smallest face, in pixels of the input, found
// reliably (the same at either input size). Measured at 512 with the 40
// real crops of faceapi/people pasted on clutter (TestSSDMinFaceInput):
// recall 0.53 at 32 px, 0.68 at 36, 0.90 at 40, 0.975 at 44, 1.0 at 48
// and above.
func (d *SSDDetector) MinFaceInput() float64 { return ssdMinFaceInput }

// Close releases the net. Call it after every Detect has returned.
func (d *SSDDetector) Close() error {
	d.net.close()
	return nil
}

// Detect finds faces in a BGR 8-bit image. The image is scaled to fit the
// input square (512x512, or 256x256 for the small model) at the top left
// (black bottom/right, as face-api pads), boxes scoring above MinScore are
// kept, suppressed by NMS at IOU, mapped back to image pixels and clipped
// to the image. The result is best first.
func (d *SSDDetector) Detect(ctx context.Context, img gocv.Mat) ([]facedata.Detection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if img.Empty() || img.Type() != gocv.MatTypeCV8UC3 {
		return nil, fmt.Errorf("ssd: want a BGR 8-bit image, got %dx%d of type %v", img.Cols(), img.Rows(), img.Type())
	}
	blob, scaleX, scaleY := ssdBlob(img, d.side)
	defer blob.Close()
	outs, err := d.net.run(ctx, convert.SSDInputName, blob, convert.SSDBoxesName, convert.SSDScoresName)
	if err != nil {
		return nil, fmt.Errorf("ssd: %w", err)
	}
	defer ort.Recycle(outs...) // read below, then done with
	boxes, scores := outs[0].Data, outs[1].Data
	if len(scores) != d.anchors || len(boxes) != 4*d.anchors {
		return nil, fmt.Errorf("ssd: the net gave %d scores and %d box values, want %d anchors", len(scores), len(boxes), d.anchors)
	}
	dets := ssdDecode(boxes, scores, d.opts.MinScore, float64(d.side), scaleX, scaleY, img.Cols(), img.Rows())
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return NonMaxSuppression(dets, d.opts.IOU), nil
}

// ssdBlob scales img to fit the side x side square, places it top left on
// black, and returns the normalised NCHW RGB blob (x/127.5 - 1) with the
// scale applied on each axis (rounding makes them differ slightly).
func ssdBlob(img gocv.Mat, side int) (blob gocv.Mat, scaleX, scaleY float64) {
	scale := float64(side) / float64(max(img.Cols(), img.Rows()))
	w := min(side, max(1, int(math.Round(float64(img.Cols())*scale))))
	h := min(side, max(1, int(math.Round(float64(img.Rows())*scale))))
	interp := gocv.InterpolationArea
	if scale > 1 {
		interp = gocv.InterpolationLinear
	}
	canvas := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 0, 0, 0), side, side, gocv.MatTypeCV8UC3)
	defer canvas.Close()
	roi := canvas.Region(image.Rect(0, 0, w, h))
	gocv.Resize(img, &roi, image.Pt(w, h), 0, 0, interp)
	roi.Close()
	blob = gocv.BlobFromImage(canvas, 1/127.5, image.Pt(side, side), gocv.NewScalar(127.5, 127.5, 127.5, 0), true, false)
	return blob, float64(w) / float64(img.Cols()), float64(h) / float64(img.Rows())
}

// ssdDecode turns the net's outputs (boxes as x0, y0, x1, y1 in units of
// the input side, side pixels; one score per anchor) into detections in
// image pixels, keeping scores above minScore and boxes that stay
// non-empty once clipped to the cols x rows image.
func ssdDecode(boxes, scores []float32, minScore float32, side, scaleX, scaleY float64, cols, rows int) []facedata.Detection {
	var dets []facedata.Detection
	for i, s := range scores {
		if !(s > minScore) {
			continue
		}
		b := boxes[4*i : 4*i+4]
		x0, y0 := float64(b[0])*side/scaleX, float64(b[1])*side/scaleY
		x1, y1 := float64(b[2])*side/scaleX, float64(b[3])*side/scaleY
		r := facedata.Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}.Clip(cols, rows)
		if r.Area() == 0 {
			continue
		}
		dets = append(dets, facedata.Detection{Box: r, Score: s})
	}
	return dets
}
