package convert

import (
	"errors"
	"fmt"
	"math"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// The dlib ResNet v1 descriptor net as written out here (facts from
// ../shared/docs/models.md, "The descriptor net", and the wiring in
// @vladmandic/face-api 1.7.15 src/faceRecognitionNet/):
//
//	conv 7x7/2 VALID + ReLU        150 -> 72, 32 channels
//	max pool 3x3/2 VALID            72 -> 35
//	3 residual blocks at 32         35
//	down block to 64 + 3 residual   17
//	down block to 128 + 2 residual   8
//	down block to 256 + 2 residual   3 (main) / 4 (shortcut) -> 4
//	down block at 256                1 (main) / 2 (shortcut) -> 2
//	global average pool, MatMul with fc [256,128] (no bias, no L2 norm)
//
// Every conv layer y = (conv(x) + b) * s + sb is folded into one Conv with
// W' = W*s (per output channel) and b' = b*s + sb.

// DlibResNetV1Input is the name of the model's input, NCHW [N,3,150,150]
// with N symbolic. The runner feeds (RGB - mean) / 256.
const DlibResNetV1Input = "input"

// DlibResNetV1Output is the name of the model's output, [N,128].
const DlibResNetV1Output = "descriptor"

// DlibResNetV1InputSize is the side of the square chip the net reads.
const DlibResNetV1InputSize = 150

// DlibResNetV1DescriptorSize is the length of one output descriptor.
const DlibResNetV1DescriptorSize = 128

// DlibResNetV1Opset is the ONNX opset the converted model declares.
const DlibResNetV1Opset = 11

// ErrBadModel is returned when an ONNX file is not a well-formed dlib
// ResNet v1 model as DlibResNetV1 writes it.
var ErrBadModel = errors.New("not a valid dlib ResNet v1 ONNX model")

// dlibBlock is one residual block: two 3x3 conv layers, conv1 and conv2.
// A down block halves the spatial size and may double the channels.
type dlibBlock struct {
	name    string
	in, out int
	down    bool
}

var dlibResNetV1Blocks = []dlibBlock{
	{"conv32_1", 32, 32, false},
	{"conv32_2", 32, 32, false},
	{"conv32_3", 32, 32, false},
	{"conv64_down", 32, 64, true},
	{"conv64_1", 64, 64, false},
	{"conv64_2", 64, 64, false},
	{"conv64_3", 64, 64, false},
	{"conv128_down", 64, 128, true},
	{"conv128_1", 128, 128, false},
	{"conv128_2", 128, 128, false},
	{"conv256_down", 128, 256, true},
	{"conv256_1", 256, 256, false},
	{"conv256_2", 256, 256, false},
	{"conv256_down_out", 256, 256, true},
}

// dlibConvSpec names one conv layer's four tensors and their shapes.
type dlibConvSpec struct {
	prefix            string
	kernel, in, out   int
	stride, padBefore int
}

// dlibTensorShape is the name and shape a weight tensor must have.
type dlibTensorShape struct {
	name  string
	shape []int
}

func (c dlibConvSpec) tensorShapes() []dlibTensorShape {
	return []dlibTensorShape{
		{c.prefix + "/conv/filters", []int{c.kernel, c.kernel, c.in, c.out}},
		{c.prefix + "/conv/bias", []int{c.out}},
		{c.prefix + "/scale/weights", []int{c.out}},
		{c.prefix + "/scale/biases", []int{c.out}},
	}
}

var dlibResNetV1Stem = dlibConvSpec{prefix: "conv32_down", kernel: 7, in: 3, out: 32, stride: 2}

const dlibResNetV1FC = "fc"

// DlibResNetV1 builds the ONNX model (opset 11) of the dlib ResNet v1
// descriptor net from the face-api weights that ReadWeights decodes. The
// same weights always give the same bytes. Missing or misshaped tensors give
// an error wrapping ErrBadWeights that names the tensor.
func DlibResNetV1(w map[string]Tensor) ([]byte, error) {
	if err := checkDlibResNetV1Weights(w); err != nil {
		return nil, err
	}
	g := NewGraph("dlib_resnet_v1")
	x := g.Input(DlibResNetV1Input, -1, 3, DlibResNetV1InputSize, DlibResNetV1InputSize)

	x = g.Node("Relu", []string{dlibConv(g, w, x, dlibResNetV1Stem)})
	x = g.Node("MaxPool", []string{x}, Ints("kernel_shape", 3, 3), Ints("strides", 2, 2))
	side := dlibValidOut(dlibValidOut(DlibResNetV1InputSize, 7, 2), 3, 2)

	for _, b := range dlibResNetV1Blocks {
		var err error
		if x, side, err = dlibResidual(g, w, x, side, b); err != nil {
			return nil, err
		}
	}

	x = g.Node("GlobalAveragePool", []string{x})
	x = g.Node("Flatten", []string{x}, Int("axis", 1))
	fc := w[dlibResNetV1FC]
	fcName := g.Const(dlibResNetV1FC, []int64{int64(fc.Shape[0]), int64(fc.Shape[1])}, fc.Data)
	g.NamedNode(DlibResNetV1Output, "MatMul", []string{x, fcName})
	g.Output(DlibResNetV1Output, -1, DlibResNetV1DescriptorSize)
	return g.Marshal(DlibResNetV1Opset, "facecase convert dlib-resnet-v1")
}

// dlibResidual appends one residual block and returns its output and side.
func dlibResidual(g *Graph, w map[string]Tensor, x string, side int, b dlibBlock) (string, int, error) {
	stride, pad := 1, 1
	if b.down {
		stride, pad = 2, 0
	}
	main := g.Node("Relu", []string{dlibConv(g, w, x, dlibConvSpec{
		prefix: b.name + "/conv1", kernel: 3, in: b.in, out: b.out, stride: stride, padBefore: pad})})
	main = dlibConv(g, w, main, dlibConvSpec{
		prefix: b.name + "/conv2", kernel: 3, in: b.out, out: b.out, stride: 1, padBefore: 1})
	if !b.down {
		return g.Node("Relu", []string{g.Node("Add", []string{main, x})}), side, nil
	}

	mainSide := dlibValidOut(side, 3, 2)
	shortcut := g.Node("AveragePool", []string{x}, Ints("kernel_shape", 2, 2), Ints("strides", 2, 2))
	pooledSide := dlibValidOut(side, 2, 2)
	if b.out > b.in {
		// Shortcut channels are zero-padded at the end of the channel axis.
		pads := g.ConstInt64(b.name+"/shortcut_pads", 0, 0, 0, 0, 0, int64(b.out-b.in), 0, 0)
		shortcut = g.Node("Pad", []string{shortcut, pads}, String("mode", "constant"))
	}
	switch grow := pooledSide - mainSide; grow {
	case 0:
	case 1:
		// dlib's add: the smaller main branch gets one zero row at the
		// bottom and one zero column at the right.
		pads := g.ConstInt64(b.name+"/main_pads", 0, 0, 0, 0, 0, 0, 1, 1)
		main = g.Node("Pad", []string{main, pads}, String("mode", "constant"))
	default:
		return "", 0, fmt.Errorf("dlib resnet block %s: main branch %d px, shortcut %d px", b.name, mainSide, pooledSide)
	}
	return g.Node("Relu", []string{g.Node("Add", []string{main, shortcut})}), pooledSide, nil
}

// dlibConv appends one Conv with the scale layer folded in.
func dlibConv(g *Graph, w map[string]Tensor, x string, c dlibConvSpec) string {
	filters := w[c.prefix+"/conv/filters"].Data // HWIO
	bias := w[c.prefix+"/conv/bias"].Data
	scale := w[c.prefix+"/scale/weights"].Data
	shift := w[c.prefix+"/scale/biases"].Data

	k, in, out := c.kernel, c.in, c.out
	oihw := make([]float32, len(filters))
	for h := 0; h < k; h++ {
		for wi := 0; wi < k; wi++ {
			for i := 0; i < in; i++ {
				for o := 0; o < out; o++ {
					v := filters[((h*k+wi)*in+i)*out+o]
					oihw[((o*in+i)*k+h)*k+wi] = v * scale[o]
				}
			}
		}
	}
	folded := make([]float32, out)
	for o := range folded {
		folded[o] = bias[o]*scale[o] + shift[o]
	}
	wName := g.Const(c.prefix+"/W", []int64{int64(out), int64(in), int64(k), int64(k)}, oihw)
	bName := g.Const(c.prefix+"/B", []int64{int64(out)}, folded)
	p := int64(c.padBefore)
	return g.Node("Conv", []string{x, wName, bName},
		Ints("kernel_shape", int64(k), int64(k)),
		Ints("strides", int64(c.stride), int64(c.stride)),
		Ints("pads", p, p, p, p))
}

// dlibValidOut is the output side of a VALID conv or pool (floor mode).
func dlibValidOut(side, kernel, stride int) int { return (side-kernel)/stride + 1 }

// dlibResNetV1Shapes lists every tensor the net needs, in graph order.
func dlibResNetV1Shapes() []dlibTensorShape {
	var out []dlibTensorShape
	add := func(c dlibConvSpec) { out = append(out, c.tensorShapes()...) }
	add(dlibResNetV1Stem)
	for _, b := range dlibResNetV1Blocks {
		add(dlibConvSpec{prefix: b.name + "/conv1", kernel: 3, in: b.in, out: b.out})
		add(dlibConvSpec{prefix: b.name + "/conv2", kernel: 3, in: b.out, out: b.out})
	}
	out = append(out, dlibTensorShape{dlibResNetV1FC, []int{256, DlibResNetV1DescriptorSize}})
	return out
}

// checkDlibResNetV1Weights checks that every tensor is present, has the
// expected shape, holds as many values as its shape says, and is finite.
func checkDlibResNetV1Weights(w map[string]Tensor) error {
	for _, want := range dlibResNetV1Shapes() {
		t, ok := w[want.name]
		if !ok {
			return fmt.Errorf("%w: dlib resnet v1: tensor %q is missing", ErrBadWeights, want.name)
		}
		if !sameShape(t.Shape, want.shape) {
			return fmt.Errorf("%w: dlib resnet v1: tensor %q has shape %v, want %v", ErrBadWeights, want.name, t.Shape, want.shape)
		}
		if len(t.Data) != t.Len() {
			return fmt.Errorf("%w: dlib resnet v1: tensor %q has %d values for shape %v", ErrBadWeights, want.name, len(t.Data), t.Shape)
		}
		for i, v := range t.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%w: dlib resnet v1: tensor %q value %d is %v", ErrBadWeights, want.name, i, v)
			}
		}
	}
	return nil
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// dlibResNetV1Ops are the operators DlibResNetV1 writes; OpenCV 4.6 DNN
// imports each of them.
var dlibResNetV1Ops = map[string]bool{
	"Conv": true, "Relu": true, "MaxPool": true, "AveragePool": true, "Pad": true,
	"Add": true, "GlobalAveragePool": true, "Flatten": true, "MatMul": true,
}

