package recognition

import (
	"context"
	"fmt"
	"math"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/ort"
	"facecase/models/convert"
)

// NanoDet-g (COCO, Apache-2.0), translated from the human-models package by
// convert.NanoDet; only its "person" class is read.
const (
	// nanoDetMinScore is the default lowest person score kept: low, so
	// that the person tracker can keep half-hidden people followed (it
	// starts tracks from 0.55 only; tracking.PersonConfig.MinScore). On
	// vtest.avi the boxes from 0.5 up find 96% of the people with no false
	// box (docs/people.md).
	nanoDetMinScore = 0.3
	// nanoDetIOU is the overlap above which the weaker of two person boxes
	// is dropped (NanoDet's own setting).
	nanoDetIOU = 0.6
	// nanoDetMinPerson is the smallest person, in net input pixels, found
	// reliably: on vtest.avi, people from 50 px scaled by 0.5 are found at
	// 96-97%, by 0.4 (20 px) at 84-89% (docs/people.md).
	nanoDetMinPerson = 25.0
	// nanoDetStride is the coarsest level's stride: canvas sides are
	// multiples of it.
	nanoDetStride = 32
)

// DefaultMaxPersonInput is the largest canvas a person net sees by default:
// 1280x736, a 720p frame at full size.
const DefaultMaxPersonInput = 1280 * 736

// NanoDetPeople is the NanoDet-g person detector.
type NanoDetPeople struct {
	opts  PersonOptions
	net   netRunner
	names []string
}

// NewNanoDetPeople loads the converted model.
func NewNanoDetPeople(modelPath string, opts PersonOptions) (*NanoDetPeople, error) {
	d := &NanoDetPeople{opts: opts.withDefaults(nanoDetMinScore)}
	for k := range convert.NanoDetStrides {
		d.names = append(d.names, convert.NanoDetScoresName(k))
	}
	for k := range convert.NanoDetStrides {
		d.names = append(d.names, convert.NanoDetDistancesName(k))
	}
	net, err := loadPersonNet(modelPath, opts.Runtime, convert.NanoDetInputName, d.names)
	if err != nil {
		return nil, err
	}
	d.net = net
	return d, nil
}

func (o PersonOptions) withDefaults(minScore float32) PersonOptions {
	if o.MinHeight <= 0 {
		o.MinHeight = DefaultMinPersonHeight
	}
	if o.MinScore <= 0 {
		o.MinScore = minScore
	}
	if o.MaxInputPixels <= 0 {
		o.MaxInputPixels = DefaultMaxPersonInput
	}
	return o
}

// Name is facedata.NanoDet.
func (d *NanoDetPeople) Name() facedata.PersonDetectorName { return facedata.NanoDet }

// Close releases the net.
func (d *NanoDetPeople) Close() error {
	d.net.close()
	return nil
}

// nanoDetNorm is NanoDet's training normalisation, per BGR channel.
func nanoDetNorm(b, g, r uint8) [3]float32 {
	return [3]float32{
		(float32(b) - convert.NanoDetMean[0]) / convert.NanoDetStd[0],
		(float32(g) - convert.NanoDetMean[1]) / convert.NanoDetStd[1],
		(float32(r) - convert.NanoDetMean[2]) / convert.NanoDetStd[2],
	}
}

// DetectPeople finds people in a BGR image in one pass over the image
// scaled for the smallest person asked for.
func (d *NanoDetPeople) DetectPeople(ctx context.Context, img gocv.Mat) ([]facedata.Person, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	scale := personScale(img.Cols(), img.Rows(), d.opts.MinHeight, nanoDetMinPerson, d.opts.MaxInputPixels)
	in, err := makePersonInput(img, scale, nanoDetStride, nanoDetNorm, [3]float32{})
	if err != nil {
		return nil, fmt.Errorf("nanodet: %w", err)
	}
	defer in.blob.Close()
	outs, err := d.net.run(ctx, convert.NanoDetInputName, in.blob, d.names...)
	if err != nil {
		return nil, fmt.Errorf("nanodet: %w", err)
	}
	defer ort.Recycle(outs...) // read below, then done with
	var dets []facedata.Detection
	for k, stride := range convert.NanoDetStrides {
		cols, rows := in.w/stride, in.h/stride
		scores, dists := outs[k].Data, outs[3+k].Data
		if len(scores) != cols*rows*convert.NanoDetClasses || len(dists) != cols*rows*4*convert.NanoDetBins {
			return nil, fmt.Errorf("nanodet: level %d: %d scores for a %dx%d grid", k, len(scores), cols, rows)
		}
		dets = nanoDetDecode(dets, scores, dists, cols, rows, stride, d.opts.MinScore)
	}
	return peopleFrom(NonMaxSuppression(dets, nanoDetIOU), in.scale, img.Cols(), img.Rows(), d.Name()), nil
}

// nanoDetDecode appends the person boxes (in canvas pixels) of one level
// whose score reaches minScore. A box's sides are the expected distances
// of the cell centre's distance distributions.
func nanoDetDecode(dst []facedata.Detection, scores, dists []float32, cols, rows, stride int, minScore float32) []facedata.Detection {
	const bins = convert.NanoDetBins
	for i := 0; i < cols*rows; i++ {
		score := scores[i*convert.NanoDetClasses] // class 0: person
		if score < minScore {
			continue
		}
		cx := (float64(i%cols) + 0.5) * float64(stride)
		cy := (float64(i/cols) + 0.5) * float64(stride)
		var side [4]float64 // left, top, right, bottom
		for j := range side {
			logits := dists[(i*4+j)*bins : (i*4+j+1)*bins]
			top := float32(math.Inf(-1))
			for _, v := range logits {
				top = max(top, v)
			}
			var sum, mean float64
			for q, v := range logits {
				e := math.Exp(float64(v - top))
				sum += e
				mean += e * float64(q)
			}
			side[j] = mean / sum * float64(stride)
		}
		box := facedata.Rect{X: cx - side[0], Y: cy - side[1], W: side[0] + side[2], H: side[1] + side[3]}
		dst = append(dst, facedata.Detection{Box: box, Score: score})
	}
	return dst
}

// peopleFrom maps detections from canvas pixels back to the image (clipped
// to it), dropping boxes left empty.
func peopleFrom(dets []facedata.Detection, scale float64, cols, rows int, detector facedata.PersonDetectorName) []facedata.Person {
	out := make([]facedata.Person, 0, len(dets))
	for _, d := range dets {
		box := d.Box.Scale(1/scale).Clip(cols, rows)
		if box.W < 1 || box.H < 1 {
			continue
		}
		out = append(out, facedata.Person{Box: box, Score: d.Score, Detector: detector})
	}
	return out
}
