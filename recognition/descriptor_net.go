package recognition

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/ort"
	"facecase/models/convert"
)

// ErrBadChip is returned by DescriptorNet.Compute for a chip it cannot read
// (empty, or not 8-bit 3-channel).
var ErrBadChip = errors.New("bad face chip")

// DescriptorBatchMax is the most chips DescriptorNet feeds to one forward
// pass; larger inputs are split into batches of this size.
const DescriptorBatchMax = 32

// The net's input normalisation, (pixel - mean) / 256 with the mean in RGB
// order, as ../shared/docs/models.md records it for dlib. face-api divides by
// 255 instead; measured on its golden images, that changes the distance to
// its reference descriptors by less than 0.001.
var descriptorNetMeanRGB = gocv.NewScalar(122.782, 117.001, 104.298, 0)

const descriptorNetScale = 1.0 / 256

// DescriptorNet computes descriptors for aligned 150x150 chips, batched,
// on ONNX Runtime (or OpenCV's DNN module, see NetOptions). It is safe for
// concurrent use. On ONNX Runtime each run uses one thread, and Compute
// splits a batch over GOMAXPROCS runs at once; OpenCV spreads one forward
// pass over every core itself, so there batches go one after another.
type DescriptorNet struct {
	path string
	net  netRunner
}

// NetOptions choose how a net runs.
type NetOptions struct {
	// Runtime is RuntimeORT (default) or RuntimeOpenCV.
	Runtime string
}

// descriptorWarmBatches are the batch sizes the net is run at once when
// loaded.
var descriptorWarmBatches = []int64{1, 8}

// NewDescriptorNet loads the converted dlib ResNet v1 model (ONNX, as
// convert.DlibResNetV1 writes it; on ONNX Runtime also its int8 form,
// convert.DlibResNetV1Int8, for measuring). The file is checked before a runtime
// reads it (OpenCV aborts the process on a malformed model), and the net
// is run once at the batch sizes of descriptorWarmBatches, so that a broken
// model fails here, not in Compute, and the first Compute is not slow.
func NewDescriptorNet(modelPath string, opts NetOptions) (*DescriptorNet, error) {
	side := int64(convert.DlibResNetV1InputSize)
	var shapes [][]int64
	for _, b := range descriptorWarmBatches {
		shapes = append(shapes, []int64{b, 3, side, side})
	}
	net, err := loadNet("descriptor net", modelPath, descriptorModelCheck(opts.Runtime), opts.Runtime, fixedShapes, convert.DlibResNetV1Input, shapes...)
	if err != nil {
		return nil, err
	}
	return &DescriptorNet{path: modelPath, net: net}, nil
}

// Compute takes aligned RGB 8UC3 150x150 chips (other sizes are resized)
// and returns one descriptor per chip, in order. Chips are fed in batches of
// up to DescriptorBatchMax; ctx is checked before each batch. The chips are
// only read, never changed or closed.
func (n *DescriptorNet) Compute(ctx context.Context, chips []gocv.Mat) ([]facedata.Descriptor, error) {
	for i := range chips {
		if chips[i].Empty() {
			return nil, fmt.Errorf("compute descriptors: chip %d: %w: empty", i, ErrBadChip)
		}
		if t := chips[i].Type(); t != gocv.MatTypeCV8UC3 {
			return nil, fmt.Errorf("compute descriptors: chip %d: %w: type %v, want 8-bit RGB (CV_8UC3)", i, ErrBadChip, t)
		}
	}
	out := make([]facedata.Descriptor, len(chips))
	batches := descriptorBatches(len(chips), n.net.workers())
	errs := make([]error, len(batches))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(n.net.workers(), len(batches)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				b := batches[i]
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				if err := n.forward(ctx, chips[b[0]:b[1]], out[b[0]:b[1]]); err != nil {
					errs[i] = fmt.Errorf("chips %d-%d: %w", b[0], b[1]-1, err)
				}
			}
		}()
	}
	for i := range batches {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("compute descriptors: %w", err)
		}
	}
	return out, nil
}

// descriptorBatches cuts n chips into [start, end) batches of at most
// DescriptorBatchMax: as many equal batches as there are workers, so that
// the runs share the cores evenly.
func descriptorBatches(n, workers int) [][2]int {
	if n == 0 {
		return nil
	}
	parts := max(min(workers, n), (n+DescriptorBatchMax-1)/DescriptorBatchMax)
	var out [][2]int
	for i := 0; i < parts; i++ {
		out = append(out, [2]int{i * n / parts, (i + 1) * n / parts})
	}
	return out
}

// Close releases the net. Call it after every Compute call has returned.
func (n *DescriptorNet) Close() error {
	n.net.close()
	return nil
}

// descriptorBlob writes the net's input for a batch of chips to blob.
func descriptorBlob(chips []gocv.Mat, blob *gocv.Mat) {
	side := convert.DlibResNetV1InputSize
	sized := make([]gocv.Mat, len(chips))
	for i, c := range chips {
		if c.Cols() == side && c.Rows() == side {
			sized[i] = c
			continue
		}
		r := gocv.NewMat()
		defer r.Close()
		interp := gocv.InterpolationLinear
		if c.Cols() > side || c.Rows() > side {
			interp = gocv.InterpolationArea
		}
		gocv.Resize(c, &r, image.Pt(side, side), 0, 0, interp)
		sized[i] = r
	}
	// Chips are RGB already: no channel swap, mean given in RGB order.
	gocv.BlobFromImages(sized, blob, descriptorNetScale, image.Pt(side, side),
		descriptorNetMeanRGB, false, false, gocv.MatTypeCV32F)
}

// forward runs one batch and writes its descriptors to out.
func (n *DescriptorNet) forward(ctx context.Context, chips []gocv.Mat, out []facedata.Descriptor) error {
	blob := gocv.NewMat()
	defer blob.Close()
	descriptorBlob(chips, &blob)
	res, err := n.net.run(ctx, convert.DlibResNetV1Input, blob, convert.DlibResNetV1Output)
	if err != nil {
		return err
	}
	defer ort.Recycle(res...) // read below, then done with
	d := res[0]
	if len(d.Shape) != 2 || d.Shape[0] != int64(len(chips)) || d.Shape[1] != facedata.DescriptorSize || len(d.Data) != len(chips)*facedata.DescriptorSize {
		return fmt.Errorf("descriptor net output has shape %v, want [%d %d]", d.Shape, len(chips), facedata.DescriptorSize)
	}
	for i := range chips {
		copy(out[i][:], d.Data[i*facedata.DescriptorSize:(i+1)*facedata.DescriptorSize])
	}
	return nil
}
