package recognition

import (
	"errors"
	"fmt"
	"os"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"gocv.io/x/gocv"
	"google.golang.org/protobuf/proto"
)

// ErrBadModel is returned when a model file exists but cannot be used.
var ErrBadModel = errors.New("model file is damaged or not the expected model")

// readONNXNet loads an ONNX model into an OpenCV net on the CPU. OpenCV
// aborts the process on a file it cannot parse (gocv does not catch C++
// exceptions), so the bytes are checked as an ONNX protobuf in Go first.
func readONNXNet(path string) (*gocv.Net, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	var m onnx.ModelProto
	if err := proto.Unmarshal(data, &m); err != nil || m.Graph == nil || len(m.Graph.Node) == 0 {
		return nil, fmt.Errorf("load model %s: %w: not an ONNX model", path, ErrBadModel)
	}
	net, err := gocv.ReadNetFromONNXBytes(data)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	if net.Empty() {
		net.Close()
		return nil, fmt.Errorf("load model %s: %w: OpenCV could not build the net", path, ErrBadModel)
	}
	if err := net.SetPreferableBackend(gocv.NetBackendOpenCV); err != nil {
		net.Close()
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	if err := net.SetPreferableTarget(gocv.NetTargetCPU); err != nil {
		net.Close()
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	return &net, nil
}
