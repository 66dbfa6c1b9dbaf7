package recognition

import (
	"context"
	"facecase/facedata"
	"fmt"
	"image"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"gocv.io/x/gocv"

	"facecase/internal/cmalloc"
)

// sizedDetector is a Detector that sees the frame scaled into a fixed square
// input, so it finds faces only from a fraction of the frame size up.
type sizedDetector interface {
	Detector
	// InputSize is the side of the square input in pixels.
	InputSize() int
	// MinFaceInput is the smallest face, in input pixels, found reliably.
	MinFaceInput() float64
}

// scalingDetector is a Detector that can scan a frame at any scale in one
// pass, finding faces from MinFaceInput to MaxFaceInput detector pixels.
type scalingDetector interface {
	Detector
	DetectScaled(ctx context.Context, img gocv.Mat, scale float64) ([]facedata.Detection, error)
	MinFaceInput() float64
	MaxFaceInput() float64
}

// faceScanner finds faces of every size from minFace pixels up in a frame.
// The coarse detector sees the whole frame once and finds the large faces.
// The fine detector (a cheaper one) then scans the frame at the scales that
// bring smaller faces, down to minFace, into its range (see planPasses),
// and every face only the fine passes found is shown to the verifier in a
// mosaic for a second opinion.
type faceScanner struct {
	coarse Detector
	// coarseMin drops coarse detections scored below it (0 keeps all).
	coarseMin float32
	// fine may be nil: then the coarse pass is all. verifier may be nil:
	// then every face the fine passes found is kept.
	fine     scalingDetector
	verifier sizedDetector
	// smallVerifier, when not nil, is the verifier at a smaller input
	// (the SSD at 256 against 512): candidates that all fit its one
	// mosaic are shown to it instead, for a fraction of the work.
	smallVerifier sizedDetector
	// verifyMin is the product of the fine and the verifier scores that
	// confirms a face.
	verifyMin float32
	minFace   float64
	// verifyAll shows every face found, by the coarse pass too, to the
	// verifier (which must not be nil then).
	verifyAll bool
	// sureScore, when above 0, keeps (with verifyAll) every face scored
	// at least this high without the verifier's opinion; only the others
	// are shown to the verifier, and a frame whose faces are all sure
	// costs no verifier pass.
	sureScore float32
	// octaves plans the fine passes as an octave pyramid (planOctaves)
	// instead of as ranges that meet end to end (planPasses).
	octaves bool
}

// scanJob is one detector call: the coarse pass or one chunk of a fine pass.
type scanJob struct {
	chunk image.Rectangle
	scale float64 // 0 for the coarse pass
	sizes [2]float64
}

// scansInFlight counts the scans running in the process. Like the ONNX
// Runtime run slots (ortSlots) it is shared by every engine: when as many
// frames are scanned at once as there are cores (analyze's workers), the
// cores are busy without cutting each pyramid level into parallel strips,
// whose overlaps are work done twice (a tenth more detector pixels for a
// 1280x960 photo).
var scansInFlight atomic.Int32

// scan runs the passes (chunks in parallel) and merges their detections.
func (s faceScanner) scan(ctx context.Context, frame gocv.Mat) ([]facedata.Detection, error) {
	scansInFlight.Add(1)
	defer scansInFlight.Add(-1)
	coarseDets, fineDets, err := s.passes(ctx, frame)
	if err != nil {
		return nil, err
	}
	if err := s.trimAfterPasses(frame); err != nil {
		return nil, err
	}
	all := append(append([]facedata.Detection(nil), coarseDets...), fineDets...)
	if s.verifyAll {
		sure, doubtful := s.splitSure(dropInnerParts(mergeDetections(all, 0.4, 0.75)))
		confirmed, err := verifyCandidates(ctx, s.verifierFor(len(doubtful)), s.verifyMin, frame, doubtful)
		if err != nil {
			return nil, err
		}
		kept := append(sure, confirmed...)
		sort.SliceStable(kept, func(i, j int) bool { return kept[i].Score > kept[j].Score })
		return kept, nil
	}
	if len(fineDets) == 0 {
		return mergeDetections(coarseDets, 0.4, 0.75), nil
	}
	// Faces only the fine passes found need a second opinion.
	var candidates []facedata.Detection
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
	confirmed := candidates
	if s.verifier != nil {
		var err error
		if confirmed, err = verifyCandidates(ctx, s.verifierFor(len(candidates)), s.verifyMin, frame, candidates); err != nil {
			return nil, err
		}
	}
	return dropInnerParts(mergeDetections(append(coarseDets, confirmed...), 0.4, 0.75)), nil
}

