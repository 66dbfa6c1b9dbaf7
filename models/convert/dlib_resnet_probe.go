package convert

import (
	"fmt"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// dlibResNetV1Int8Ops are the operators DlibResNetV1Int8 writes.
var dlibResNetV1Int8Ops = func() map[string]bool {
	ops := map[string]bool{"QuantizeLinear": true, "DequantizeLinear": true}
	for op := range dlibResNetV1Ops {
		ops[op] = true
	}
	return ops
}()

// CheckDlibResNetV1Int8 is CheckDlibResNetV1 for the quantised model
// DlibResNetV1Int8 writes: the same input and output, the float model's
// operators and QuantizeLinear and DequantizeLinear. Errors wrap
// ErrBadModel.
func CheckDlibResNetV1Int8(model []byte) error { return checkDlibGraph(model, dlibResNetV1Int8Ops) }

// DlibResNetV1Probe returns the float model with every intermediate
// activation declared as an output as well, and the names of those
// activations in graph order: run over calibration faces, its outputs and
// its input (observed under the name DlibResNetV1Input) are what
// Calibration observes for DlibResNetV1Int8.
func DlibResNetV1Probe(model []byte) ([]byte, []string, error) {
	if err := CheckDlibResNetV1(model); err != nil {
		return nil, nil, fmt.Errorf("probe dlib resnet v1: %w", err)
	}
	var m onnx.ModelProto
	if err := proto.Unmarshal(model, &m); err != nil {
		return nil, nil, fmt.Errorf("probe dlib resnet v1: %w", err)
	}
	g := m.GetGraph()
	var names []string
	for _, n := range g.GetNode() {
		for _, out := range n.GetOutput() {
			if out == DlibResNetV1Output {
				continue
			}
			names = append(names, out)
			g.Output = append(g.Output, &onnx.ValueInfoProto{
				Name: out,
				Type: &onnx.TypeProto{Value: &onnx.TypeProto_TensorType{TensorType: &onnx.TypeProto_Tensor{
					ElemType: int32(onnx.TensorProto_FLOAT),
				}}},
			})
		}
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&m)
	if err != nil {
		return nil, nil, fmt.Errorf("probe dlib resnet v1: marshal: %w", err)
	}
	return b, names, nil
}
