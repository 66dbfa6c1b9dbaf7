package convert

import (
	"fmt"
	"strings"

	"github.com/advancedclimatesystems/gonnx/onnx"
)

// TFGraphInput says how a graph input (a Placeholder) becomes an ONNX input.
type TFGraphInput struct {
	// Node is the Placeholder's name; Name the ONNX input's.
	Node, Name string
	// Shape is the TensorFlow (logical) shape the translation is worked
	// out for. Spatial sides must be multiples of the net's total stride;
	// inputs of other sides with the same property give the same results
	// (every padding is checked to be independent of the side).
	Shape []int
	// Perm is the ONNX input's layout: it is transpose(TensorFlow input,
	// Perm). nil keeps TensorFlow's layout; [0, 3, 1, 2] takes NCHW
	// pictures for a net written for NHWC.
	Perm []int
	// Dynamic lists the ONNX input's axes declared of symbolic size.
	Dynamic []int
}

// TFGraphOutput names a tensor of the graph that becomes an ONNX output.
type TFGraphOutput struct {
	// Tensor is "node" or "node:k".
	Tensor string
	// Name is the ONNX output's name.
	Name string
	// Perm is the output's layout, as for TFGraphInput.Perm.
	Perm []int
}

// TFGraphTranslation says what to translate: the part of the graph the
// outputs need, from the inputs.
type TFGraphTranslation struct {
	Name    string
	Inputs  []TFGraphInput
	Outputs []TFGraphOutput
	// Opset is the ONNX opset written: 11 (the default) or 10. Opset 11
	// has Resize with TensorFlow's half-pixel coordinates; opset 10 is
	// what OpenCV 4.6 imports Clip (ReLU6) from, and takes only resizes
	// without half-pixel centres.
	Opset int64
}

// TranslateTFGraph writes the ONNX model computing t's outputs
// from t's inputs, operator by operator. Constant subgraphs (shapes worked
// out at export time) are evaluated; layouts are tracked so that
// TensorFlow's transposes cost nothing where they cancel (see
// tfgraph_layout.go). Deterministic: the same graph and translation give
// the same bytes. Unknown operators, attributes or layouts give an error
// matching ErrBadGraph that names the node.
func TranslateTFGraph(g *TFGraph, t TFGraphTranslation) ([]byte, error) {
	tr := &tfTranslator{g: g, out: NewGraph(t.Name), vals: map[string]*tfValue{}, opset: t.Opset,
		state: map[string]int{}, inputs: map[string]TFGraphInput{}, layouts: map[string]string{}}
	switch tr.opset {
	case 0:
		tr.opset = 11
	case 10, 11:
	default:
		return nil, fmt.Errorf("%w: opset %d (10 or 11)", ErrBadGraph, t.Opset)
	}
	for _, in := range t.Inputs {
		tr.inputs[in.Node] = in
	}
	tr.uses = map[string]int{}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			node, k := splitTensorName(in)
			tr.uses[fmt.Sprintf("%s:%d", node, k)]++
		}
	}
	if len(t.Outputs) == 0 {
		return nil, fmt.Errorf("%w: no outputs asked for", ErrBadGraph)
	}
	for _, o := range t.Outputs {
		v, err := tr.value(o.Tensor)
		if err != nil {
			return nil, err
		}
		if v.konst != nil {
			return nil, fmt.Errorf("%w: output %s is a constant", ErrBadGraph, o.Tensor)
		}
		perm := o.Perm
		if perm == nil {
			perm = identityPerm(len(v.shape))
		}
		if len(perm) != len(v.shape) || !isPerm(perm) {
			return nil, fmt.Errorf("%w: output %s: layout %v for rank %d", ErrBadGraph, o.Tensor, perm, len(v.shape))
		}
		tr.out.NamedNode(o.Name, "Identity", []string{tr.layout(v, perm)})
		dims := make([]int64, len(v.shape))
		for i := range dims {
			dims[i] = -1
		}
		tr.out.Output(o.Name, dims...)
	}
	for _, in := range t.Inputs {
		if tr.state[in.Node] != 2 {
			return nil, fmt.Errorf("%w: input %s is not used by the outputs", ErrBadGraph, in.Node)
		}
	}
	pruneGraph(&tr.out.g)
	return tr.out.Marshal(tr.opset, "facecase")
}

