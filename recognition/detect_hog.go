package recognition

import (
	"context"
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/dlib"
)

// HOGOptions tune dlib's HOG face detector.
type HOGOptions struct {
	// Upsample doubles the image this many times before scanning (0 to
	// dlib.MaxUpsample): 0 finds faces from about 80 pixels, 1 from about
	// 40, 2 from about 20, each step taking about 4 times longer.
	Upsample int
	// AdjustThreshold shifts dlib's decision threshold: below 0 finds more,
	// less certain faces; 0 is dlib's default.
	AdjustThreshold float64
}

// HOGDetector is dlib's frontal face detector (HOG features, five linear
// SVM filters, no model file) as a Detector named "hog". It finds frontal
// and slightly turned faces; its boxes are the ones dlib's shape predictor
// was trained on. It is safe for concurrent use.
//
// Score is the logistic function of dlib's SVM margin c,
// 1/(1+exp(-hogScoreSlope*c)): dlib's own threshold (c = 0) maps to 0.5,
// and the scores of real faces (c from 0 to about 3) spread over 0.5-1.
//
// Frames whose upsampled size exceeds 16 megapixels are scanned in
// two passes so that memory stays bounded: the whole frame without
// upsampling (faces from 80 pixels), then overlapping tiles upsampled
// (the smaller faces); the context is checked between tiles. A single dlib
// call cannot be interrupted.
type HOGDetector struct {
	opts HOGOptions
	d    *dlib.HOGDetector
	// wholeFramePixels is hogWholeFramePixels (tests lower it).
	wholeFramePixels int64
}

// NewHOGDetector builds the detector (about a second: dlib decodes its
// built-in filters).
func NewHOGDetector(opts HOGOptions) (*HOGDetector, error) {
	if opts.Upsample < 0 || opts.Upsample > dlib.MaxUpsample {
		return nil, fmt.Errorf("new HOG detector: upsample %d, want 0 to %d", opts.Upsample, dlib.MaxUpsample)
	}
	if math.IsNaN(opts.AdjustThreshold) || math.IsInf(opts.AdjustThreshold, 0) {
		return nil, fmt.Errorf("new HOG detector: adjust threshold %v", opts.AdjustThreshold)
	}
	d, err := dlib.NewHOGDetector()
	if err != nil {
		return nil, fmt.Errorf("new HOG detector: %w", err)
	}
	return &HOGDetector{opts: opts, d: d, wholeFramePixels: hogWholeFramePixels}, nil
}

// Name is facedata.HOG.
func (h *HOGDetector) Name() facedata.DetectorName { return facedata.HOG }

// Close releases the detector once calls in flight have returned.
func (h *HOGDetector) Close() error { return h.d.Close() }

// hogScoreSlope is the slope of the logistic that maps dlib's SVM margin
// into [0, 1] (margin 1 gives 0.88, 2 gives 0.98).
const hogScoreSlope = 2

// hogScore maps dlib's SVM margin into [0, 1].
func hogScore(margin float64) float32 {
	return float32(1 / (1 + math.Exp(-hogScoreSlope*margin)))
}

// hogWholeFramePixels is the largest upsampled frame scanned in one dlib
// call (16 megapixels: about 50 MB of pixels and 100 MB of HOG features).
const hogWholeFramePixels = 16 << 20

// hogTileOverlap is how far tiles of the upsampled pass overlap, in frame
// pixels: more than the largest face that pass keeps (hogTileMaxFace).
const hogTileOverlap = 128

// hogTileMaxFace is the largest face side, in frame pixels, the tiled pass
// keeps; the whole-frame pass finds faces from 80 pixels.
const hogTileMaxFace = 100

// Detect finds faces in img, a BGR CV_8UC3 (or grey CV_8UC1) Mat.
func (h *HOGDetector) Detect(ctx context.Context, img gocv.Mat) ([]facedata.Detection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	view, release, err := alignFrameView(img)
	if err != nil {
		return nil, fmt.Errorf("hog: %w", err)
	}
	defer release()
	up := h.opts.Upsample
	if int64(view.Width)*int64(view.Height)<<(2*up) <= h.wholeFramePixels {
		dets, err := h.d.Detect(view, up, h.opts.AdjustThreshold)
		if err != nil {
			return nil, fmt.Errorf("hog: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return hogDetections(dets, image.Point{}, math.Inf(1)), nil
	}
	whole, err := h.d.Detect(view, 0, h.opts.AdjustThreshold)
	if err != nil {
		return nil, fmt.Errorf("hog: %w", err)
	}
	out := hogDetections(whole, image.Point{}, math.Inf(1))
	if up == 0 {
		return out, ctx.Err()
	}
	for _, tile := range hogTiles(view.Width, view.Height, up, h.wholeFramePixels) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dets, err := h.d.Detect(hogSubImage(view, tile), up, h.opts.AdjustThreshold)
		if err != nil {
			return nil, fmt.Errorf("hog: tile %v: %w", tile, err)
		}
		out = append(out, hogDetections(dets, tile.Min, hogTileMaxFace)...)
	}
	return hogSuppress(out), nil
}

// hogSuppress merges the detections of the two passes: going from the best
// score down, a box is dropped when it overlaps a kept one by IoU above
// 0.5 or lies mostly (70%) inside it or around it, as the same face found
// at two scales does.
func hogSuppress(dets []facedata.Detection) []facedata.Detection {
	var kept []facedata.Detection
	for _, d := range NonMaxSuppression(dets, 0.5) {
		dup := false
		for _, k := range kept {
			in := d.Box.Intersect(k.Box).Area()
			if in >= 0.7*min(d.Box.Area(), k.Box.Area()) {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, d)
		}
	}
	return kept
}

// hogDetections converts dlib's boxes, moved by offset, keeping those no
// larger than maxSide.
func hogDetections(dets []dlib.ScoredRect, offset image.Point, maxSide float64) []facedata.Detection {
	out := make([]facedata.Detection, 0, len(dets))
	for _, d := range dets {
		r := d.Rect.Add(offset)
		if float64(max(r.Dx(), r.Dy())) > maxSide {
			continue
		}
		out = append(out, facedata.Detection{Box: facedata.RectFromImage(r), Score: hogScore(d.Confidence)})
	}
	return out
}

// hogTiles covers a w x h frame with tiles, overlapping by hogTileOverlap,
// that are each at most maxPixels once upsampled up times.
func hogTiles(w, h, up int, maxPixels int64) []image.Rectangle {
	side := max(int(math.Sqrt(float64(maxPixels)))>>up, 2*hogTileOverlap)
	step := side - hogTileOverlap
	var tiles []image.Rectangle
	for y := 0; ; y += step {
		for x := 0; ; x += step {
			tiles = append(tiles, image.Rect(x, y, min(x+side, w), min(y+side, h)))
			if x+side >= w {
				break
			}
		}
		if y+side >= h {
			break
		}
	}
	return tiles
}

// hogSubImage is the view of region r of im, sharing its pixels.
func hogSubImage(im dlib.Image, r image.Rectangle) dlib.Image {
	bpp := 3
	if im.Format == dlib.Gray {
		bpp = 1
	}
	off := r.Min.Y*im.Stride + r.Min.X*bpp
	end := (r.Max.Y-1)*im.Stride + r.Max.X*bpp
	return dlib.Image{Pix: im.Pix[off:end], Width: r.Dx(), Height: r.Dy(), Stride: im.Stride, Format: im.Format}
}
