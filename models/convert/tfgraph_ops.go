package convert

import (
	"fmt"
	"math"
	"strings"

	"github.com/advancedclimatesystems/gonnx/onnx"
)

// negativeZero is -0.0: a zero attribute that proto3 still writes (see Float).
var negativeZero = float32(math.Copysign(0, -1))

// tfOp translates one TensorFlow operator whose data input is not constant.
type tfOp func(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error)

// tfOps are the operators the translator knows. Each keeps TensorFlow's
// semantics exactly, including TensorFlow's SAME padding (more at the end
// than at the start) and its resize coordinate conventions.
var tfOps map[string]tfOp

func init() {
	tfOps = map[string]tfOp{
		"Identity":                   tfIdentity,
		"Transpose":                  tfTranspose,
		"Conv2D":                     tfConv,
		"_FusedConv2D":               tfConv,
		"DepthwiseConv2dNative":      tfConv,
		"FusedDepthwiseConv2dNative": tfConv,
		"BiasAdd":                    tfBiasAdd,
		"Add":                        tfBinary("Add"),
		"AddV2":                      tfBinary("Add"),
		"Sub":                        tfBinary("Sub"),
		"Mul":                        tfBinary("Mul"),
		"RealDiv":                    tfBinary("Div"),
		"Maximum":                    tfBinary("Max"),
		"Minimum":                    tfBinary("Min"),
		"Relu":                       tfUnary("Relu"),
		"Relu6":                      tfUnary("Relu6"),
		"LeakyRelu":                  tfUnary("LeakyRelu"),
		"Sigmoid":                    tfUnary("Sigmoid"),
		"Tanh":                       tfUnary("Tanh"),
		"Exp":                        tfUnary("Exp"),
		"ConcatV2":                   tfConcat,
		"Pad":                        tfPad,
		"PadV2":                      tfPad,
		"MaxPool":                    tfPool,
		"AvgPool":                    tfPool,
		"Mean":                       tfMean,
		"ResizeBilinear":             tfResize,
		"SplitV":                     tfSplit,
		"Split":                      tfSplit,
		"Reshape":                    tfReshape,
	}
}

func tfIdentity(_ *tfTranslator, _ *TFNode, ins []*tfValue) ([]*tfValue, error) {
	if len(ins) != 1 {
		return nil, fmt.Errorf("%w: %d inputs", ErrBadGraph, len(ins))
	}
	return ins, nil
}

// tfTranspose changes the recorded layout only: no ONNX node.
func tfTranspose(_ *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
	x := ins[0]
	p, err := intsOf(n, ins[1], "perm")
	if err != nil {
		return nil, err
	}
	if len(p) != len(x.shape) || !isPerm(p) {
		return nil, fmt.Errorf("%w: perm %v for rank %d", ErrBadGraph, p, len(x.shape))
	}
	inv := invertPerm(p)
	perm := make([]int, len(x.perm))
	for j, a := range x.perm {
		perm[j] = inv[a]
	}
	// The physical tensor is the same, and so is a padding recorded on it.
	return []*tfValue{{name: x.name, shape: permute(x.shape, p), perm: perm, padded: x.padded}}, nil
}

// spatialAxes are the logical axes of a 4-D picture tensor in TensorFlow's
// data_format, and the layout that makes it NCHW.
type spatialAxes struct {
	h, w, c int
	nchw    []int
}

func dataFormat(n *TFNode) (spatialAxes, error) {
	f, err := n.attrString("data_format", "NHWC")
	if err != nil {
		return spatialAxes{}, err
	}
	switch f {
	case "NHWC":
		return spatialAxes{h: 1, w: 2, c: 3, nchw: []int{0, 3, 1, 2}}, nil
	case "NCHW":
		return spatialAxes{h: 2, w: 3, c: 1, nchw: []int{0, 1, 2, 3}}, nil
	}
	return spatialAxes{}, fmt.Errorf("%w: data_format %q", ErrBadGraph, f)
}

