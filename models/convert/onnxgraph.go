package convert

import (
	"fmt"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// Graph builds an ONNX graph node by node. Names of intermediate values are
// generated; initializers carry float32 data in raw little-endian form.
type Graph struct {
	g    onnx.GraphProto
	next int
}

// NewGraph starts an empty graph with the given name.
func NewGraph(name string) *Graph {
	return &Graph{g: onnx.GraphProto{Name: name}}
}

// Input declares a float32 graph input. A dimension of -1 is symbolic
// (the batch size, for example).
func (g *Graph) Input(name string, dims ...int64) string {
	g.g.Input = append(g.g.Input, valueInfo(name, dims))
	return name
}

// Output declares a float32 graph output produced by an existing value.
func (g *Graph) Output(name string, dims ...int64) {
	g.g.Output = append(g.g.Output, valueInfo(name, dims))
}

// Const adds a float32 initializer and returns its name.
func (g *Graph) Const(name string, dims []int64, data []float32) string {
	n := int64(1)
	for _, d := range dims {
		n *= d
	}
	if int64(len(data)) != n {
		panic(fmt.Sprintf("convert: initializer %s: %d values for shape %v", name, len(data), dims))
	}
	g.g.Initializer = append(g.g.Initializer, &onnx.TensorProto{
		Name:      name,
		Dims:      append([]int64(nil), dims...),
		DataType:  int32(onnx.TensorProto_FLOAT),
		FloatData: append([]float32(nil), data...),
	})
	return name
}

// ConstInt64 adds an int64 initializer (shapes, pads) and returns its name.
func (g *Graph) ConstInt64(name string, data ...int64) string {
	g.g.Initializer = append(g.g.Initializer, &onnx.TensorProto{
		Name:      name,
		Dims:      []int64{int64(len(data))},
		DataType:  int32(onnx.TensorProto_INT64),
		Int64Data: append([]int64(nil), data...),
	})
	return name
}

// Node appends an operator and returns the name of its (single) output.
func (g *Graph) Node(op string, inputs []string, attrs ...*onnx.AttributeProto) string {
	g.next++
	out := fmt.Sprintf("%s_%d", op, g.next)
	g.NamedNode(out, op, inputs, attrs...)
	return out
}

// NamedNode appends an operator whose output gets the given name.
func (g *Graph) NamedNode(out, op string, inputs []string, attrs ...*onnx.AttributeProto) string {
	g.g.Node = append(g.g.Node, &onnx.NodeProto{
		Name:      out,
		OpType:    op,
		Input:     inputs,
		Output:    []string{out},
		Attribute: attrs,
	})
	return out
}

// Ints is an INTS attribute.
func Ints(name string, v ...int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_INTS, Ints: v}
}

// Int is an INT attribute.
//
// The ONNX types here are proto3, which do not write a scalar field equal to
// zero: Int(name, 0) reaches the reader as a missing attribute, so the
// operator's default applies. Only use it where that default is 0 too.
func Int(name string, v int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_INT, I: v}
}

// Float is a FLOAT attribute. As with Int, a value of 0 is not written;
// pass float32(math.Copysign(0, -1)) (negative zero), which is written and
// compares equal to zero.
func Float(name string, v float32) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_FLOAT, F: v}
}

// String is a STRING attribute.
func String(name, v string) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_STRING, S: []byte(v)}
}

// Marshal serializes the graph as an ONNX model with the given opset, byte for
// byte the same for the same graph.
func (g *Graph) Marshal(opset int64, producer string) ([]byte, error) {
	m := &onnx.ModelProto{
		IrVersion:    7,
		ProducerName: producer,
		OpsetImport:  []*onnx.OperatorSetIdProto{{Domain: "", Version: opset}},
		Graph:        &g.g,
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("marshal onnx model %s: %w", g.g.Name, err)
	}
	return b, nil
}

// graphIndex maps a graph's initializers by name and its values to the
// nodes that produce them.
func graphIndex(g *onnx.GraphProto) (map[string]*onnx.TensorProto, map[string]*onnx.NodeProto) {
	inits := map[string]*onnx.TensorProto{}
	for _, t := range g.Initializer {
		inits[t.Name] = t
	}
	producer := map[string]*onnx.NodeProto{}
	for _, n := range g.Node {
		for _, o := range n.Output {
			producer[o] = n
		}
	}
	return inits, producer
}

func valueInfo(name string, dims []int64) *onnx.ValueInfoProto {
	shape := &onnx.TensorShapeProto{}
	for i, d := range dims {
		dim := &onnx.TensorShapeProto_Dimension{}
		if d < 0 {
			dim.Value = &onnx.TensorShapeProto_Dimension_DimParam{DimParam: fmt.Sprintf("d%d", i)}
		} else {
			dim.Value = &onnx.TensorShapeProto_Dimension_DimValue{DimValue: d}
		}
		shape.Dim = append(shape.Dim, dim)
	}
	return &onnx.ValueInfoProto{
		Name: name,
		Type: &onnx.TypeProto{Value: &onnx.TypeProto_TensorType{TensorType: &onnx.TypeProto_Tensor{
			ElemType: int32(onnx.TensorProto_FLOAT),
			Shape:    shape,
		}}},
	}
}
