package convert

import (
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// onnxOpCounts counts a model's nodes by operator.
func onnxOpCounts(t testing.TB, model []byte) map[string]int {
	t.Helper()
	var m onnx.ModelProto
	if err := proto.Unmarshal(model, &m); err != nil || m.Graph == nil {
		t.Fatalf("not an ONNX model: %v", err)
	}
	ops := map[string]int{}
	for _, n := range m.Graph.Node {
		ops[n.OpType]++
	}
	return ops
}