// onnxAttr is an ONNX node attribute.
type onnxAttr = onnx.AttributeProto

// onnxAttrInt is the INT attribute type.
const onnxAttrInt = onnx.AttributeProto_INT

// tfValue is a translated tensor: an ONNX value in some layout, or a
// constant (kept in TensorFlow's layout until an operator needs it).
type tfValue struct {
	name  string // ONNX value name; "" for constants
	shape []int  // TensorFlow (logical) shape at the reference input size
	perm  []int  // physical = transpose(logical, perm)
	konst *Tensor
	// padded is set when the value is a constant padding of another one,
	// which a convolution or pooling can do itself (see fusePadding).
	padded *tfPadding
	// conv is the Conv node computing the value when that node has no
	// bias yet and the value has a single consumer, so that a following
	// per-channel Add can become its bias (see fuseBias).
	conv *onnx.NodeProto
}

type tfTranslator struct {
	g       *TFGraph
	out     *Graph
	vals    map[string]*tfValue // by "node:k"
	state   map[string]int      // node name -> 1 visiting, 2 done
	inputs  map[string]TFGraphInput
	layouts map[string]string // "name/perm" -> transposed value
	uses    map[string]int    // "node:k" -> consumers in the TensorFlow graph
	consts  int
	opset   int64
}

// value returns the translation of a tensor ("node" or "node:k"),
// translating its node (and what it needs) first.
func (tr *tfTranslator) value(tensor string) (*tfValue, error) {
	node, k := splitTensorName(tensor)
	key := fmt.Sprintf("%s:%d", node, k)
	if v, ok := tr.vals[key]; ok {
		return v, nil
	}
	switch tr.state[node] {
	case 1:
		return nil, fmt.Errorf("%w: cycle through %s", ErrBadGraph, node)
	case 2:
		return nil, fmt.Errorf("%w: %s has no output %d", ErrBadGraph, node, k)
	}
	n, ok := tr.g.Node(node)
	if !ok {
		return nil, fmt.Errorf("%w: no node %q", ErrBadGraph, node)
	}
	tr.state[node] = 1
	ins := make([]*tfValue, len(n.Inputs))
	for i, in := range n.Inputs {
		v, err := tr.value(in)
		if err != nil {
			return nil, err
		}
		ins[i] = v
	}
	outs, err := tr.translate(n, ins)
	if err != nil {
		return nil, err
	}
	tr.state[node] = 2
	for i, o := range outs {
		tr.vals[fmt.Sprintf("%s:%d", node, i)] = o
	}
	if k >= len(outs) {
		return nil, fmt.Errorf("%w: %s has no output %d", ErrBadGraph, node, k)
	}
	return outs[k], nil
}

// translate dispatches on the operator.
func (tr *tfTranslator) translate(n *TFNode, ins []*tfValue) ([]*tfValue, error) {
	if n.Op == "Const" {
		w := tr.g.Weights[n.Name]
		return []*tfValue{{shape: w.Shape, konst: &w}}, nil
	}
	if n.Op == "Placeholder" {
		in, ok := tr.inputs[n.Name]
		if !ok {
			return nil, fmt.Errorf("%w: graph input %s is not among the translation's inputs", ErrBadGraph, n.Name)
		}
		perm := in.Perm
		if perm == nil {
			perm = identityPerm(len(in.Shape))
		}
		if len(perm) != len(in.Shape) || !isPerm(perm) {
			return nil, fmt.Errorf("%w: input %s: layout %v for rank %d", ErrBadGraph, n.Name, perm, len(in.Shape))
		}
		dims := make([]int64, len(in.Shape))
		for i, d := range permute(in.Shape, perm) {
			dims[i] = int64(d)
		}
		for _, a := range in.Dynamic {
			if a < 0 || a >= len(dims) {
				return nil, fmt.Errorf("%w: input %s: dynamic axis %d", ErrBadGraph, n.Name, a)
			}
			dims[a] = -1
		}
		tr.out.Input(in.Name, dims...)
		return []*tfValue{{name: in.Name, shape: append([]int(nil), in.Shape...), perm: perm}}, nil
	}
	allConst := len(ins) > 0
	for _, v := range ins {
		allConst = allConst && v.konst != nil
	}
	if allConst {
		t, err := foldTF(n, ins)
		if err != nil {
			return nil, err
		}
		return []*tfValue{{shape: t.Shape, konst: &t}}, nil
	}
	op, ok := tfOps[n.Op]
	if !ok {
		return nil, fmt.Errorf("%w: operator %s (%s) is not translated", ErrBadGraph, n.Op, n.Name)
	}
	outs, err := op(tr, n, ins)
	if err != nil {
		if !strings.Contains(err.Error(), n.Name) {
			err = fmt.Errorf("%s %s: %w", n.Op, n.Name, err)
		}
		return nil, err
	}
	return outs, nil
}

