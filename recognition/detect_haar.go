package recognition

import (
	"context"
	"facecase/facedata"
	"fmt"
	"image"
	"os"

	"gocv.io/x/gocv"
)

// HaarOptions tune the Haar cascade detector.
type HaarOptions struct {
	// MinNeighbors is how many overlapping hits make a face (default 4).
	MinNeighbors int
	// MinSize is the smallest face searched for, in pixels (default 20).
	MinSize int
}

// HaarDetector is OpenCV's Viola-Jones cascade for frontal faces (Debian
// opencv-data). It is fast and needs no net, but it misses turned faces and
// gives no calibrated confidence: every detection scores 1.
type HaarDetector struct {
	opts     HaarOptions
	cascades *resourcePool[*gocv.CascadeClassifier]
}

// NewHaarDetector loads a cascade XML file.
func NewHaarDetector(cascadePath string, opts HaarOptions) (*HaarDetector, error) {
	if opts.MinNeighbors <= 0 {
		opts.MinNeighbors = 4
	}
	if opts.MinSize <= 0 {
		opts.MinSize = 20
	}
	if _, err := os.Stat(cascadePath); err != nil {
		return nil, fmt.Errorf("load Haar cascade: %w", err)
	}
	load := func() (*gocv.CascadeClassifier, error) {
		c := gocv.NewCascadeClassifier()
		if !c.Load(cascadePath) {
			c.Close()
			return nil, fmt.Errorf("load Haar cascade %s: %w", cascadePath, ErrBadModel)
		}
		return &c, nil
	}
	d := &HaarDetector{opts: opts, cascades: newResourcePool(0, load, func(c *gocv.CascadeClassifier) { c.Close() })}
	if err := d.cascades.prime(); err != nil {
		return nil, err
	}
	return d, nil
}

// Name is facedata.Haar.
func (d *HaarDetector) Name() facedata.DetectorName { return facedata.Haar }

// Close releases the cascades.
func (d *HaarDetector) Close() error {
	d.cascades.close()
	return nil
}

// Detect finds frontal faces in a BGR image at full resolution.
func (d *HaarDetector) Detect(ctx context.Context, img gocv.Mat) ([]facedata.Detection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if img.Empty() || img.Type() != gocv.MatTypeCV8UC3 {
		return nil, fmt.Errorf("haar: want a BGR 8-bit image, got type %v", img.Type())
	}
	gray := gocv.NewMat()
	defer gray.Close()
	gocv.CvtColor(img, &gray, gocv.ColorBGRToGray)
	gocv.EqualizeHist(gray, &gray)
	var rects []image.Rectangle
	err := d.cascades.with(ctx, func(c *gocv.CascadeClassifier) error {
		min := image.Pt(d.opts.MinSize, d.opts.MinSize)
		rects = c.DetectMultiScaleWithParams(gray, 1.1, d.opts.MinNeighbors, 0, min, image.Point{})
		return nil
	})
	if err != nil {
		return nil, err
	}
	dets := make([]facedata.Detection, 0, len(rects))
	for _, r := range rects {
		dets = append(dets, facedata.Detection{Box: facedata.RectFromImage(r), Score: 1})
	}
	return dets, nil
}