// CheckDlibResNetV1 parses an ONNX file and checks that it is shaped like
// the model DlibResNetV1 writes: input "input" [N,3,150,150], output
// "descriptor" [N,128], only the operators the converter uses, every node
// input defined before use and every initializer holding as many values as
// its dims say. OpenCV aborts the process on a malformed model instead of
// returning an error, so callers check a file with this before loading it.
// Errors wrap ErrBadModel.
func CheckDlibResNetV1(model []byte) error { return checkDlibGraph(model, dlibResNetV1Ops) }

// checkDlibGraph is CheckDlibResNetV1 with the operators allowed.
func checkDlibGraph(model []byte, ops map[string]bool) error {
	var m onnx.ModelProto
	if err := proto.Unmarshal(model, &m); err != nil {
		return fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	g := m.GetGraph()
	if g == nil {
		return fmt.Errorf("%w: no graph", ErrBadModel)
	}
	if err := checkValue(g.GetInput(), DlibResNetV1Input, []int64{-1, 3, DlibResNetV1InputSize, DlibResNetV1InputSize}); err != nil {
		return err
	}
	if err := checkValue(g.GetOutput(), DlibResNetV1Output, []int64{-1, DlibResNetV1DescriptorSize}); err != nil {
		return err
	}
	defined := map[string]bool{DlibResNetV1Input: true}
	for _, t := range g.GetInitializer() {
		if err := checkInitializer(t); err != nil {
			return err
		}
		defined[t.GetName()] = true
	}
	for i, n := range g.GetNode() {
		if !ops[n.GetOpType()] {
			return fmt.Errorf("%w: node %d (%s) has operator %q", ErrBadModel, i, n.GetName(), n.GetOpType())
		}
		for _, in := range n.GetInput() {
			if !defined[in] {
				return fmt.Errorf("%w: node %d (%s) reads %q before it is defined", ErrBadModel, i, n.GetName(), in)
			}
		}
		for _, out := range n.GetOutput() {
			defined[out] = true
		}
	}
	if !defined[DlibResNetV1Output] {
		return fmt.Errorf("%w: no node produces %q", ErrBadModel, DlibResNetV1Output)
	}
	return nil
}

// checkValue finds the named graph input or output and compares its dims;
// -1 in want stands for any (symbolic or fixed) dimension.
func checkValue(values []*onnx.ValueInfoProto, name string, want []int64) error {
	for _, v := range values {
		if v.GetName() != name {
			continue
		}
		tt := v.GetType().GetTensorType()
		if tt == nil || tt.GetElemType() != int32(onnx.TensorProto_FLOAT) {
			return fmt.Errorf("%w: %q is not a float tensor", ErrBadModel, name)
		}
		dims := tt.GetShape().GetDim()
		if len(dims) != len(want) {
			return fmt.Errorf("%w: %q has %d dimensions, want %d", ErrBadModel, name, len(dims), len(want))
		}
		for i, d := range dims {
			if want[i] >= 0 && d.GetDimValue() != want[i] {
				return fmt.Errorf("%w: %q dimension %d is %d, want %d", ErrBadModel, name, i, d.GetDimValue(), want[i])
			}
		}
		return nil
	}
	return fmt.Errorf("%w: no graph value named %q", ErrBadModel, name)
}

func checkInitializer(t *onnx.TensorProto) error {
	n := int64(1)
	for _, d := range t.GetDims() {
		if d < 0 {
			return fmt.Errorf("%w: initializer %q has dims %v", ErrBadModel, t.GetName(), t.GetDims())
		}
		n *= d
	}
	var got int64
	switch onnx.TensorProto_DataType(t.GetDataType()) {
	case onnx.TensorProto_FLOAT:
		got = int64(len(t.GetFloatData()))
		if raw := t.GetRawData(); len(raw) > 0 {
			got = int64(len(raw) / 4)
		}
	case onnx.TensorProto_INT64:
		got = int64(len(t.GetInt64Data()))
		if raw := t.GetRawData(); len(raw) > 0 {
			got = int64(len(raw) / 8)
		}
	case onnx.TensorProto_INT8, onnx.TensorProto_UINT8, onnx.TensorProto_INT32:
		// The quantised model's weights, zero points and biases.
		size := 1
		if t.GetDataType() == int32(onnx.TensorProto_INT32) {
			size = 4
		}
		got = int64(len(t.GetInt32Data()))
		if raw := t.GetRawData(); len(raw) > 0 {
			got = int64(len(raw) / size)
		}
	default:
		return fmt.Errorf("%w: initializer %q has data type %d", ErrBadModel, t.GetName(), t.GetDataType())
	}
	if got != n {
		return fmt.Errorf("%w: initializer %q holds %d values for dims %v", ErrBadModel, t.GetName(), got, t.GetDims())
	}
	return nil
}
