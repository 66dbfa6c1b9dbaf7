package recognition

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"

	"gocv.io/x/gocv"

	"facecase/facedata"
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

// DescriptorNet computes descriptors for aligned 150x150 chips with OpenCV
// DNN, batched. It is safe for concurrent use: a gocv.Net is not, so each
// Compute call borrows one from a small pool (at most GOMAXPROCS nets, made
// when first needed). OpenCV's own threads already spread one forward pass
// over every core, so more nets only help when several callers compute at
// the same time.
type DescriptorNet struct {
	path string
	// model is the ONNX file, read and checked once; nets are built from it.
	model []byte
	pool  *resourcePool[*gocv.Net]
}

// NewDescriptorNet loads the converted dlib ResNet v1 model (ONNX, as
// convert.DlibResNetV1 writes it). The file is checked before OpenCV reads
// it, because OpenCV aborts the process on a malformed model; one net is
// built at once so that a broken model fails here, not in Compute.
func NewDescriptorNet(modelPath string) (*DescriptorNet, error) {
	model, err := os.ReadFile(modelPath)
	if err != nil {
		return nil, fmt.Errorf("load descriptor net: %w", err)
	}
	if err := convert.CheckDlibResNetV1(model); err != nil {
		return nil, fmt.Errorf("load descriptor net %s: %w", modelPath, err)
	}
	n := &DescriptorNet{path: modelPath, model: model}
	n.pool = newResourcePool(0, n.newNet, descriptorNetClose)
	if err := n.pool.prime(); err != nil {
		n.pool.close()
		return nil, fmt.Errorf("load descriptor net %s: %w", modelPath, err)
	}
	return n, nil
}

// newNet builds one OpenCV net on the OpenCV backend, CPU target.
func (n *DescriptorNet) newNet() (*gocv.Net, error) {
	net, err := gocv.ReadNetFromONNXBytes(n.model)
	if err != nil {
		return nil, fmt.Errorf("read onnx: %w", err)
	}
	if net.Empty() {
		net.Close()
		return nil, fmt.Errorf("opencv read an empty net from %s", n.path)
	}
	if err := net.SetPreferableBackend(gocv.NetBackendOpenCV); err != nil {
		net.Close()
		return nil, fmt.Errorf("set dnn backend: %w", err)
	}
	if err := net.SetPreferableTarget(gocv.NetTargetCPU); err != nil {
		net.Close()
		return nil, fmt.Errorf("set dnn target: %w", err)
	}
	return &net, nil
}

func descriptorNetClose(net *gocv.Net) { net.Close() }

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
	out := make([]facedata.Descriptor, 0, len(chips))
	for start := 0; start < len(chips); start += DescriptorBatchMax {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("compute descriptors: %w", err)
		}
		batch := chips[start:min(start+DescriptorBatchMax, len(chips))]
		err := n.pool.with(ctx, func(net *gocv.Net) error {
			var err error
			out, err = descriptorForward(net, batch, out)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("compute descriptors: chips %d-%d: %w", start, start+len(batch)-1, err)
		}
	}
	return out, nil
}

// Close releases the nets. Call it after every Compute call has returned.
func (n *DescriptorNet) Close() error {
	n.pool.close()
	return nil
}

// descriptorForward runs one batch through net and appends its descriptors.
func descriptorForward(net *gocv.Net, chips []gocv.Mat, out []facedata.Descriptor) ([]facedata.Descriptor, error) {
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

	blob := gocv.NewMat()
	defer blob.Close()
	// Chips are RGB already: no channel swap, mean given in RGB order.
	gocv.BlobFromImages(sized, &blob, descriptorNetScale, image.Pt(side, side),
		descriptorNetMeanRGB, false, false, gocv.MatTypeCV32F)
	net.SetInput(blob, convert.DlibResNetV1Input)
	res := net.Forward(convert.DlibResNetV1Output)
	defer res.Close()

	if dims := res.Size(); len(dims) != 2 || dims[0] != len(chips) || dims[1] != facedata.DescriptorSize {
		return out, fmt.Errorf("descriptor net output has shape %v, want [%d %d]", dims, len(chips), facedata.DescriptorSize)
	}
	data, err := res.DataPtrFloat32()
	if err != nil {
		return out, fmt.Errorf("read descriptor net output: %w", err)
	}
	if len(data) < len(chips)*facedata.DescriptorSize {
		return out, fmt.Errorf("descriptor net output holds %d values, want %d", len(data), len(chips)*facedata.DescriptorSize)
	}
	for i := range chips {
		var d facedata.Descriptor
		copy(d[:], data[i*facedata.DescriptorSize:(i+1)*facedata.DescriptorSize])
		out = append(out, d)
	}
	return out, nil
}