// windowPads returns the padding before and after one spatial axis for
// TensorFlow's padding mode, and the output size. SAME pads are checked to
// be the same for every input side that is a multiple of the stride, so the
// translation holds for inputs of other sizes than the reference.
func windowPads(mode string, in, k, stride, dilation int) (before, after, out int, err error) {
	eff := (k-1)*dilation + 1
	switch mode {
	case "VALID":
		out = (in-eff)/stride + 1
	case "SAME":
		if stride > 1 && in%stride != 0 {
			return 0, 0, 0, fmt.Errorf("%w: SAME padding over a side of %d with stride %d depends on the input size; use sides that are multiples of the net's stride", ErrBadGraph, in, stride)
		}
		out = (in + stride - 1) / stride
		total := max((out-1)*stride+eff-in, 0)
		before, after = total/2, total-total/2
	default:
		return 0, 0, 0, fmt.Errorf("%w: padding %q", ErrBadGraph, mode)
	}
	if out <= 0 {
		return 0, 0, 0, fmt.Errorf("%w: window %d larger than the side %d", ErrBadGraph, eff, in)
	}
	return before, after, out, nil
}

// tfConv translates Conv2D, DepthwiseConv2dNative and their fused forms
// (bias and activation folded in by the TensorFlow.js converter).
func tfConv(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
	if len(ins) < 2 || ins[0].konst != nil || ins[1].konst == nil {
		return nil, fmt.Errorf("%w: needs a picture and constant filters", ErrBadGraph)
	}
	x, w := ins[0], ins[1].konst
	if len(x.shape) != 4 || len(w.Shape) != 4 {
		return nil, fmt.Errorf("%w: picture %v, filters %v", ErrBadGraph, x.shape, w.Shape)
	}
	ax, err := dataFormat(n)
	if err != nil {
		return nil, err
	}
	win, err := convWindowOf(n)
	if err != nil {
		return nil, err
	}
	kh, kw, inC := w.Shape[0], w.Shape[1], w.Shape[2]
	if x.shape[ax.c] != inC {
		return nil, fmt.Errorf("%w: %d input channels, filters for %d", ErrBadGraph, x.shape[ax.c], inC)
	}
	weights, wShape, group := convFilters(w, strings.Contains(n.Op, "Depthwise"))
	outC := wShape[0]
	pads, oh, ow, err := win.pads(n, ax, x.shape, kh, kw)
	if err != nil {
		return nil, err
	}
	in := tr.layout(x, ax.nchw)
	if src, p, ok := fusePadding(x, ax.nchw, pads, func(v float32) bool { return v == 0 }); ok {
		in, pads = src, p
	}
	inputs := []string{in, tr.constant(wShape, weights)}
	fused, err := n.attrStrings("fused_ops")
	if err != nil {
		return nil, err
	}
	if len(fused) > 0 {
		if fused[0] != "BiasAdd" || len(ins) != 3 || ins[2].konst == nil || len(ins[2].konst.Data) != outC {
			return nil, fmt.Errorf("%w: fused operators %v with %d arguments", ErrBadGraph, fused, len(ins)-2)
		}
		inputs = append(inputs, tr.constant([]int{outC}, ins[2].konst.Data))
	} else if len(ins) != 2 {
		return nil, fmt.Errorf("%w: %d inputs", ErrBadGraph, len(ins))
	}
	attrs := []*onnxAttr{
		Ints("kernel_shape", int64(kh), int64(kw)),
		Ints("strides", int64(win.strides[ax.h]), int64(win.strides[ax.w])),
		Ints("dilations", int64(win.dil[ax.h]), int64(win.dil[ax.w])),
		Ints("pads", pads[:]...),
	}
	if group > 1 {
		attrs = append(attrs, Int("group", int64(group)))
	}
	y := tr.out.Node("Conv", inputs, attrs...)
	var conv *onnx.NodeProto
	if len(fused) == 0 && tr.uses[n.Name+":0"] == 1 {
		conv = tr.out.g.Node[len(tr.out.g.Node)-1]
	}
	if len(fused) > 1 {
		for _, act := range fused[1:] {
			if y, err = tr.activation(act, y, n.attrFloat("leakyrelu_alpha", 0.2)); err != nil {
				return nil, err
			}
		}
	}
	shape := make([]int, 4)
	shape[0], shape[ax.c], shape[ax.h], shape[ax.w] = x.shape[0], outC, oh, ow
	return []*tfValue{{name: y, shape: shape, perm: ax.nchw, conv: conv}}, nil
}

