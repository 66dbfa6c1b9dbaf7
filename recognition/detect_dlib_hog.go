package recognition

import (
	"context"
	"fmt"
	"math"

	"gocv.io/x/gocv"

	"facecase/internal/dlibface"
)

// DlibHOGOptions tune dlib's HOG detector.
type DlibHOGOptions struct {
	// Upsample doubles the image this many times before scanning: 0 finds
	// faces from about 80 pixels, 1 from about 40 (and takes 4x longer).
	Upsample int
	// AdjustThreshold below 0 finds more, less certain faces.
	AdjustThreshold float64
}

// DlibHOGDetector is dlib's frontal face detector: HOG features and a linear
// SVM. It needs no model file and finds frontal faces only. Scores map
// dlib's SVM margin c into [0, 1] as 1/(1+exp(-2c)), so dlib's default
// threshold (c = 0) is 0.5.
type DlibHOGDetector struct {
	opts DlibHOGOptions
	pool *resourcePool[*dlibface.HOGDetector]
}

// NewDlibHOGDetector builds the detector.
func NewDlibHOGDetector(opts DlibHOGOptions) (*DlibHOGDetector, error) {
	d := &DlibHOGDetector{opts: opts, pool: newResourcePool(0, dlibface.NewHOGDetector, func(h *dlibface.HOGDetector) { h.Close() })}
	if err := d.pool.prime(); err != nil {
		return nil, err
	}
	return d, nil
}

// Name is "hog".
func (d *DlibHOGDetector) Name() string { return "hog" }

// Close releases the detectors.
func (d *DlibHOGDetector) Close() error {
	d.pool.close()
	return nil
}

// Detect finds frontal faces in a BGR image.
func (d *DlibHOGDetector) Detect(ctx context.Context, img gocv.Mat) ([]Detection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	view, release, err := dlibView(img)
	if err != nil {
		return nil, fmt.Errorf("hog: %w", err)
	}
	defer release()
	var raw []dlibface.Detection
	err = d.pool.with(ctx, func(h *dlibface.HOGDetector) error {
		var err error
		raw, err = h.Detect(view, d.opts.Upsample, d.opts.AdjustThreshold)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("hog: %w", err)
	}
	dets := make([]Detection, 0, len(raw))
	for _, r := range raw {
		box := Rect{r.Left, r.Top, r.Right - r.Left, r.Bottom - r.Top}.Clip(img.Cols(), img.Rows())
		if box.Area() == 0 {
			continue
		}
		dets = append(dets, Detection{Box: box, Score: float32(1 / (1 + math.Exp(-2*r.Confidence)))})
	}
	return dets, nil
}
