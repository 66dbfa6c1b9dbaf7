package recognition

import (
	"context"
	"fmt"
	"math"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/ort"
	"facecase/models/convert"
)

// UltraFace RFB-320 (Ultra-Light-Fast-Generic-Face-Detector-1MB, trained on
// WIDER FACE at 320x240): NCHW RGB input, (pixel - 127) / 128. Four heads
// at strides 8, 16, 32 and 64 put priors of the given sides (input pixels)
// on a grid of ceil(side / stride) cells each way, cell by cell in
// row-major order; each prior's regression is decoded with the centre and
// size variances 0.1 and 0.2 (SSD's convention). Facts from the upstream
// project's vision/ssd/config/fd_config.py and box_utils.py, which the
// faceplugin package's lib/fr_detect.js repeats. The grid is spread evenly
// over the input (cell centres at (i + 0.5) * side / cells, not
// (i + 0.5) * stride): that is what the prior constants in the shipped
// model's decoding hold, where 240 is not a multiple of 32 or 64
// (TestUltraFaceConversionMatchesTheOriginal). On other sides that spread
// puts priors away from the cells the heads see, and the boxes of large
// faces wander (obama2.jpg's face moved by a third of its width between
// the photo and its mirror image at 167x320); DetectScaled therefore pads
// its input to a multiple of 64, where the two agree.
var (
	ultraStrides  = [4]int{8, 16, 32, 64}
	ultraMinBoxes = [4][]float64{{10, 16, 24}, {32, 48}, {64, 96}, {128, 192, 256}}
)

const (
	// ultraBoxDown moves UltraFace's boxes down by this share of their
	// height: its box centre sits 8% of the box height above that of the
	// hand-drawn boxes of the demo photos (hairline to chin; 28 faces:
	// 8.1%) and of the face crops of the generated crowds (241 faces:
	// 8.0%).
	ultraBoxDown = 0.08
	// ultraMaxAspect is the tallest box, as height over width, kept: faces
	// measured 0.88-1.76 (269 faces of the demo photos and crowds); taller
	// boxes were necks and arms.
	ultraMaxAspect = 2.0
	// ultraGrid is the coarsest head's stride: a region of the input that
	// starts on a multiple of it sees the same prior grid as the input.
	ultraGrid           = 64
	ultraCenterVariance = 0.1
	ultraSizeVariance   = 0.2
	// ultraTrainWidth and ultraTrainHeight are the input size the model
	// was trained at, and the size Detect scales a whole image to fit.
	ultraTrainWidth  = 320
	ultraTrainHeight = 240
)

// UltraFaceOptions tune the UltraFace detector.
type UltraFaceOptions struct {
	// MinScore is the lowest face score kept (default 0.7, the upstream
	// project's threshold).
	MinScore float32
	// IOU is the overlap above which non-maximum suppression drops the
	// lower-scored box (default 0.3, upstream's).
	IOU float64
	// Runtime is the inference runtime: RuntimeORT (default) or
	// RuntimeOpenCV.
	Runtime string
}

// UltraFaceDetector is UltraFace RFB-320, a small face detector (1 MB of
// weights) made for whole photos: fully convolutional, it runs on an image
// of any size in one pass, finding faces from about 16 input pixels. It is
// safe for concurrent use.
type UltraFaceDetector struct {
	opts UltraFaceOptions
	net  netRunner
}

// NewUltraFaceDetector loads the converted model (as
// convert.UltraFaceDynamic writes it) and runs it once at 320x240. A file
// that is not that model gives an error matching ErrBadModel.
func NewUltraFaceDetector(modelPath string, opts UltraFaceOptions) (*UltraFaceDetector, error) {
	if opts.MinScore <= 0 {
		opts.MinScore = 0.7
	}
	if opts.IOU <= 0 {
		opts.IOU = 0.3
	}
	net, err := loadNet("ultraface detector", modelPath, convert.CheckUltraFace, opts.Runtime, anyShapes,
		convert.UltraFaceInput, []int64{1, 3, ultraTrainHeight, ultraTrainWidth})
	if err != nil {
		return nil, err
	}
	return &UltraFaceDetector{opts: opts, net: net}, nil
}

// Name is facedata.UltraFace.
func (d *UltraFaceDetector) Name() facedata.DetectorName { return facedata.UltraFace }

// Close releases the net. Call it after every Detect has returned.
func (d *UltraFaceDetector) Close() error {
	d.net.close()
	return nil
}

// InputSize is the side Detect scales a large image's longer side to.
func (d *UltraFaceDetector) InputSize() int { return ultraTrainWidth }

// MinFaceInput is the face size, in input pixels, the engine's pyramid
// plans its finest level for: faces of the smallest size asked for are
// seen at 20 input pixels (a full-resolution pass for 20-px faces), and
// each level keeps boxes from 16 to 48 input pixels (the issue's
// measurement: every face of the demo photos and the crowd).
func (d *UltraFaceDetector) MinFaceInput() float64 { return 20 }

// MaxFaceInput is the largest face, in input pixels, each level of the
// engine's pyramid keeps; larger faces are left to coarser levels.
func (d *UltraFaceDetector) MaxFaceInput() float64 { return 48 }

// Detect finds faces in a BGR image scaled down so that its longer side is
// 320 pixels (the width the model was trained at), in one pass. Smaller
// images are not enlarged: a face filling a small picture would grow past
// the largest prior (256 pixels).
func (d *UltraFaceDetector) Detect(ctx context.Context, img gocv.Mat) ([]facedata.Detection, error) {
	if img.Empty() {
		return nil, fmt.Errorf("ultraface: empty image")
	}
	return d.DetectScaled(ctx, img, min(1, float64(ultraTrainWidth)/float64(max(img.Cols(), img.Rows()))))
}