// convWindow is how a convolution's window slides: its strides and
// dilations per axis of the input (4 each) and TensorFlow's padding mode.
type convWindow struct {
	strides, dil []int
	padding      string
}

// convWindowOf reads a convolution node's window attributes.
func convWindowOf(n *TFNode) (convWindow, error) {
	var win convWindow
	var err error
	if win.strides, err = n.attrInts("strides"); err != nil {
		return win, err
	}
	win.dil = []int{1, 1, 1, 1}
	if _, ok := n.Attr["dilations"]; ok {
		if win.dil, err = n.attrInts("dilations"); err != nil {
			return win, err
		}
	}
	if win.padding, err = n.attrString("padding", ""); err != nil {
		return win, err
	}
	if len(win.strides) != 4 || len(win.dil) != 4 {
		return win, fmt.Errorf("%w: strides %v, dilations %v", ErrBadGraph, win.strides, win.dil)
	}
	return win, nil
}

// pads are the ONNX pads (h begin, w begin, h end, w end) of a kh x kw
// window over a picture of shape, and the output's height and width.
func (win convWindow) pads(n *TFNode, ax spatialAxes, shape []int, kh, kw int) (pads [4]int64, oh, ow int, err error) {
	strides, dil := win.strides, win.dil
	if win.padding == "EXPLICIT" {
		ep, err := n.attrInts("explicit_paddings")
		if err != nil || len(ep) != 8 {
			return pads, 0, 0, fmt.Errorf("%w: explicit_paddings %v", ErrBadGraph, ep)
		}
		pads = [4]int64{int64(ep[2*ax.h]), int64(ep[2*ax.w]), int64(ep[2*ax.h+1]), int64(ep[2*ax.w+1])}
		oh = (shape[ax.h]+ep[2*ax.h]+ep[2*ax.h+1]-(kh-1)*dil[ax.h]-1)/strides[ax.h] + 1
		ow = (shape[ax.w]+ep[2*ax.w]+ep[2*ax.w+1]-(kw-1)*dil[ax.w]-1)/strides[ax.w] + 1
		return pads, oh, ow, nil
	}
	hb, he, oh, err := windowPads(win.padding, shape[ax.h], kh, strides[ax.h], dil[ax.h])
	if err != nil {
		return pads, 0, 0, err
	}
	wb, we, ow, err := windowPads(win.padding, shape[ax.w], kw, strides[ax.w], dil[ax.w])
	if err != nil {
		return pads, 0, 0, err
	}
	return [4]int64{int64(hb), int64(wb), int64(he), int64(we)}, oh, ow, nil
}

// convFilters turns TensorFlow filters (HWIO, or [kh, kw, in, mult] for a
// depthwise convolution) into ONNX Conv weights (OIHW) with their shape
// and group count.
func convFilters(w *Tensor, depthwise bool) (weights []float32, shape []int, group int) {
	kh, kw, inC := w.Shape[0], w.Shape[1], w.Shape[2]
	var outC int
	if depthwise {
		// [kh, kw, in, mult] -> [in*mult, 1, kh, kw]; output channel
		// i*mult+m in both.
		outC, group = inC*w.Shape[3], inC
		weights = transposeData(w.Data, w.Shape, []int{2, 3, 0, 1})
	} else {
		// HWIO -> OIHW.
		outC, group = w.Shape[3], 1
		weights = transposeData(w.Data, w.Shape, []int{3, 2, 0, 1})
	}
	return weights, []int{outC, inC / group, kh, kw}, group
}

// activation applies a TensorFlow activation by name.
func (tr *tfTranslator) activation(op, x string, alpha float64) (string, error) {
	switch op {
	case "Relu", "Sigmoid", "Tanh", "Exp":
		return tr.out.Node(op, []string{x}), nil
	case "Relu6":
		if tr.opset < 11 {
			return tr.out.Node("Clip", []string{x}, Float("min", negativeZero), Float("max", 6)), nil
		}
		return tr.out.Node("Clip", []string{x, tr.constant(nil, []float32{0}), tr.constant(nil, []float32{6})}), nil
	case "LeakyRelu":
		return tr.out.Node("LeakyRelu", []string{x}, Float("alpha", float32(alpha))), nil
	}
	return "", fmt.Errorf("%w: activation %q", ErrBadGraph, op)
}

