package recognition

import (
	"context"
	"fmt"
	"image"
	"math"
	"sort"

	"gocv.io/x/gocv"
)

// BlazeFace back model (MediaPipe, 256x256, converted for Barracuda by
// keijiro): NHWC RGB input in [-1, 1]; two heads: a 16x16 grid with 2 anchors
// per cell (stride 16) and an 8x8 grid with 6 anchors (stride 32). Each
// anchor has a score logit and 16 regressors: box centre offset and size,
// then six keypoints (eyes, nose tip, mouth, ears), all in input pixels
// relative to the anchor centre. Facts from the package's
// Shaders/Postprocess1Kernel.hlsl and MediaPipe's face detection graph.
const (
	blazeInput     = 256
	blazeKeypoints = 6
)

var blazeHeads = []struct {
	scores, boxes  string
	cells, anchors int
}{
	{"Identity:0", "Identity_2:0", 16, 2},
	{"Identity_1:0", "Identity_3:0", 8, 6},
}

// BlazeFaceOptions tune the BlazeFace detector.
type BlazeFaceOptions struct {
	// MinScore is the lowest confidence kept (default 0.6).
	MinScore float32
	// IOU is the overlap above which detections are blended (default 0.3,
	// MediaPipe's weighted suppression).
	IOU float64
}

// BlazeFaceDetector is MediaPipe's BlazeFace: fast, for video. It sees the
// image at 256x256, so large frames with small faces need tiling (the engine
// does that).
type BlazeFaceDetector struct {
	opts BlazeFaceOptions
	nets *resourcePool[*gocv.Net]
}

// NewBlazeFaceDetector loads the ONNX model.
func NewBlazeFaceDetector(modelPath string, opts BlazeFaceOptions) (*BlazeFaceDetector, error) {
	if opts.MinScore <= 0 {
		opts.MinScore = 0.6
	}
	if opts.IOU <= 0 {
		opts.IOU = 0.3
	}
	load := func() (*gocv.Net, error) { return readONNXNet(modelPath) }
	d := &BlazeFaceDetector{opts: opts, nets: newResourcePool(0, load, func(n *gocv.Net) { n.Close() })}
	// Load one net now so a bad model file fails here, not at first use.
	if err := d.nets.prime(); err != nil {
		return nil, err
	}
	return d, nil
}

// Name is "blazeface".
func (d *BlazeFaceDetector) Name() string { return "blazeface" }

// InputSize is the side of the square the model sees.
func (d *BlazeFaceDetector) InputSize() int { return blazeInput }

// MinFaceInput is the smallest face, in input pixels, found reliably:
// measured at 90% or more of the 40 real crops of faceapi/people pasted on
// clutter (85% at 24 px, 100% at 32 px; TestBlazeFaceMinFaceInput).
func (d *BlazeFaceDetector) MinFaceInput() float64 { return 28 }

// Close releases the nets.
func (d *BlazeFaceDetector) Close() error {
	d.nets.close()
	return nil
}

// Detect finds faces in a BGR image, letterboxed into 256x256.
func (d *BlazeFaceDetector) Detect(ctx context.Context, img gocv.Mat) ([]Detection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if img.Empty() || img.Type() != gocv.MatTypeCV8UC3 {
		return nil, fmt.Errorf("blazeface: want a BGR 8-bit image, got type %v", img.Type())
	}
	scale := float64(blazeInput) / float64(max(img.Cols(), img.Rows()))
	blob, err := blazeBlob(img, scale)
	if err != nil {
		return nil, err
	}
	defer blob.Close()
	var raw []Detection
	err = d.nets.with(ctx, func(net *gocv.Net) error {
		net.SetInput(blob, "input:0")
		names := make([]string, 0, 2*len(blazeHeads))
		for _, h := range blazeHeads {
			names = append(names, h.scores, h.boxes)
		}
		outs := net.ForwardLayers(names)
		defer func() {
			for i := range outs {
				outs[i].Close()
			}
		}()
		for i, h := range blazeHeads {
			scores, err := outs[2*i].DataPtrFloat32()
			if err != nil {
				return fmt.Errorf("blazeface output: %w", err)
			}
			boxes, err := outs[2*i+1].DataPtrFloat32()
			if err != nil {
				return fmt.Errorf("blazeface output: %w", err)
			}
			raw = blazeDecode(raw, scores, boxes, h.cells, h.anchors, d.opts.MinScore)
		}
		return nil
	})
	if err != nil {
		return nil, err
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
			det.Keypoints[k] = Point{det.Keypoints[k].X * inv, det.Keypoints[k].Y * inv}
		}
		out = append(out, det)
	}
	return out, nil
}