// verifierFor returns the verifier for n candidates: the small one when
// its one mosaic holds them all, else the full-size one.
func (s faceScanner) verifierFor(n int) sizedDetector {
	if s.smallVerifier != nil {
		if g := mosaicGrid(s.smallVerifier); n <= g*g {
			return s.smallVerifier
		}
	}
	return s.verifier
}

// memoryTrimmer is a detector that can hand the working memory of its
// finished runs back to the system (UltraFace).
type memoryTrimmer interface {
	trimMemory() error
}

// trimAfterPasses hands the fine detector's working memory back once the
// passes over a frame of more than trimAboveArea pixels are done, before
// the verifier's runs and the faces' description add theirs: a 12000x9000
// photo's tiles leave 200-250 MB in UltraFace's arena.
func (s faceScanner) trimAfterPasses(frame gocv.Mat) error {
	mt, ok := s.fine.(memoryTrimmer)
	if !ok || frame.Cols()*frame.Rows() <= trimAboveArea {
		return nil
	}
	if err := mt.trimMemory(); err != nil {
		return fmt.Errorf("%s: %w", s.fine.Name(), err)
	}
	// The arena's blocks that the C allocator took from its heaps rather
	// than from fresh mappings only go back to the system with a trim.
	cmalloc.Trim()
	return nil
}

// splitSure parts detections into those scored sureScore or more, kept
// without the verifier's opinion, and the rest, which need it (all of
// them when sureScore is 0).
func (s faceScanner) splitSure(dets []facedata.Detection) (sure, doubtful []facedata.Detection) {
	for _, d := range dets {
		if s.sureScore > 0 && d.Score >= s.sureScore {
			sure = append(sure, d)
		} else {
			doubtful = append(doubtful, d)
		}
	}
	return sure, doubtful
}

// passes runs the coarse pass and the fine passes over frame (chunks in
// parallel) and returns their detections, in frame pixels, unmerged: the
// coarse pass's scored from coarseMin up, and every fine pass's.
func (s faceScanner) passes(ctx context.Context, frame gocv.Mat) (coarseDets, fineDets []facedata.Detection, err error) {
	w, h := frame.Cols(), frame.Rows()
	jobs := []scanJob{{chunk: image.Rect(0, 0, w, h), sizes: [2]float64{0, math.Inf(1)}}}
	if s.fine != nil && s.minFace > 0 {
		for _, p := range s.plan(w, h) {
			sizes := [2]float64{p.Sizes[0] / levelSizeSlack, p.Sizes[1] * levelSizeSlack}
			if s.octaves {
				// Neighbouring octaves overlap already; a level keeps
				// faces a little under the size it was planned for (the
				// detector's boxes vary by about that much).
				sizes = [2]float64{p.Sizes[0] * octaveKeepBelow, p.Sizes[1]}
			}
			for _, c := range p.Chunks {
				jobs = append(jobs, scanJob{chunk: c, scale: p.Scale, sizes: sizes})
			}
		}
	}
	results := make([][]facedata.Detection, len(jobs))
	errs := make([]error, len(jobs))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	next := make(chan int)
	for k := 0; k < min(runtime.GOMAXPROCS(0), len(jobs)); k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = s.runJob(ctx, frame, jobs[i])
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
			return nil, nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	for _, d := range results[0] {
		if d.Score >= s.coarseMin {
			coarseDets = append(coarseDets, d)
		}
	}
	for _, r := range results[1:] {
		fineDets = append(fineDets, r...)
	}
	return coarseDets, fineDets, nil
}