func tfUnary(op string) tfOp {
	return func(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
		if len(ins) != 1 {
			return nil, fmt.Errorf("%w: %d inputs", ErrBadGraph, len(ins))
		}
		y, err := tr.activation(op, ins[0].name, n.attrFloat("alpha", 0.2))
		if err != nil {
			return nil, err
		}
		return []*tfValue{{name: y, shape: ins[0].shape, perm: ins[0].perm}}, nil
	}
}

// index returns the position of v in vs.
func index(vs []*tfValue, v *tfValue) int {
	for i, x := range vs {
		if x == v {
			return i
		}
	}
	return -1
}

// broadcastShape is NumPy's broadcast of two shapes.
func broadcastShape(a, b []int) ([]int, error) {
	rank := max(len(a), len(b))
	out := make([]int, rank)
	for i := 0; i < rank; i++ {
		x, y := 1, 1
		if k := i - (rank - len(a)); k >= 0 {
			x = a[k]
		}
		if k := i - (rank - len(b)); k >= 0 {
			y = b[k]
		}
		switch {
		case x == y || y == 1:
			out[i] = x
		case x == 1:
			out[i] = y
		default:
			return nil, fmt.Errorf("%w: shapes %v and %v do not broadcast", ErrBadGraph, a, b)
		}
	}
	return out, nil
}

// operand returns v's ONNX value in the layout perm of a result of the
// given rank: constants are first given leading axes of size 1.
func (tr *tfTranslator) operand(v *tfValue, rank int, perm []int) (string, error) {
	if v.konst != nil {
		if len(v.konst.Shape) == 0 || len(v.konst.Data) == 1 {
			return tr.constant(nil, []float32{v.konst.Data[0]}), nil
		}
		c := *v.konst
		for len(c.Shape) < rank {
			c.Shape = append([]int{1}, c.Shape...)
		}
		return tr.layout(&tfValue{shape: c.Shape, konst: &c}, perm), nil
	}
	if len(v.shape) != rank {
		return "", fmt.Errorf("%w: operands of rank %d and %d", ErrBadGraph, len(v.shape), rank)
	}
	return tr.layout(v, perm), nil
}

func tfBinary(op string) tfOp {
	return func(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
		if len(ins) != 2 {
			return nil, fmt.Errorf("%w: %d inputs", ErrBadGraph, len(ins))
		}
		x, _ := tensorInput(ins)
		shape, err := broadcastShape(ins[0].shape, ins[1].shape)
		if err != nil {
			return nil, err
		}
		if c := ins[1-index(ins, x)]; op == "Add" && tr.fuseBias(x, c) {
			return []*tfValue{{name: x.name, shape: shape, perm: x.perm}}, nil
		}
		perm := x.perm
		if len(shape) != len(x.shape) {
			// The other operand is the tensor of full rank.
			if x = ins[1]; x.konst != nil || len(x.shape) != len(shape) {
				return nil, fmt.Errorf("%w: cannot broadcast %v and %v", ErrBadGraph, ins[0].shape, ins[1].shape)
			}
			perm = x.perm
		}
		a, err := tr.operand(ins[0], len(shape), perm)
		if err != nil {
			return nil, err
		}
		b, err := tr.operand(ins[1], len(shape), perm)
		if err != nil {
			return nil, err
		}
		return []*tfValue{{name: tr.out.Node(op, []string{a, b}), shape: shape, perm: perm}}, nil
	}
}

// tfBiasAdd adds a per-channel bias along data_format's channel axis.
func tfBiasAdd(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
	if len(ins) != 2 || ins[1].konst == nil || len(ins[0].shape) != 4 {
		return nil, fmt.Errorf("%w: needs a 4-D tensor and a constant bias", ErrBadGraph)
	}
	ax, err := dataFormat(n)
	if err != nil {
		return nil, err
	}
	b := *ins[1].konst
	shape := []int{1, 1, 1, 1}
	shape[ax.c] = len(b.Data)
	b.Shape = shape
	return tfBinary("Add")(tr, n, []*tfValue{ins[0], {shape: shape, konst: &b}})
}