// DetectScaled finds faces in a BGR image resized by scale, in one pass
// over the whole resized image; boxes are in image pixels, best first.
// Boxes more than ultraMaxAspect times as tall as wide are dropped, and
// boxes are moved down by ultraBoxDown of their height (see there).
func (d *UltraFaceDetector) DetectScaled(ctx context.Context, img gocv.Mat, scale float64) ([]facedata.Detection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if img.Empty() || img.Type() != gocv.MatTypeCV8UC3 || !(scale > 0) {
		return nil, fmt.Errorf("ultraface: want a BGR 8-bit image and a positive scale, got %dx%d of type %v at %v", img.Cols(), img.Rows(), img.Type(), scale)
	}
	w := max(1, int(math.Round(float64(img.Cols())*scale)))
	h := max(1, int(math.Round(float64(img.Rows())*scale)))
	// The input is padded up to the coarsest stride: then the priors sit at
	// the centres of the cells the net's heads see (see ultraDecode).
	pw, ph := ceilDiv(w, ultraGrid)*ultraGrid, ceilDiv(h, ultraGrid)*ultraGrid
	blob, err := ultraBlobPadded(img, w, h, pw, ph)
	if err != nil {
		return nil, err
	}
	defer blob.Close()
	outs, err := d.net.run(ctx, convert.UltraFaceInput, blob, convert.UltraFaceScores, convert.UltraFaceRegression)
	if err != nil {
		return nil, fmt.Errorf("ultraface: %w", err)
	}
	defer ort.Recycle(outs...) // read below, then done with
	dets, err := ultraDecode(outs[0].Data, outs[1].Data, pw, ph, d.opts.MinScore)
	if err != nil {
		return nil, err
	}
	shaped := dets[:0]
	for _, det := range dets {
		if det.Box.H <= ultraMaxAspect*det.Box.W {
			shaped = append(shaped, det)
		}
	}
	sx, sy := float64(img.Cols())/float64(w), float64(img.Rows())/float64(h)
	var out []facedata.Detection
	for _, det := range NonMaxSuppression(shaped, d.opts.IOU) {
		b := det.Box
		b.Y += ultraBoxDown * b.H
		det.Box = facedata.Rect{X: b.X * sx, Y: b.Y * sy, W: b.W * sx, H: b.H * sy}.Clip(img.Cols(), img.Rows())
		if det.Box.Area() > 0 {
			out = append(out, det)
		}
	}
	return out, nil
}

// trimAboveArea is the frame area, in pixels, from which the engine hands
// UltraFace's working memory back after scanning the frame: a photo of
// tens of megapixels is scanned in many large tiles, and the 250-400 MB
// the runs took would otherwise stay with the process while the faces are
// described (and after). Below it the memory is kept for the next photo;
// taking it back costs page faults of about a tenth of a photo's time.
const trimAboveArea = 16 << 20

// trimMemory hands the working memory of UltraFace's finished runs back to
// the system (one run at the smallest input): the free blocks of the memory
// arena every ONNX Runtime session shares (package internal/ort).
func (d *UltraFaceDetector) trimMemory() error {
	return d.net.trim(convert.UltraFaceInput, []int64{1, 3, ultraGrid, ultraGrid})
}

// ultraPriorCount is the number of priors for a w x h input.
func ultraPriorCount(w, h int) int {
	n := 0
	for k, stride := range ultraStrides {
		n += ceilDiv(w, stride) * ceilDiv(h, stride) * len(ultraMinBoxes[k])
	}
	return n
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// ultraDecode turns the net's outputs for a w x h input into detections in
// input pixels, keeping face scores above minScore. Prior sides are
// clipped to the input as the upstream project clips them to [0, 1].
func ultraDecode(scores, regression []float32, w, h int, minScore float32) ([]facedata.Detection, error) {
	n := ultraPriorCount(w, h)
	if len(scores) != 2*n || len(regression) != 4*n {
		return nil, fmt.Errorf("ultraface: the net gave %d scores and %d box values, want %d priors for %dx%d", len(scores)/2, len(regression)/4, n, w, h)
	}
	fw, fh := float64(w), float64(h)
	var dets []facedata.Detection
	i := 0
	for k, stride := range ultraStrides {
		cols, rows := ceilDiv(w, stride), ceilDiv(h, stride)
		for y := 0; y < rows; y++ {
			cy := (float64(y) + 0.5) * fh / float64(rows)
			for x := 0; x < cols; x++ {
				cx := (float64(x) + 0.5) * fw / float64(cols)
				for _, side := range ultraMinBoxes[k] {
					s := scores[2*i+1]
					if s > minScore {
						pw, ph := math.Min(side, fw), math.Min(side, fh)
						r := regression[4*i : 4*i+4]
						bx := cx + float64(r[0])*ultraCenterVariance*pw
						by := cy + float64(r[1])*ultraCenterVariance*ph
						bw := pw * math.Exp(float64(r[2])*ultraSizeVariance)
						bh := ph * math.Exp(float64(r[3])*ultraSizeVariance)
						dets = append(dets, facedata.Detection{Box: facedata.Rect{X: bx - bw/2, Y: by - bh/2, W: bw, H: bh}, Score: s})
					}
					i++
				}
			}
		}
	}
	return dets, nil
}
