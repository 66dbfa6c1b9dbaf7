package recognition

import (
	"context"
	"fmt"
	"image"
	"math"
	"sort"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/ort"
)

// BlazeFace back model (MediaPipe, trained at 256x256, converted for
// Barracuda by keijiro and made size-free by convert.BlazeFaceDynamic): NHWC
// RGB input in [-1, 1]; two heads: a grid of stride 16 with 2 anchors per
// cell and a grid of stride 32 with 6 anchors. Each
// anchor has a score logit and 16 regressors: box centre offset and size,
// then six keypoints (eyes, nose tip, mouth, ears), all in input pixels
// relative to the anchor centre. Facts from the package's
// Shaders/Postprocess1Kernel.hlsl and MediaPipe's face detection graph.
const (
	blazeInput     = 256
	blazeKeypoints = 6
	blazeInputName = "input:0"
)

var blazeHeads = []struct {
	scores, boxes   string
	stride, anchors int
}{
	{"Identity:0", "Identity_2:0", 16, 2},
	{"Identity_1:0", "Identity_3:0", 32, 6},
}

// BlazeFaceOptions tune the BlazeFace detector.
type BlazeFaceOptions struct {
	// MinScore is the lowest confidence kept (default 0.6).
	MinScore float32
	// IOU is the overlap above which detections are blended (default 0.3,
	// MediaPipe's weighted suppression).
	IOU float64
	// Runtime is the inference runtime: RuntimeORT (default) or
	// RuntimeOpenCV.
	Runtime string
}

// BlazeFaceDetector is MediaPipe's BlazeFace: fast, for video. It sees the
// image at 256x256, so large frames with small faces need tiling (the engine
// does that).
type BlazeFaceDetector struct {
	opts BlazeFaceOptions
	net  netRunner
}

// NewBlazeFaceDetector loads the ONNX model (as convert.BlazeFaceDynamic
// writes it) and runs it once at 256x256.
func NewBlazeFaceDetector(modelPath string, opts BlazeFaceOptions) (*BlazeFaceDetector, error) {
	if opts.MinScore <= 0 {
		opts.MinScore = 0.6
	}
	if opts.IOU <= 0 {
		opts.IOU = 0.3
	}
	// anyShapes: a video's canvases and tiles come in several shapes (the
	// passes' scales, tiles clipped at the frame's edges, every video's
	// own size). With memory patterns the desktop app's arena grew two
	// 128 MB regions over a scan, without them one of 192 MB, 70 MB less
	// resident (one tour each), at the same frame rates
	// (docs/benchmarks.md, "Memory").
	net, err := loadNet("blazeface detector", modelPath, nil, opts.Runtime, anyShapes, blazeInputName, []int64{1, blazeInput, blazeInput, 3})
	if err != nil {
		return nil, err
	}
	return &BlazeFaceDetector{opts: opts, net: net}, nil
}

// Name is facedata.BlazeFace.
func (d *BlazeFaceDetector) Name() facedata.DetectorName { return facedata.BlazeFace }

// InputSize is the side of the square the model sees.
func (d *BlazeFaceDetector) InputSize() int { return blazeInput }

// MinFaceInput is the smallest face, in input pixels, found reliably:
// measured at 90% or more of the 40 real crops of faceapi/people pasted on
// clutter (85% at 24 px, 100% at 32 px; TestBlazeFaceMinFaceInput).
func (d *BlazeFaceDetector) MinFaceInput() float64 { return 28 }

// Close releases the net.
func (d *BlazeFaceDetector) Close() error {
	d.net.close()
	return nil
}

// Detect finds faces in a BGR image, letterboxed into 256x256 as the model
// was trained: the whole frame in one small pass.
func (d *BlazeFaceDetector) Detect(ctx context.Context, img gocv.Mat) ([]facedata.Detection, error) {
	if img.Empty() {
		return nil, fmt.Errorf("blazeface: empty image")
	}
	scale := float64(blazeInput) / float64(max(img.Cols(), img.Rows()))
	return d.detect(ctx, img, scale, blazeInput, blazeInput)
}

