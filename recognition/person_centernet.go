package recognition

import (
	"context"
	"fmt"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/ort"
	"facecase/models/convert"
)

// centerNetMinScore is the default lowest person score kept by CenterNet.
const centerNetMinScore = 0.3

// centerNetMinPerson is the smallest person, in net input pixels, CenterNet
// is asked to find.
const centerNetMinPerson = 25.0

// CenterNetPeople is the CenterNet MobileNetV3 detector of the
// human-models package, translated by convert.CenterNet. Its upstream
// states no licence, so it is not installed: it exists for the measured
// comparison of person detectors (docs/people.md).
type CenterNetPeople struct {
	opts PersonOptions
	net  netRunner
}

// NewCenterNetPeople loads a translated model.
func NewCenterNetPeople(modelPath string, opts PersonOptions) (*CenterNetPeople, error) {
	net, err := loadPersonNet(modelPath, opts.Runtime, convert.CenterNetInputName,
		[]string{convert.CenterNetHeatmapName, convert.CenterNetSizesName})
	if err != nil {
		return nil, err
	}
	return &CenterNetPeople{opts: opts.withDefaults(centerNetMinScore), net: net}, nil
}

// Name is facedata.CenterNet.
func (d *CenterNetPeople) Name() facedata.PersonDetectorName { return facedata.CenterNet }

// Close releases the net.
func (d *CenterNetPeople) Close() error {
	d.net.close()
	return nil
}

// centerNetNorm feeds RGB 0..255, as the package's own code does.
func centerNetNorm(b, g, r uint8) [3]float32 { return [3]float32{float32(r), float32(g), float32(b)} }

// DetectPeople decodes every person peak of the heat map (a cell that is
// the largest of its 3x3 neighbourhood): no cap on the count.
func (d *CenterNetPeople) DetectPeople(ctx context.Context, img gocv.Mat) ([]facedata.Person, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	scale := personScale(img.Cols(), img.Rows(), d.opts.MinHeight, centerNetMinPerson, d.opts.MaxInputPixels)
	in, err := makePersonInput(img, scale, 32, centerNetNorm, [3]float32{})
	if err != nil {
		return nil, fmt.Errorf("centernet: %w", err)
	}
	defer in.blob.Close()
	outs, err := d.net.run(ctx, convert.CenterNetInputName, in.blob, convert.CenterNetHeatmapName, convert.CenterNetSizesName)
	if err != nil {
		return nil, fmt.Errorf("centernet: %w", err)
	}
	defer ort.Recycle(outs...) // read below, then done with
	s := convert.CenterNetStride
	cols, rows := in.w/s, in.h/s
	heat, sizes := outs[0].Data, outs[1].Data
	plane := cols * rows
	if len(heat) != convert.NanoDetClasses*plane || len(sizes) != 4*plane {
		return nil, fmt.Errorf("centernet: %d heat map values for a %dx%d grid", len(heat), cols, rows)
	}
	person := heat[:plane]
	var dets []facedata.Detection
	for y := 0; y < rows; y++ {
		for x := 0; x < cols; x++ {
			v := person[y*cols+x]
			if v < d.opts.MinScore || !isPeak(person, cols, rows, x, y) {
				continue
			}
			i := y*cols + x
			px, py := float64(x*s), float64(y*s)
			l, t := float64(sizes[i]), float64(sizes[plane+i])
			r, b := float64(sizes[2*plane+i]), float64(sizes[3*plane+i])
			dets = append(dets, facedata.Detection{Box: facedata.Rect{X: px - l, Y: py - t, W: l + r, H: t + b}, Score: v})
		}
	}
	return peopleFrom(NonMaxSuppression(dets, nanoDetIOU), in.scale, img.Cols(), img.Rows(), d.Name()), nil
}

// isPeak reports whether cell (x, y) is the largest of its 3x3
// neighbourhood (ties keep the first in row-major order).
func isPeak(m []float32, cols, rows, x, y int) bool {
	v := m[y*cols+x]
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			nx, ny := x+dx, y+dy
			if (dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= cols || ny >= rows {
				continue
			}
			w := m[ny*cols+nx]
			if w > v || (w == v && ny*cols+nx < y*cols+x) {
				return false
			}
		}
	}
	return true
}
