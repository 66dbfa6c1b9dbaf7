package convert

import (
	"fmt"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// DlibResNetV1Int8Opset is the opset of the quantised descriptor model:
// per-channel DequantizeLinear needs 13.
const DlibResNetV1Int8Opset = 13

// Int8Options choose what DlibResNetV1Int8 quantises.
type Int8Options struct {
	// FloatStem keeps the first convolution (7x7 over the RGB input) in
	// float32; the net's input is then not quantised.
	FloatStem bool
	// WeightLimit bounds the int8 weights to -WeightLimit..WeightLimit:
	// 127 (0 means 127), or 63, whose products with uint8 activations
	// add up without saturating on AVX2 processors without VNNI.
	WeightLimit int
	// KeepFloat names activations (by their name in the float model) left
	// in float32; a convolution reading or writing one stays float32.
	KeepFloat map[string]bool
}

// DlibResNetV1Int8 rewrites the float model DlibResNetV1 writes into a
// statically quantised one in ONNX Runtime's QDQ form: every convolution
// (but the stem with opts.FloatStem) reads a uint8 activation through
// DequantizeLinear and int8 weights quantised per output channel, with an
// int32 bias, and its output (after its ReLU, where it has one) is
// quantised to uint8 again, which ONNX Runtime fuses into QLinearConv; the
// residual adds become QLinearAdd. The last block's add, the global
// average pool and the fc layer stay float32. ranges gives each quantised
// activation's range by its name in the float model (as Calibration.Ranges
// returns them for DlibResNetV1Probe's outputs). The same inputs always
// give the same bytes.
func DlibResNetV1Int8(model []byte, ranges map[string]ActRange, opts Int8Options) ([]byte, error) {
	if err := CheckDlibResNetV1(model); err != nil {
		return nil, fmt.Errorf("quantise dlib resnet v1: %w", err)
	}
	var m onnx.ModelProto
	if err := proto.Unmarshal(model, &m); err != nil {
		return nil, fmt.Errorf("quantise dlib resnet v1: %w", err)
	}
	g := m.GetGraph()
	if opts.WeightLimit <= 0 || opts.WeightLimit > 127 {
		opts.WeightLimit = 127
	}
	params, err := int8Params(g, ranges, opts)
	if err != nil {
		return nil, fmt.Errorf("quantise dlib resnet v1: %w", err)
	}
	inits, _ := graphIndex(g)
	w := &int8Writer{inits: inits, params: params, convs: int8Convs(g, params), limit: opts.WeightLimit, dq: map[string]string{},
		out: &onnx.GraphProto{Name: g.GetName() + "_int8", Input: g.GetInput(), Output: g.GetOutput()}}
	w.quantiseValue(DlibResNetV1Input)
	for _, n := range g.GetNode() {
		if err := w.node(n); err != nil {
			return nil, fmt.Errorf("quantise dlib resnet v1: node %s: %w", n.GetName(), err)
		}
	}
	w.keepUsedInitializers(g.GetInitializer())
	q := &onnx.ModelProto{
		IrVersion:    7,
		ProducerName: "facecase convert dlib-resnet-v1-int8",
		OpsetImport:  []*onnx.OperatorSetIdProto{{Domain: "", Version: DlibResNetV1Int8Opset}},
		Graph:        w.out,
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(q)
	if err != nil {
		return nil, fmt.Errorf("quantise dlib resnet v1: marshal: %w", err)
	}
	return b, nil
}

// int8Params decides which activations of the float graph are quantised
// and how: the net's input (unless the stem stays float), every ReLU that
// does not feed the global average pool, every convolution or add whose
// output does not go to a ReLU, the shortcut's average pools; max pools
// and pads keep their input's quantisation (real zero is exact in it).
func int8Params(g *onnx.GraphProto, ranges map[string]ActRange, opts Int8Options) (map[string]actQuant, error) {
	consumers := map[string][]string{}
	for _, n := range g.GetNode() {
		for _, in := range n.GetInput() {
			consumers[in] = append(consumers[in], n.GetOpType())
		}
	}
	onlyTo := func(v, op string) bool {
		for _, c := range consumers[v] {
			if c != op {
				return false
			}
		}
		return len(consumers[v]) > 0
	}
	params := map[string]actQuant{}
	need := func(v string, relu bool) error {
		if opts.KeepFloat[v] {
			return nil
		}
		r, ok := ranges[v]
		if !ok {
			return fmt.Errorf("no calibrated range for %q", v)
		}
		if relu {
			r.Min = 0
		}
		params[v] = uint8Quant(r)
		return nil
	}
	if !opts.FloatStem {
		if err := need(DlibResNetV1Input, false); err != nil {
			return nil, err
		}
	}
	for _, n := range g.GetNode() {
		out := n.GetOutput()[0]
		var err error
		switch n.GetOpType() {
		case "Relu":
			if !onlyTo(out, "GlobalAveragePool") {
				err = need(out, true)
			}
		case "Conv", "Add":
			if !onlyTo(out, "Relu") {
				err = need(out, false)
			}
		case "AveragePool":
			err = need(out, false)
		case "MaxPool", "Pad":
			if p, ok := params[n.GetInput()[0]]; ok {
				params[out] = p
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return params, nil
}

// int8Convs lists the convolutions (by output) that run on int8: those
// whose input is quantised and whose output is too, directly or after
// its ReLU. Any other stays float32 (ONNX Runtime would not fuse it).
func int8Convs(g *onnx.GraphProto, params map[string]actQuant) map[string]bool {
	reluOf := map[string]string{}
	for _, n := range g.GetNode() {
		if n.GetOpType() == "Relu" {
			reluOf[n.GetInput()[0]] = n.GetOutput()[0]
		}
	}
	convs := map[string]bool{}
	for _, n := range g.GetNode() {
		if n.GetOpType() != "Conv" {
			continue
		}
		out := n.GetOutput()[0]
		_, in := params[n.GetInput()[0]]
		_, direct := params[out]
		_, relu := params[reluOf[out]]
		convs[out] = in && (direct || relu)
	}
	return convs
}