// DetectScaled finds faces in a BGR image resized by scale, in one pass over
// the whole resized image (padded up to a multiple of 32): faces from
// MinFaceInput()/scale to MaxFaceInput()/scale frame pixels.
func (d *BlazeFaceDetector) DetectScaled(ctx context.Context, img gocv.Mat, scale float64) ([]facedata.Detection, error) {
	if img.Empty() || scale <= 0 {
		return nil, fmt.Errorf("blazeface: empty image or scale %v", scale)
	}
	w := blazeCanvasSide(float64(img.Cols()) * scale)
	h := blazeCanvasSide(float64(img.Rows()) * scale)
	return d.detect(ctx, img, scale, w, h)
}

// MaxFaceInput is the largest face, in input pixels, DetectScaled finds
// reliably: on the 40 real crops pasted on clutter, DetectScaled at scale 1
// finds 97% or more of faces from 28 to 256 px and none at 320 px
// (TestBlazeFaceScaledRange).
func (d *BlazeFaceDetector) MaxFaceInput() float64 { return 224 }

// blazeCanvasSide rounds a side up to the model's stride of 32.
func blazeCanvasSide(side float64) int {
	return max(32, int(math.Ceil(side/32))*32)
}

// detect runs the net on img resized by scale into the top-left of a w x h
// canvas and maps the detections back to image pixels.
func (d *BlazeFaceDetector) detect(ctx context.Context, img gocv.Mat, scale float64, w, h int) ([]facedata.Detection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if img.Type() != gocv.MatTypeCV8UC3 {
		return nil, fmt.Errorf("blazeface: want a BGR 8-bit image, got type %v", img.Type())
	}
	blob, err := blazeBlob(img, scale, w, h)
	if err != nil {
		return nil, err
	}
	defer blob.Close()
	names := make([]string, 0, 2*len(blazeHeads))
	for _, hd := range blazeHeads {
		names = append(names, hd.scores, hd.boxes)
	}
	outs, err := d.net.run(ctx, blazeInputName, blob, names...)
	if err != nil {
		return nil, fmt.Errorf("blazeface: %w", err)
	}
	defer ort.Recycle(outs...) // read below, then done with
	var raw []facedata.Detection
	for i, hd := range blazeHeads {
		scores, boxes := outs[2*i].Data, outs[2*i+1].Data
		cols, rows := w/hd.stride, h/hd.stride
		if len(scores) != cols*rows*hd.anchors || len(boxes) != 16*len(scores) {
			return nil, fmt.Errorf("blazeface output: %d scores for a %dx%d grid", len(scores), cols, rows)
		}
		raw = blazeDecode(raw, scores, boxes, cols, rows, hd.stride, hd.anchors, d.opts.MinScore)
	}
	dets := blendOverlapping(raw, d.opts.IOU)
	// Back from input pixels to image pixels.
	inv := 1 / scale
	out := dets[:0]
	for _, det := range dets {
		det.Box = det.Box.Scale(inv).Clip(img.Cols(), img.Rows())
		if det.Box.Area() == 0 {
			continue
		}
		for k := range det.Keypoints {
			det.Keypoints[k] = facedata.Point{X: det.Keypoints[k].X * inv, Y: det.Keypoints[k].Y * inv}
		}
		out = append(out, det)
	}
	return out, nil
}

