package recognition

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"

	"facecase/internal/ort"
)

// loadPersonNet reads a person detector's model, checks that it has the
// input and outputs the detector asks for (OpenCV aborts the process when
// asked for a layer a net does not have), and loads it on the runtime.
func loadPersonNet(path, rt, input string, outputs []string) (netRunner, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load person detector: %w", err)
	}
	var m onnx.ModelProto
	if err := proto.Unmarshal(data, &m); err != nil || m.Graph == nil {
		return nil, fmt.Errorf("load person detector %s: %w: not an ONNX model", path, ErrBadModel)
	}
	have := map[string]bool{}
	for _, v := range m.Graph.Input {
		have[v.Name] = true
	}
	if !have[input] {
		return nil, fmt.Errorf("load person detector %s: %w: no input %q", path, ErrBadModel, input)
	}
	for _, v := range m.Graph.Output {
		have[v.Name] = true
	}
	for _, o := range outputs {
		if !have[o] {
			return nil, fmt.Errorf("load person detector %s: %w: no output %q", path, ErrBadModel, o)
		}
	}
	net, err := newPersonRunner(rt, data)
	if err != nil {
		return nil, fmt.Errorf("load person detector %s: %w", path, err)
	}
	return net, nil
}

// personNetThreads is the number of threads one person-net run uses on
// ONNX Runtime: the scan runs one person detection at a time, so it may
// take every core.
var personNetThreads = runtime.GOMAXPROCS(0)

// newPersonRunner loads model bytes on the runtime; on ONNX Runtime the
// session gets personNetThreads threads.
func newPersonRunner(rtName string, model []byte) (netRunner, error) {
	if rtName != RuntimeORT && rtName != "" {
		return newNetRunner(rtName, model, fixedShapes) // one picture size per video
	}
	rt, err := loadORT()
	if err != nil {
		return nil, err
	}
	s, err := rt.NewSession(model, ort.Options{IntraOpThreads: personNetThreads})
	if errors.Is(err, ort.ErrBadModel) {
		return nil, fmt.Errorf("%w: %w", ErrBadModel, err)
	}
	if err != nil {
		return nil, err
	}
	return &ortRunner{s: s}, nil
}