func tfConcat(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
	if len(ins) < 2 {
		return nil, fmt.Errorf("%w: %d inputs", ErrBadGraph, len(ins))
	}
	axes, err := intsOf(n, ins[len(ins)-1], "axis")
	if err != nil || len(axes) != 1 {
		return nil, fmt.Errorf("%w: axis %v: %v", ErrBadGraph, axes, err)
	}
	parts := ins[:len(ins)-1]
	x, _ := tensorInput(parts)
	rank := len(x.shape)
	axis := axes[0]
	if axis < 0 {
		axis += rank
	}
	shape := append([]int(nil), x.shape...)
	shape[axis] = 0
	var names []string
	for _, p := range parts {
		if len(p.shape) != rank {
			return nil, fmt.Errorf("%w: concatenating ranks %d and %d", ErrBadGraph, len(p.shape), rank)
		}
		shape[axis] += p.shape[axis]
		names = append(names, tr.layout(p, x.perm))
	}
	y := tr.out.Node("Concat", names, Int("axis", int64(physicalAxis(x.perm, axis))))
	return []*tfValue{{name: y, shape: shape, perm: x.perm}}, nil
}

func tfPad(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
	x := ins[0]
	p, err := intsOf(n, ins[1], "paddings")
	if err != nil {
		return nil, err
	}
	rank := len(x.shape)
	if len(p) != 2*rank {
		return nil, fmt.Errorf("%w: %d paddings for rank %d", ErrBadGraph, len(p), rank)
	}
	pads := make([]int64, 2*rank)
	shape := append([]int(nil), x.shape...)
	for i, a := range x.perm {
		pads[i], pads[rank+i] = int64(p[2*a]), int64(p[2*a+1])
	}
	for a := range shape {
		shape[a] += p[2*a] + p[2*a+1]
	}
	value := float32(0)
	if len(ins) == 3 {
		if ins[2].konst == nil || len(ins[2].konst.Data) != 1 {
			return nil, fmt.Errorf("%w: pad value must be a constant scalar", ErrBadGraph)
		}
		value = ins[2].konst.Data[0]
	}
	padded := &tfPadding{src: x.name, pads: pads, value: value}
	var y string
	if tr.opset < 11 {
		attrs := []*onnxAttr{String("mode", "constant"), Ints("pads", pads...)}
		if value != 0 {
			attrs = append(attrs, Float("value", value))
		}
		y = tr.out.Node("Pad", []string{x.name}, attrs...)
	} else {
		y = tr.out.Node("Pad", []string{x.name, tr.constInt64(pads...), tr.constant(nil, []float32{value})}, String("mode", "constant"))
	}
	return []*tfValue{{name: y, shape: shape, perm: x.perm, padded: padded}}, nil
}

func tfPool(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
	x := ins[0]
	if len(ins) != 1 || len(x.shape) != 4 {
		return nil, fmt.Errorf("%w: needs one 4-D input", ErrBadGraph)
	}
	ax, err := dataFormat(n)
	if err != nil {
		return nil, err
	}
	k, err := n.attrInts("ksize")
	if err != nil {
		return nil, err
	}
	s, err := n.attrInts("strides")
	if err != nil {
		return nil, err
	}
	padding, err := n.attrString("padding", "")
	if err != nil {
		return nil, err
	}
	if len(k) != 4 || len(s) != 4 || k[0] != 1 || k[ax.c] != 1 {
		return nil, fmt.Errorf("%w: ksize %v strides %v", ErrBadGraph, k, s)
	}
	hb, he, oh, err := windowPads(padding, x.shape[ax.h], k[ax.h], s[ax.h], 1)
	if err != nil {
		return nil, err
	}
	wb, we, ow, err := windowPads(padding, x.shape[ax.w], k[ax.w], s[ax.w], 1)
	if err != nil {
		return nil, err
	}
	op := "MaxPool"
	if n.Op == "AvgPool" {
		op = "AveragePool" // count_include_pad=0, as TensorFlow
	}
	in, pads := tr.layout(x, ax.nchw), [4]int64{int64(hb), int64(wb), int64(he), int64(we)}
	if op == "MaxPool" {
		// A max pool's own padding is minus infinity.
		lowest := func(v float32) bool { return v <= -1e30 }
		if src, p, ok := fusePadding(x, ax.nchw, pads, lowest); ok {
			in, pads = src, p
		}
	}
	y := tr.out.Node(op, []string{in},
		Ints("kernel_shape", int64(k[ax.h]), int64(k[ax.w])),
		Ints("strides", int64(s[ax.h]), int64(s[ax.w])),
		Ints("pads", pads[:]...))
	shape := append([]int(nil), x.shape...)
	shape[ax.h], shape[ax.w] = oh, ow
	return []*tfValue{{name: y, shape: shape, perm: ax.nchw}}, nil
}