// blazeBlob resizes img by scale into the top-left of a w x h canvas (black
// elsewhere), converts to RGB in [-1, 1] and lays it out NHWC.
func blazeBlob(img gocv.Mat, scale float64, w, h int) (gocv.Mat, error) {
	sw := min(w, max(1, int(math.Round(float64(img.Cols())*scale))))
	sh := min(h, max(1, int(math.Round(float64(img.Rows())*scale))))
	interp := gocv.InterpolationArea
	if scale > 1 {
		interp = gocv.InterpolationLinear
	}
	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(img, &small, image.Pt(sw, sh), 0, 0, interp)
	canvas := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 0, 0, 0), h, w, gocv.MatTypeCV8UC3)
	defer canvas.Close()
	roi := canvas.Region(image.Rect(0, 0, sw, sh))
	small.CopyTo(&roi)
	roi.Close()
	rgb := gocv.NewMat()
	defer rgb.Close()
	gocv.CvtColor(canvas, &rgb, gocv.ColorBGRToRGB)
	norm := gocv.NewMat()
	defer norm.Close()
	rgb.ConvertToWithParams(&norm, gocv.MatTypeCV32FC3, 1.0/127.5, -1)
	src, err := norm.DataPtrFloat32()
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("blazeface input: %w", err)
	}
	blob := gocv.NewMatWithSizes([]int{1, h, w, 3}, gocv.MatTypeCV32F)
	dst, err := blob.DataPtrFloat32()
	if err != nil {
		blob.Close()
		return gocv.Mat{}, fmt.Errorf("blazeface input: %w", err)
	}
	copy(dst, src)
	return blob, nil
}

// blazeDecode appends the detections of one head above minScore, in input
// pixels: a cols x rows grid of the given stride with anchors per cell.
func blazeDecode(dst []facedata.Detection, scores, boxes []float32, cols, rows, stride, anchors int, minScore float32) []facedata.Detection {
	for cy := 0; cy < rows; cy++ {
		for cx := 0; cx < cols; cx++ {
			ax, ay := (float64(cx)+0.5)*float64(stride), (float64(cy)+0.5)*float64(stride)
			for a := 0; a < anchors; a++ {
				i := (cy*cols+cx)*anchors + a
				s := float32(1 / (1 + math.Exp(-float64(scores[i]))))
				if s < minScore {
					continue
				}
				r := boxes[16*i : 16*i+16]
				cxp, cyp := ax+float64(r[0]), ay+float64(r[1])
				bw, bh := float64(r[2]), float64(r[3])
				det := facedata.Detection{Box: facedata.Rect{X: cxp - bw/2, Y: cyp - bh/2, W: bw, H: bh}, Score: s, Keypoints: make([]facedata.Point, blazeKeypoints)}
				for k := 0; k < blazeKeypoints; k++ {
					det.Keypoints[k] = facedata.Point{X: ax + float64(r[4+2*k]), Y: ay + float64(r[5+2*k])}
				}
				dst = append(dst, det)
			}
		}
	}
	return dst
}

// blendOverlapping is MediaPipe's weighted suppression: each detection
// absorbs the lower-scored ones that overlap it by at least iou, and the
// result is their score-weighted mean box and keypoints with the best score.
func blendOverlapping(dets []facedata.Detection, iou float64) []facedata.Detection {
	sort.SliceStable(dets, func(i, j int) bool { return dets[i].Score > dets[j].Score })
	used := make([]bool, len(dets))
	var out []facedata.Detection
	for i := range dets {
		if used[i] {
			continue
		}
		used[i] = true
		acc := dets[i]
		acc.Keypoints = append([]facedata.Point(nil), dets[i].Keypoints...)
		wsum := float64(dets[i].Score)
		box := dets[i].Box.Scale(wsum)
		kps := make([]facedata.Point, len(acc.Keypoints))
		for k, p := range acc.Keypoints {
			kps[k] = facedata.Point{X: p.X * wsum, Y: p.Y * wsum}
		}
		for j := i + 1; j < len(dets); j++ {
			if used[j] || dets[i].Box.IoU(dets[j].Box) < iou {
				continue
			}
			used[j] = true
			w := float64(dets[j].Score)
			wsum += w
			b := dets[j].Box
			box = facedata.Rect{X: box.X + b.X*w, Y: box.Y + b.Y*w, W: box.W + b.W*w, H: box.H + b.H*w}
			for k := range kps {
				if k < len(dets[j].Keypoints) {
					kps[k].X += dets[j].Keypoints[k].X * w
					kps[k].Y += dets[j].Keypoints[k].Y * w
				}
			}
		}
		acc.Box = box.Scale(1 / wsum)
		for k := range kps {
			acc.Keypoints[k] = facedata.Point{X: kps[k].X / wsum, Y: kps[k].Y / wsum}
		}
		out = append(out, acc)
	}
	return out
}
