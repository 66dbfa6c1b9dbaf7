package convert

import (
	"encoding/binary"
	"fmt"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// BlazeFaceDynamic makes MediaPipe's BlazeFace back model (keijiro's
// Barracuda-compatible ONNX export, fixed at 1x256x256x3) accept frames of
// any size that is a multiple of 32, so a large frame is scanned in one pass
// instead of in many overlapping 256x256 tiles. The network is fully
// convolutional; only three things tie it to 256:
//
//   - the declared input shape, made symbolic in height and width;
//   - two channel paddings exported as Concat with a ConstantOfShape of
//     fixed spatial size, replaced by an equivalent Pad on the channel axis;
//   - the output Reshape targets [1, N, k], made [1, -1, k].
//
// The outputs keep their layout: per grid cell (row-major), per anchor, a
// score logit (Identity, Identity_1) and 16 regressors (Identity_2,
// Identity_3), on a grid of stride 16 with 2 anchors and of stride 32 with 6.
func BlazeFaceDynamic(model []byte) ([]byte, error) {
	var m onnx.ModelProto
	if err := proto.Unmarshal(model, &m); err != nil || m.Graph == nil {
		return nil, fmt.Errorf("%w: not an ONNX model", ErrBadModel)
	}
	g := m.Graph
	if len(g.Input) != 1 || len(g.Output) != 4 {
		return nil, fmt.Errorf("%w: want 1 input and 4 outputs, got %d and %d", ErrBadModel, len(g.Input), len(g.Output))
	}
	inits, producer := graphIndex(g)
	dropped := map[*onnx.NodeProto]bool{}
	pads, reshapes := 0, 0
	for _, n := range g.Node {
		switch n.OpType {
		case "Concat":
			if len(n.Input) != 2 {
				continue
			}
			zeros := producer[n.Input[1]]
			if zeros == nil || zeros.OpType != "ConstantOfShape" {
				continue
			}
			shape, err := int64Values(inits[zeros.Input[0]])
			if err != nil || len(shape) != 4 {
				return nil, fmt.Errorf("%w: padding %s: shape %v: %v", ErrBadModel, n.Name, shape, err)
			}
			padsName := n.Output[0] + "/pads"
			g.Initializer = append(g.Initializer, &onnx.TensorProto{
				Name: padsName, Dims: []int64{8}, DataType: int32(onnx.TensorProto_INT64),
				// NCHW begin then end: add shape[1] zero channels at the end.
				Int64Data: []int64{0, 0, 0, 0, 0, shape[1], 0, 0},
			})
			n.OpType = "Pad"
			n.Input = []string{n.Input[0], padsName}
			n.Attribute = []*onnx.AttributeProto{String("mode", "constant")}
			dropped[zeros] = true
			pads++
		case "Reshape":
			t := inits[n.Input[1]]
			v, err := int64Values(t)
			if err != nil || len(v) != 3 {
				return nil, fmt.Errorf("%w: reshape %s: target %v: %v", ErrBadModel, n.Name, v, err)
			}
			v[1] = -1
			t.RawData, t.Int64Data = nil, v
			reshapes++
		}
	}
	if pads != 2 || reshapes != 4 {
		return nil, fmt.Errorf("%w: expected BlazeFace's 2 channel paddings and 4 output reshapes, found %d and %d", ErrBadModel, pads, reshapes)
	}
	kept := g.Node[:0]
	for _, n := range g.Node {
		if !dropped[n] {
			kept = append(kept, n)
		}
	}
	g.Node = kept
	dims := g.Input[0].GetType().GetTensorType().GetShape().GetDim()
	if len(dims) != 4 {
		return nil, fmt.Errorf("%w: input has %d dimensions, want 4 (NHWC)", ErrBadModel, len(dims))
	}
	dims[1].Value = &onnx.TensorShapeProto_Dimension_DimParam{DimParam: "height"}
	dims[2].Value = &onnx.TensorShapeProto_Dimension_DimParam{DimParam: "width"}
	for _, o := range g.Output {
		if d := o.GetType().GetTensorType().GetShape().GetDim(); len(d) == 3 {
			d[1].Value = &onnx.TensorShapeProto_Dimension_DimParam{DimParam: "anchors"}
		}
	}
	out, err := proto.MarshalOptions{Deterministic: true}.Marshal(&m)
	if err != nil {
		return nil, fmt.Errorf("marshal BlazeFace: %w", err)
	}
	return out, nil
}

// int64Values reads an INT64 initializer stored raw or as int64_data.
func int64Values(t *onnx.TensorProto) ([]int64, error) {
	if t == nil {
		return nil, fmt.Errorf("missing initializer")
	}
	if t.DataType != int32(onnx.TensorProto_INT64) {
		return nil, fmt.Errorf("initializer %s is not INT64", t.Name)
	}
	if len(t.Int64Data) > 0 {
		return append([]int64(nil), t.Int64Data...), nil
	}
	if len(t.RawData)%8 != 0 {
		return nil, fmt.Errorf("initializer %s: %d raw bytes", t.Name, len(t.RawData))
	}
	v := make([]int64, len(t.RawData)/8)
	for i := range v {
		v[i] = int64(binary.LittleEndian.Uint64(t.RawData[8*i:]))
	}
	return v, nil
}
