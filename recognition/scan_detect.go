package recognition

import (
	"context"
	"image"
	"math"
	"runtime"
	"sort"
	"sync"

	"gocv.io/x/gocv"
)

// sizedDetector is a Detector that sees the frame scaled into a fixed square
// input, so small faces in large frames need tiling.
type sizedDetector interface {
	Detector
	// InputSize is the side of the square input in pixels.
	InputSize() int
	// MinFaceInput is the smallest face, in input pixels, found reliably.
	MinFaceInput() float64
}

// faceScanner finds faces of every size from minFace pixels up in a frame.
// The coarse detector sees the whole frame once and finds the large faces.
// When the frame is too large for the fine detector to see faces of minFace
// pixels in one pass, the fine detector (a cheaper one) scans overlapping
// tiles at finer scales (see planScan), and every face only the fine passes
// found is shown to the verifier in a mosaic for a second opinion.
type faceScanner struct {
	coarse Detector
	// coarseMin drops coarse detections scored below it (0 keeps all).
	coarseMin float32
	// fine and verifier may be nil: then the coarse pass is all.
	fine     sizedDetector
	verifier sizedDetector
	// verifyMin is the verifier score that confirms a face.
	verifyMin float32
	minFace   float64
}

// scan runs the passes (tiles in parallel) and merges their detections.
func (s faceScanner) scan(ctx context.Context, frame gocv.Mat) ([]Detection, error) {
	type job struct {
		d     Detector
		tile  image.Rectangle
		tiled bool
		// sizes is the range of face sides this pass is responsible for;
		// boxes outside it are parts of larger faces or clutter.
		sizes [2]float64
	}
	jobs := []job{{s.coarse, image.Rect(0, 0, frame.Cols(), frame.Rows()), false, [2]float64{0, math.Inf(1)}}}
	if s.fine != nil && s.minFace > 0 {
		levels := planScan(frame.Cols(), frame.Rows(), s.fine.InputSize(), s.fine.MinFaceInput(), s.minFace)
		for _, l := range levels[1:] { // level 0 (the whole frame) is the coarse pass
			lo := max(s.fine.MinFaceInput()/l.Scale, s.minFace) / levelSizeSlack
			hi := float64(s.fine.InputSize()) / 4 / l.Scale * levelSizeSlack
			for _, t := range l.Tiles {
				jobs = append(jobs, job{s.fine, t, l.Tiled(), [2]float64{lo, hi}})
			}
		}
	}
	results := make([][]Detection, len(jobs))
	errs := make([]error, len(jobs))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(jobs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j := jobs[i]
				results[i], errs[i] = detectTile(ctx, j.d, frame, j.tile, j.tiled)
				results[i] = keepSizes(results[i], j.sizes)
				if errs[i] != nil {
					cancel()
				}
			}
		}()
	}
	for i := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var coarseDets, fineDets []Detection
	for _, d := range results[0] {
		if d.Score >= s.coarseMin {
			coarseDets = append(coarseDets, d)
		}
	}
	for _, r := range results[1:] {
		fineDets = append(fineDets, r...)
	}
	if len(fineDets) == 0 {
		return mergeDetections(coarseDets, 0.4, 0.75), nil
	}
	// Faces only the fine passes found need a second opinion.
	all := append(append([]Detection(nil), coarseDets...), fineDets...)
	var candidates []Detection
	for _, f := range mergeDetections(fineDets, 0.4, 0.75) {
		known := false
		for _, c := range coarseDets {
			if sameFace(f.Box, c.Box, 0.4, 0.75) {
				known = true
				break
			}
		}
		if !known && !isInnerPart(f, all) {
			candidates = append(candidates, f)
		}
	}
	confirmed, err := verifyCandidates(ctx, s.verifier, s.verifyMin, frame, candidates)
	if err != nil {
		return nil, err
	}
	return dropInnerParts(mergeDetections(append(coarseDets, confirmed...), 0.4, 0.75)), nil
}

// levelSizeSlack widens each pass's size range: detectors estimate a face's
// size to within about 20%, and the ranges of neighbouring passes meet
// exactly, so the slack lets them overlap.
const levelSizeSlack = 1.25

// keepSizes keeps detections whose side (the larger of width and height) is
// within sizes.
func keepSizes(dets []Detection, sizes [2]float64) []Detection {
	out := dets[:0]
	for _, d := range dets {
		if side := max(d.Box.W, d.Box.H); side >= sizes[0] && side <= sizes[1] {
			out = append(out, d)
		}
	}
	return out
}

// dropInnerParts removes every detection that is an inner part of another.
func dropInnerParts(dets []Detection) []Detection {
	var out []Detection
	for _, d := range dets {
		if !isInnerPart(d, dets) {
			out = append(out, d)
		}
	}
	return out
}

// isInnerPart reports whether d lies mostly inside a box of others at least
// twice its area with a score at least as high: at fine scales a detector
// can fire on an eye or a mouth of a face another pass found whole.
func isInnerPart(d Detection, others []Detection) bool {
	for _, o := range others {
		if o.Box.Area() < 2*d.Box.Area() || o.Score < d.Score {
			continue
		}
		if d.Box.Intersect(o.Box).Area() >= 0.5*d.Box.Area() {
			return true
		}
	}
	return false
}

// detectTile runs d on one tile and moves the boxes into frame coordinates.
// On tiled levels, boxes touching an edge the tile shares with a neighbour
// are dropped: the face is cut there and a neighbouring tile sees it whole.
func detectTile(ctx context.Context, d Detector, frame gocv.Mat, tile image.Rectangle, tiled bool) ([]Detection, error) {
	roi := frame.Region(tile)
	defer roi.Close()
	dets, err := d.Detect(ctx, roi)
	if err != nil {
		return nil, err
	}
	margin := 0.01 * float64(max(tile.Dx(), tile.Dy()))
	out := dets[:0]
	for _, det := range dets {
		b := det.Box
		if tiled && ((tile.Min.X > 0 && b.X <= margin) ||
			(tile.Min.Y > 0 && b.Y <= margin) ||
			(tile.Max.X < frame.Cols() && b.X+b.W >= float64(tile.Dx())-margin) ||
			(tile.Max.Y < frame.Rows() && b.Y+b.H >= float64(tile.Dy())-margin)) {
			continue
		}
		dx, dy := float64(tile.Min.X), float64(tile.Min.Y)
		det.Box = b.Translate(dx, dy)
		for k := range det.Keypoints {
			det.Keypoints[k] = Point{det.Keypoints[k].X + dx, det.Keypoints[k].Y + dy}
		}
		out = append(out, det)
	}
	return out, nil
}

// mergeDetections keeps the best-scored of detections that show the same
// face: boxes overlapping by IoU >= iou, or one box lying mostly
// (intersection / smaller area >= contain) inside another of similar size.
// The result is sorted best first.
func mergeDetections(dets []Detection, iou, contain float64) []Detection {
	sort.SliceStable(dets, func(i, j int) bool { return dets[i].Score > dets[j].Score })
	var kept []Detection
	for _, d := range dets {
		dup := false
		for _, k := range kept {
			if sameFace(d.Box, k.Box, iou, contain) {
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

func sameFace(a, b Rect, iou, contain float64) bool {
	if a.IoU(b) >= iou {
		return true
	}
	in := a.Intersect(b).Area()
	small := min(a.Area(), b.Area())
	if small == 0 || in/small < contain {
		return false
	}
	// A box inside a much larger one may be a face within a face-like
	// region; only merge boxes of comparable size.
	return small/max(a.Area(), b.Area()) >= 0.25
}