func tfMean(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
	x := ins[0]
	axes, err := intsOf(n, ins[1], "reduction_indices")
	if err != nil {
		return nil, err
	}
	rank := len(x.shape)
	reduced := make([]bool, rank)
	for _, a := range axes {
		if a < 0 {
			a += rank
		}
		if a < 0 || a >= rank {
			return nil, fmt.Errorf("%w: axis %d of rank %d", ErrBadGraph, a, rank)
		}
		reduced[a] = true
	}
	keep := n.attrBool("keep_dims")
	var phys []int64
	for i, a := range x.perm {
		if reduced[a] {
			phys = append(phys, int64(i))
		}
	}
	var y string
	if keep && rank == 4 && len(phys) == 2 && phys[0] == 2 && phys[1] == 3 {
		y = tr.out.Node("GlobalAveragePool", []string{x.name})
	} else {
		keepDims := int64(0)
		if keep {
			keepDims = 1
		}
		attrs := []*onnxAttr{Ints("axes", phys...)}
		if keepDims == 0 {
			// Int drops a zero value (see Int); keepdims defaults to 1.
			attrs = append(attrs, &onnxAttr{Name: "keepdims", Type: onnxAttrInt, I: 0})
		}
		y = tr.out.Node("ReduceMean", []string{x.name}, attrs...)
	}
	var shape, perm []int
	if keep {
		shape = append([]int(nil), x.shape...)
		for a := range shape {
			if reduced[a] {
				shape[a] = 1
			}
		}
		perm = x.perm
	} else {
		// Renumber the remaining logical axes.
		newIndex := make([]int, rank)
		k := 0
		for a := 0; a < rank; a++ {
			if !reduced[a] {
				newIndex[a] = k
				shape = append(shape, x.shape[a])
				k++
			}
		}
		for _, a := range x.perm {
			if !reduced[a] {
				perm = append(perm, newIndex[a])
			}
		}
	}
	return []*tfValue{{name: y, shape: shape, perm: perm}}, nil
}

// tfResize translates ResizeBilinear into Resize with scale factors worked
// out at the reference size, so that the result scales with the input.
func tfResize(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
	x := ins[0]
	size, err := intsOf(n, ins[1], "size")
	if err != nil {
		return nil, err
	}
	if len(x.shape) != 4 || len(size) != 2 {
		return nil, fmt.Errorf("%w: input %v, size %v", ErrBadGraph, x.shape, size)
	}
	mode := "asymmetric"
	switch {
	case n.attrBool("align_corners"):
		mode = "align_corners"
	case n.attrBool("half_pixel_centers"):
		mode = "half_pixel"
	}
	nchw := []int{0, 3, 1, 2} // ResizeBilinear is NHWC only
	sh, sw := float64(size[0])/float64(x.shape[1]), float64(size[1])/float64(x.shape[2])
	if mode == "align_corners" && (sh != math.Trunc(sh) || sw != math.Trunc(sw)) {
		return nil, fmt.Errorf("%w: align_corners resize by %gx%g does not scale with the input", ErrBadGraph, sh, sw)
	}
	scales := tr.constant([]int{4}, []float32{1, 1, float32(sh), float32(sw)})
	var y string
	if tr.opset < 11 {
		// Opset 10's Resize maps coordinates as "asymmetric" does.
		if mode != "asymmetric" {
			return nil, fmt.Errorf("%w: a %s resize needs opset 11", ErrBadGraph, mode)
		}
		y = tr.out.Node("Resize", []string{tr.layout(x, nchw), scales}, String("mode", "linear"))
	} else {
		roi := tr.constant([]int{0}, nil)
		y = tr.out.Node("Resize", []string{tr.layout(x, nchw), roi, scales},
			String("mode", "linear"), String("coordinate_transformation_mode", mode))
	}
	shape := []int{x.shape[0], size[0], size[1], x.shape[3]}
	return []*tfValue{{name: y, shape: shape, perm: nchw}}, nil
}

