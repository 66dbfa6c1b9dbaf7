package recognition

import (
	"context"
	"image"
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

// scanDetect runs d over frame so that faces of minFace pixels and up are
// found: once over the whole frame, then over overlapping tiles at finer
// scales when the frame is too large for one pass (see planScan). Tiles run
// in parallel; detections are merged across tiles and levels.
func scanDetect(ctx context.Context, d Detector, frame gocv.Mat, minFace float64) ([]Detection, error) {
	sd, ok := d.(sizedDetector)
	if !ok || minFace <= 0 {
		return d.Detect(ctx, frame)
	}
	levels := planScan(frame.Cols(), frame.Rows(), sd.InputSize(), sd.MinFaceInput(), minFace)
	type job struct {
		tile  image.Rectangle
		tiled bool
	}
	var jobs []job
	for _, l := range levels {
		for _, t := range l.Tiles {
			jobs = append(jobs, job{t, l.Tiled()})
		}
	}
	if len(jobs) == 1 {
		return d.Detect(ctx, frame)
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
				results[i], errs[i] = detectTile(ctx, d, frame, j.tile, j.tiled)
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
	var all []Detection
	for i := range jobs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		all = append(all, results[i]...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return mergeDetections(all, 0.4, 0.75), nil
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