// blazeBlob resizes img by scale into the top-left of a 256x256 canvas
// (black elsewhere), converts to RGB in [-1, 1] and lays it out NHWC.
func blazeBlob(img gocv.Mat, scale float64) (gocv.Mat, error) {
	w := max(1, int(math.Round(float64(img.Cols())*scale)))
	h := max(1, int(math.Round(float64(img.Rows())*scale)))
	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(img, &small, image.Pt(min(w, blazeInput), min(h, blazeInput)), 0, 0, gocv.InterpolationArea)
	canvas := gocv.NewMatWithSize(blazeInput, blazeInput, gocv.MatTypeCV8UC3)
	defer canvas.Close()
	canvas.SetTo(gocv.NewScalar(0, 0, 0, 0))
	roi := canvas.Region(image.Rect(0, 0, small.Cols(), small.Rows()))
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
	blob := gocv.NewMatWithSizes([]int{1, blazeInput, blazeInput, 3}, gocv.MatTypeCV32F)
	dst, err := blob.DataPtrFloat32()
	if err != nil {
		blob.Close()
		return gocv.Mat{}, fmt.Errorf("blazeface input: %w", err)
	}
	copy(dst, src)
	return blob, nil
}

// blazeDecode appends the detections of one head above minScore, in input pixels.
func blazeDecode(dst []Detection, scores, boxes []float32, cells, anchors int, minScore float32) []Detection {
	stride := float64(blazeInput) / float64(cells)
	for cy := 0; cy < cells; cy++ {
		for cx := 0; cx < cells; cx++ {
			ax, ay := (float64(cx)+0.5)*stride, (float64(cy)+0.5)*stride
			for a := 0; a < anchors; a++ {
				i := (cy*cells+cx)*anchors + a
				s := float32(1 / (1 + math.Exp(-float64(scores[i]))))
				if s < minScore {
					continue
				}
				r := boxes[16*i : 16*i+16]
				cxp, cyp := ax+float64(r[0]), ay+float64(r[1])
				w, h := float64(r[2]), float64(r[3])
				det := Detection{Box: Rect{cxp - w/2, cyp - h/2, w, h}, Score: s, Keypoints: make([]Point, blazeKeypoints)}
				for k := 0; k < blazeKeypoints; k++ {
					det.Keypoints[k] = Point{ax + float64(r[4+2*k]), ay + float64(r[5+2*k])}
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
func blendOverlapping(dets []Detection, iou float64) []Detection {
	sort.SliceStable(dets, func(i, j int) bool { return dets[i].Score > dets[j].Score })
	used := make([]bool, len(dets))
	var out []Detection
	for i := range dets {
		if used[i] {
			continue
		}
		used[i] = true
		acc := dets[i]
		acc.Keypoints = append([]Point(nil), dets[i].Keypoints...)
		wsum := float64(dets[i].Score)
		box := dets[i].Box.Scale(wsum)
		kps := make([]Point, len(acc.Keypoints))
		for k, p := range acc.Keypoints {
			kps[k] = Point{p.X * wsum, p.Y * wsum}
		}
		for j := i + 1; j < len(dets); j++ {
			if used[j] || dets[i].Box.IoU(dets[j].Box) < iou {
				continue
			}
			used[j] = true
			w := float64(dets[j].Score)
			wsum += w
			b := dets[j].Box
			box = Rect{box.X + b.X*w, box.Y + b.Y*w, box.W + b.W*w, box.H + b.H*w}
			for k := range kps {
				if k < len(dets[j].Keypoints) {
					kps[k].X += dets[j].Keypoints[k].X * w
					kps[k].Y += dets[j].Keypoints[k].Y * w
				}
			}
		}
		acc.Box = box.Scale(1 / wsum)
		for k := range kps {
			acc.Keypoints[k] = Point{kps[k].X / wsum, kps[k].Y / wsum}
		}
		out = append(out, acc)
	}
	return out
}
