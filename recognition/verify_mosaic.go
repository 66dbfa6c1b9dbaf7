package recognition

import (
	"context"
	"errors"
	"image"
	"math"
	"runtime"
	"sync"

	"gocv.io/x/gocv"

	"facecase/facedata"
)

// mosaicFaceFactor sets how large, relative to the verifier's smallest
// reliable face, each candidate is shown in the mosaic.
const mosaicFaceFactor = 1.45

// verifyCandidates asks a second detector to confirm candidate faces. Each
// candidate is cut from the frame with twice its box around its centre and
// scaled into one cell of a square mosaic the verifier sees in one pass (a
// 4x4 grid for the SSD), so the face appears at a size the verifier finds
// reliably. A candidate is confirmed when the verifier finds a face in its
// cell overlapping where the candidate should be, and the product of the
// candidate's score and the verifier's is at least minJoint; the confirmed
// face's score becomes the geometric mean of the two. When there are more
// candidates than one mosaic holds, the mosaics are verified on
// GOMAXPROCS goroutines at once (each verifier run uses one core); the
// result keeps the candidates' order.
func verifyCandidates(ctx context.Context, verifier sizedDetector, minJoint float32, frame gocv.Mat, cands []facedata.Detection) ([]facedata.Detection, error) {
	if len(cands) == 0 {
		return nil, nil
	}
	grid := mosaicGrid(verifier)
	cell := verifier.InputSize() / grid
	perMosaic := grid * grid
	mosaics := (len(cands) + perMosaic - 1) / perMosaic
	joints := make([][]float32, mosaics)
	errs := make([]error, mosaics)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), mosaics); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range next {
				if errs[m] = ctx.Err(); errs[m] != nil {
					continue
				}
				batch := cands[m*perMosaic : min(len(cands), (m+1)*perMosaic)]
				if joints[m], errs[m] = verifyMosaic(ctx, verifier, frame, batch, grid, cell); errs[m] != nil {
					cancel()
				}
			}
		}()
	}
	for m := 0; m < mosaics; m++ {
		next <- m
	}
	close(next)
	wg.Wait()
	if err := firstError(errs); err != nil {
		return nil, err
	}
	var confirmed []facedata.Detection
	for m, joint := range joints {
		for i, c := range cands[m*perMosaic : min(len(cands), (m+1)*perMosaic)] {
			if j := c.Score * joint[i]; j >= minJoint {
				c.Score = float32(math.Sqrt(float64(j)))
				confirmed = append(confirmed, c)
			}
		}
	}
	return confirmed, nil
}

// mosaicGrid is the number of cells a side of the verifier's mosaic: each
// cell is twice the candidate's side, shown at mosaicFaceFactor times the
// verifier's smallest reliable face.
func mosaicGrid(verifier sizedDetector) int {
	faceSide := mosaicFaceFactor * verifier.MinFaceInput()
	return max(1, int(float64(verifier.InputSize())/(2*faceSide)))
}

// firstError returns the first error that is not a cancellation, else the
// first error: when one run fails, the others stop with the context the
// failure cancelled, and the failure is what the caller needs to see.
func firstError(errs []error) error {
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// verifyMosaic builds one mosaic of up to grid*grid candidates and returns,
// for each, the verifier's best score for a face where the candidate should
// be (0 when it finds none).
func verifyMosaic(ctx context.Context, verifier Detector, frame gocv.Mat, cands []facedata.Detection, grid, cell int) ([]float32, error) {
	side := grid * cell
	mosaic := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 0, 0, 0), side, side, gocv.MatTypeCV8UC3)
	defer mosaic.Close()
	bounds := image.Rect(0, 0, frame.Cols(), frame.Rows())
	expected := make([]facedata.Rect, len(cands))
	for i, c := range cands {
		origin := image.Pt((i%grid)*cell, (i/grid)*cell)
		centre := c.Box.Center()
		half := max(c.Box.W, c.Box.H) // crop = twice the box side
		crop := facedata.Rect{X: centre.X - half, Y: centre.Y - half, W: 2 * half, H: 2 * half}
		scale := float64(cell) / (2 * half)
		src := crop.Image().Intersect(bounds)
		if src.Empty() {
			continue
		}
		// Where the clipped source lands inside the cell.
		x0 := origin.X + int(math.Round((float64(src.Min.X)-crop.X)*scale))
		y0 := origin.Y + int(math.Round((float64(src.Min.Y)-crop.Y)*scale))
		dst := image.Rectangle{
			Min: image.Pt(x0, y0),
			Max: image.Pt(x0+max(1, int(math.Round(float64(src.Dx())*scale))), y0+max(1, int(math.Round(float64(src.Dy())*scale)))),
		}.Intersect(image.Rect(origin.X, origin.Y, origin.X+cell, origin.Y+cell))
		if dst.Empty() {
			continue
		}
		roi := frame.Region(src)
		target := mosaic.Region(dst)
		interp := gocv.InterpolationArea
		if scale > 1 { // enlarging a small face: cubic keeps its edges
			interp = gocv.InterpolationCubic
		}
		gocv.Resize(roi, &target, image.Pt(dst.Dx(), dst.Dy()), 0, 0, interp)
		target.Close()
		roi.Close()
		expected[i] = facedata.Rect{X: float64(origin.X) + (c.Box.X-crop.X)*scale, Y: float64(origin.Y) + (c.Box.Y-crop.Y)*scale, W: c.Box.W * scale, H: c.Box.H * scale}
	}
	found, err := verifier.Detect(ctx, mosaic)
	if err != nil {
		return nil, err
	}
	best := make([]float32, len(cands))
	for i, want := range expected {
		if want.Area() == 0 {
			continue
		}
		for _, f := range found {
			if f.Box.IoU(want) >= 0.3 && f.Score > best[i] {
				best[i] = f.Score
			}
		}
	}
	return best, nil
}
