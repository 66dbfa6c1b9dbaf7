package recognition

import (
	"context"
	"fmt"
	"image"
	"math"
	"sync"

	"gocv.io/x/gocv"

	"facecase/facedata"
)

// hogPersonWindow is the height of the person inside OpenCV's 64x128 HOG
// people window (Dalal and Triggs: the body is about 96 px of the 128).
const hogPersonWindow = 96.0

// HOGPeople is OpenCV's HOG people detector (Dalal-Triggs, trained on INRIA
// pedestrians), built into OpenCV: no model file. It is the baseline the
// learnt detectors are measured against (docs/people.md).
type HOGPeople struct {
	opts PersonOptions
	mu   sync.Mutex
	hog  *gocv.HOGDescriptor
}

// NewHOGPeople makes the detector.
func NewHOGPeople(opts PersonOptions) (*HOGPeople, error) {
	people, err := hogPeopleSVM()
	if err != nil {
		return nil, fmt.Errorf("hog people: %w", err)
	}
	defer people.Close()
	hog := gocv.NewHOGDescriptor()
	hog.SetSVMDetector(people)
	return &HOGPeople{opts: opts.withDefaults(0), hog: &hog}, nil
}

// errHOGSize says OpenCV's people detector is not the size expected.
func errHOGSize(n int) error {
	return fmt.Errorf("OpenCV's default people detector has %d coefficients, not %d", n, hogPeopleSVMSize)
}

// Name is facedata.PersonHOG.
func (d *HOGPeople) Name() facedata.PersonDetectorName { return facedata.PersonHOG }

// Close releases the descriptor.
func (d *HOGPeople) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.hog != nil {
		d.hog.Close()
		d.hog = nil
	}
	return nil
}

// DetectPeople scans the image, enlarged so that the smallest person asked
// for fills the window, at OpenCV's default scales. Scores are not
// reported by gocv's binding: every box gets 1.
func (d *HOGPeople) DetectPeople(ctx context.Context, img gocv.Mat) ([]facedata.Person, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if img.Empty() || img.Type() != gocv.MatTypeCV8UC3 {
		return nil, fmt.Errorf("hog people: %w", ErrBadFrame)
	}
	scale := personScale(img.Cols(), img.Rows(), d.opts.MinHeight, hogPersonWindow, d.opts.MaxInputPixels)
	src := img
	if math.Abs(scale-1) > 1e-3 {
		big := gocv.NewMat()
		defer big.Close()
		gocv.Resize(img, &big, image.Pt(int(math.Round(float64(img.Cols())*scale)), int(math.Round(float64(img.Rows())*scale))), 0, 0, gocv.InterpolationLinear)
		src = big
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.hog == nil {
		return nil, errPoolClosed
	}
	rects := d.hog.DetectMultiScale(src)
	dets := make([]facedata.Detection, len(rects))
	for i, r := range rects {
		// The window has a margin around the body; OpenCV's people
		// detection sample trims it the same way.
		b := facedata.RectFromImage(r)
		b = facedata.Rect{X: b.X + 0.1*b.W, Y: b.Y + 0.07*b.H, W: 0.8 * b.W, H: 0.8 * b.H}
		dets[i] = facedata.Detection{Box: b, Score: 1}
	}
	return peopleFrom(dets, scale, img.Cols(), img.Rows(), d.Name()), nil
}
