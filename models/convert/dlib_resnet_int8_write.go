package convert

import (
	"fmt"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// int8Writer writes the QDQ graph of DlibResNetV1Int8 node by node.
type int8Writer struct {
	inits  map[string]*onnx.TensorProto // the float model's initializers
	params map[string]actQuant          // quantised activations
	convs  map[string]bool              // int8 convolutions, by output
	limit  int                          // int8 weight bound
	dq     map[string]string            // activation -> its DequantizeLinear output
	out    *onnx.GraphProto
}

// node copies one float node, reading quantised activations through their
// DequantizeLinear and, for a convolution whose input is quantised, its
// weights and bias through theirs; then quantises the node's output when
// the plan says so.
func (w *int8Writer) node(n *onnx.NodeProto) error {
	c := proto.Clone(n).(*onnx.NodeProto)
	for i, in := range c.Input {
		if d, ok := w.dq[in]; ok {
			c.Input[i] = d
		}
	}
	if n.GetOpType() == "Conv" && w.convs[n.GetOutput()[0]] {
		if err := w.convWeights(c, w.params[n.GetInput()[0]].scale); err != nil {
			return err
		}
	}
	w.out.Node = append(w.out.Node, c)
	w.quantiseValue(n.GetOutput()[0])
	return nil
}

// quantiseValue appends QuantizeLinear and DequantizeLinear after a planned
// activation; its readers then read the DequantizeLinear output.
func (w *int8Writer) quantiseValue(v string) {
	p, ok := w.params[v]
	if !ok {
		return
	}
	scale, zero := v+"/q_scale", v+"/q_zero"
	w.out.Initializer = append(w.out.Initializer,
		tensorFloat(scale, nil, []float32{p.scale}),
		tensorUint8(zero, nil, []uint8{p.zero}))
	w.add(v+"/q", "QuantizeLinear", []string{v, scale, zero})
	w.dq[v] = w.add(v+"/dq", "DequantizeLinear", []string{v + "/q", scale, zero})
}

// convWeights quantises a convolution's weights (per output channel) and
// bias (at the accumulator's scale, inScale times the weight's) and points
// the node at their DequantizeLinear outputs.
func (w *int8Writer) convWeights(c *onnx.NodeProto, inScale float32) error {
	if len(c.Input) != 3 {
		return fmt.Errorf("conv has %d inputs, want 3", len(c.Input))
	}
	wt, bt := w.inits[c.Input[1]], w.inits[c.Input[2]]
	if wt == nil || bt == nil || len(wt.GetDims()) != 4 {
		return fmt.Errorf("conv weights %q and bias %q are not 4-D and 1-D initializers", c.Input[1], c.Input[2])
	}
	wf, err := floatData(wt)
	if err != nil {
		return err
	}
	bf, err := floatData(bt)
	if err != nil {
		return err
	}
	out := wt.GetDims()[0]
	if int64(len(bf)) != out {
		return fmt.Errorf("conv bias %q has %d values for %d channels", c.Input[2], len(bf), out)
	}
	cw := quantiseChannels(wf, int(out), w.limit)
	bq, bscale := quantiseBias(bf, inScale, cw)
	wn, bn := c.Input[1], c.Input[2]
	w.out.Initializer = append(w.out.Initializer,
		tensorInt8(wn+"/q", wt.GetDims(), cw.q),
		tensorFloat(wn+"/q_scale", []int64{out}, cw.scale),
		tensorInt8(wn+"/q_zero", []int64{out}, make([]int8, out)),
		tensorInt32(bn+"/q", []int64{out}, bq),
		tensorFloat(bn+"/q_scale", []int64{out}, bscale),
		tensorInt32(bn+"/q_zero", []int64{out}, make([]int32, out)))
	// Axes counted from the back: a 0 would not be written (proto3).
	c.Input[1] = w.add(wn+"/dq", "DequantizeLinear", []string{wn + "/q", wn + "/q_scale", wn + "/q_zero"}, Int("axis", -4))
	c.Input[2] = w.add(bn+"/dq", "DequantizeLinear", []string{bn + "/q", bn + "/q_scale", bn + "/q_zero"}, Int("axis", -1))
	return nil
}

// add appends a node whose output (and name) is out.
func (w *int8Writer) add(out, op string, inputs []string, attrs ...*onnx.AttributeProto) string {
	w.out.Node = append(w.out.Node, &onnx.NodeProto{Name: out, OpType: op, Input: inputs, Output: []string{out}, Attribute: attrs})
	return out
}

// keepUsedInitializers carries over the float model's initializers that a
// node still reads (not the weights and biases now quantised).
func (w *int8Writer) keepUsedInitializers(inits []*onnx.TensorProto) {
	used := map[string]bool{}
	for _, n := range w.out.Node {
		for _, in := range n.GetInput() {
			used[in] = true
		}
	}
	var kept []*onnx.TensorProto
	for _, t := range inits {
		if used[t.GetName()] {
			kept = append(kept, t)
		}
	}
	w.out.Initializer = append(kept, w.out.Initializer...)
}