func tfSplit(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
	var x *tfValue
	var sizes []int
	var axisV *tfValue
	if n.Op == "SplitV" {
		if len(ins) != 3 {
			return nil, fmt.Errorf("%w: %d inputs", ErrBadGraph, len(ins))
		}
		x, axisV = ins[0], ins[2]
		var err error
		if sizes, err = intsOf(n, ins[1], "size_splits"); err != nil {
			return nil, err
		}
	} else {
		if len(ins) != 2 {
			return nil, fmt.Errorf("%w: %d inputs", ErrBadGraph, len(ins))
		}
		axisV, x = ins[0], ins[1]
	}
	axes, err := intsOf(n, axisV, "axis")
	if err != nil || len(axes) != 1 {
		return nil, fmt.Errorf("%w: axis %v: %v", ErrBadGraph, axes, err)
	}
	axis := axes[0]
	if axis < 0 {
		axis += len(x.shape)
	}
	dim := x.shape[axis]
	if n.Op == "Split" {
		k, err := n.attrInt("num_split", 0)
		if err != nil || k <= 0 || dim%k != 0 {
			return nil, fmt.Errorf("%w: num_split %d of %d", ErrBadGraph, k, dim)
		}
		for i := 0; i < k; i++ {
			sizes = append(sizes, dim/k)
		}
	}
	if sizes, err = resolveSplit(sizes, dim); err != nil {
		return nil, err
	}
	split := make([]int64, len(sizes))
	for i, s := range sizes {
		split[i] = int64(s)
	}
	names := tr.emit("Split", []string{x.name}, len(sizes),
		Int("axis", int64(physicalAxis(x.perm, axis))), Ints("split", split...))
	outs := make([]*tfValue, len(sizes))
	for i, s := range sizes {
		shape := append([]int(nil), x.shape...)
		shape[axis] = s
		outs[i] = &tfValue{name: names[i], shape: shape, perm: x.perm}
	}
	return outs, nil
}

// tfReshape reshapes in TensorFlow's layout. The target is written as the
// graph has it, so a -1 keeps following the input's size.
func tfReshape(tr *tfTranslator, n *TFNode, ins []*tfValue) ([]*tfValue, error) {
	x := ins[0]
	target, err := intsOf(n, ins[1], "shape")
	if err != nil {
		return nil, err
	}
	count := 1
	for _, d := range x.shape {
		count *= d
	}
	shape, err := resolveShape(target, count)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadGraph, err)
	}
	t := make([]int64, len(target))
	for i, d := range target {
		t[i] = int64(d)
	}
	y := tr.out.Node("Reshape", []string{tr.layout(x, identityPerm(len(x.shape))), tr.constInt64(t...)})
	return []*tfValue{{name: y, shape: shape, perm: identityPerm(len(shape))}}, nil
}

// resolveSplit fills in a split's -1 (the rest of the axis) and checks that
// the sizes add up to the axis.
func resolveSplit(sizes []int, dim int) ([]int, error) {
	out := append([]int(nil), sizes...)
	sum, free := 0, -1
	for i, s := range out {
		switch {
		case s == -1 && free < 0:
			free = i
		case s < 0:
			return nil, fmt.Errorf("%w: split sizes %v", ErrBadGraph, sizes)
		default:
			sum += s
		}
	}
	if free >= 0 {
		out[free] = dim - sum
		sum = dim
	}
	if sum != dim || (free >= 0 && out[free] < 0) {
		return nil, fmt.Errorf("%w: split sizes %v of an axis of %d", ErrBadGraph, sizes, dim)
	}
	return out, nil
}