// layout returns the name of v's ONNX value in layout perm, transposing it
// (once) when it is in another. Constants are written in that layout.
func (tr *tfTranslator) layout(v *tfValue, perm []int) string {
	if v.konst != nil {
		data := transposeData(v.konst.Data, v.konst.Shape, perm)
		return tr.constant(permute(v.konst.Shape, perm), data)
	}
	if samePerm(v.perm, perm) {
		return v.name
	}
	key := fmt.Sprintf("%s/%v", v.name, perm)
	if name, ok := tr.layouts[key]; ok {
		return name
	}
	// physical_want[i] = logical[perm[i]] = physical_have[inv(have)[perm[i]]].
	inv := invertPerm(v.perm)
	p := make([]int64, len(perm))
	for i, a := range perm {
		p[i] = int64(inv[a])
	}
	name := tr.out.Node("Transpose", []string{v.name}, Ints("perm", p...))
	tr.layouts[key] = name
	return name
}

// constant adds a float32 initializer with a generated name.
func (tr *tfTranslator) constant(shape []int, data []float32) string {
	tr.consts++
	dims := make([]int64, len(shape))
	for i, d := range shape {
		dims[i] = int64(d)
	}
	return tr.out.Const(fmt.Sprintf("const_%d", tr.consts), dims, data)
}

// constInt64 adds an int64 initializer with a generated name.
func (tr *tfTranslator) constInt64(v ...int64) string {
	tr.consts++
	return tr.out.ConstInt64(fmt.Sprintf("const_%d", tr.consts), v...)
}

// intsOf reads a constant input as integers.
func intsOf(n *TFNode, v *tfValue, what string) ([]int, error) {
	if v == nil || v.konst == nil {
		return nil, fmt.Errorf("%w: %s %s: %s must be a constant", ErrBadGraph, n.Op, n.Name, what)
	}
	out := make([]int, len(v.konst.Data))
	for i, f := range v.konst.Data {
		out[i] = int(f)
		if float32(out[i]) != f {
			return nil, fmt.Errorf("%w: %s %s: %s holds %v, not an integer", ErrBadGraph, n.Op, n.Name, what, f)
		}
	}
	return out, nil
}

// tensorInput returns the first non-constant input (the data the operator
// works on) and its index.
func tensorInput(ins []*tfValue) (*tfValue, int) {
	for i, v := range ins {
		if v.konst == nil {
			return v, i
		}
	}
	return nil, -1
}

// emit appends a node with several outputs and returns their names.
func (tr *tfTranslator) emit(op string, inputs []string, outputs int, attrs ...*onnx.AttributeProto) []string {
	first := tr.out.Node(op, inputs, attrs...)
	if outputs <= 1 {
		return []string{first}
	}
	node := tr.out.g.Node[len(tr.out.g.Node)-1]
	names := []string{first}
	for i := 1; i < outputs; i++ {
		names = append(names, fmt.Sprintf("%s:%d", first, i))
	}
	node.Output = names
	return names
}