// plan chooses the fine passes for a w x h frame.
func (s faceScanner) plan(w, h int) []scanPass {
	in, out := s.fine.MinFaceInput(), s.fine.MaxFaceInput()
	if s.octaves {
		parallel := max(1, runtime.GOMAXPROCS(0)/max(1, int(scansInFlight.Load())))
		return planOctaves(w, h, in, out, s.minFace, s.coarseMinFace(w, h), parallel, ultraGrid)
	}
	return planPasses(w, h, in, out, s.minFace, s.coarseMinFace(w, h))
}

// coarseMinFace is the smallest face, in frame pixels, the coarse pass
// finds in a w x h frame (infinite when it cannot say).
func (s faceScanner) coarseMinFace(w, h int) float64 {
	if c, ok := s.coarse.(sizedDetector); ok {
		return c.MinFaceInput() * float64(max(w, h)) / float64(c.InputSize())
	}
	return math.Inf(1)
}

// runJob runs one pass over one chunk and returns the detections, in frame
// coordinates, of the face sizes the pass is responsible for. In a chunk
// that shares an edge with a neighbour, boxes touching that edge are
// dropped: the face is cut there and the neighbour sees it whole.
func (s faceScanner) runJob(ctx context.Context, frame gocv.Mat, j scanJob) ([]facedata.Detection, error) {
	if j.scale == 0 {
		return s.coarse.Detect(ctx, frame)
	}
	roi := frame.Region(j.chunk)
	defer roi.Close()
	dets, err := s.fine.DetectScaled(ctx, roi, j.scale)
	if err != nil {
		return nil, err
	}
	frameW, frameH := frame.Cols(), frame.Rows()
	margin := 2 / j.scale
	dx, dy := float64(j.chunk.Min.X), float64(j.chunk.Min.Y)
	out := dets[:0]
	for _, det := range dets {
		b := det.Box
		side := max(b.W, b.H)
		if s.octaves {
			// UltraFace's boxes are taller than wide by a varying amount;
			// its levels are chosen by width.
			side = b.W
		}
		if side < j.sizes[0] || side > j.sizes[1] {
			continue
		}
		if (j.chunk.Min.X > 0 && b.X <= margin) ||
			(j.chunk.Min.Y > 0 && b.Y <= margin) ||
			(j.chunk.Max.X < frameW && b.X+b.W >= float64(j.chunk.Dx())-margin) ||
			(j.chunk.Max.Y < frameH && b.Y+b.H >= float64(j.chunk.Dy())-margin) {
			continue
		}
		det.Box = b.Translate(dx, dy)
		for k := range det.Keypoints {
			det.Keypoints[k] = facedata.Point{X: det.Keypoints[k].X + dx, Y: det.Keypoints[k].Y + dy}
		}
		out = append(out, det)
	}
	return out, nil
}

// octaveKeepBelow is how far under its planned smallest face an octave
// level keeps boxes: UltraFace's levels are planned for faces from 20
// detector pixels and keep them from 16 (the window the issue measured).
const octaveKeepBelow = 0.8

// levelSizeSlack widens each pass's size range: detectors estimate a face's
// size to within about 20%, and the ranges of neighbouring passes meet
// exactly, so the slack lets them overlap.
const levelSizeSlack = 1.25

// dropInnerParts removes every detection that is an inner part of another.
func dropInnerParts(dets []facedata.Detection) []facedata.Detection {
	var out []facedata.Detection
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
func isInnerPart(d facedata.Detection, others []facedata.Detection) bool {
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

// mergeDetections keeps the best-scored of detections that show the same
// face: boxes overlapping by IoU >= iou, or one box lying mostly
// (intersection / smaller area >= contain) inside another of similar size.
// The result is sorted best first.
func mergeDetections(dets []facedata.Detection, iou, contain float64) []facedata.Detection {
	sort.SliceStable(dets, func(i, j int) bool { return dets[i].Score > dets[j].Score })
	var kept []facedata.Detection
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

func sameFace(a, b facedata.Rect, iou, contain float64) bool {
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
