package recognition

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"gocv.io/x/gocv"
	"google.golang.org/protobuf/proto"

	"facecase/internal/ort"
	"facecase/models"
)

// Inference runtimes a net can run on (Options.Runtime).
const (
	// RuntimeORT is ONNX Runtime (package facecase/internal/ort): the
	// default, two to four times faster than OpenCV's DNN module on these
	// nets (docs/benchmarks.md).
	RuntimeORT = "ort"
	// RuntimeOpenCV is OpenCV 4.6's DNN module, kept as a fallback and for
	// comparing the two (facecase-cli bench --runtime both).
	RuntimeOpenCV = "opencv"
)

// ErrUnknownRuntime is returned for a runtime name that does not exist.
var ErrUnknownRuntime = errors.New("unknown inference runtime")

// RuntimeNames lists the inference runtimes, default first.
func RuntimeNames() []string { return []string{RuntimeORT, RuntimeOpenCV} }

// ortIntraOpThreads is the number of threads one ONNX Runtime run uses.
// The engine runs its own work (pyramid levels, descriptor batches, one
// photo per worker in a folder) on GOMAXPROCS goroutines, each run on its
// calling thread: two cores stay busy without more threads than cores.
// Measured against two threads per run with one run at a time in
// docs/benchmarks.md ("Threading"); $FACECASE_ORT_THREADS sets it, for
// measuring.
var ortIntraOpThreads = ortThreadsFromEnv()

func ortThreadsFromEnv() int {
	n, err := strconv.Atoi(os.Getenv("FACECASE_ORT_THREADS"))
	if err != nil || n < 1 || n > runtime.NumCPU() {
		return 1
	}
	return n
}

// netRunner runs one ONNX model: a float32 blob in, named float32 outputs
// out. Implementations are safe for concurrent use.
type netRunner interface {
	// run feeds blob (a continuous CV_32F Mat in the layout the model
	// takes) to the named input and returns the outputs asked for, in order.
	run(ctx context.Context, input string, blob gocv.Mat, outputs ...string) ([]ort.Tensor, error)
	// warm runs the model once on zeros of each shape, so that the first
	// real call does not pay for setting a shape up.
	warm(input string, shapes ...[]int64) error
	// workers is how many runs at once keep the cores busy.
	workers() int
	// trim runs the model once on zeros of shape and then hands the
	// working memory no run is using back to the system.
	trim(input string, shape []int64) error
	close()
}

// loadNet reads a model file, checks it with check (nil: no check), loads
// it on the runtime and runs it once on zeros of each shape, so that a
// broken model fails here and the first real call is not slow. what names
// the net in errors; a file check rejects matches ErrBadModel.
func loadNet(what, path string, check func([]byte) error, runtime string, fed netShapes, input string, shapes ...[]int64) (netRunner, error) {
	model, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", what, err)
	}
	if check != nil {
		if err := check(model); err != nil {
			return nil, fmt.Errorf("load %s %s: %w: %w", what, path, ErrBadModel, err)
		}
	}
	net, err := newNetRunner(runtime, model, fed)
	model = nil // the session has its own copy: let the collector have this one
	if err == nil {
		if err = net.warm(input, shapes...); err != nil {
			net.close()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("load %s %s: %w", what, path, err)
	}
	return net, nil
}

// netShapes says which input shapes a net is fed, and so how ONNX Runtime
// should hand out its working memory.
type netShapes int

const (
	// fixedShapes: a few shapes, again and again (the descriptor's
	// batches, the SSD's 512 square). ONNX Runtime plans one block per
	// shape (a memory pattern) and reuses it.
	fixedShapes netShapes = iota
	// anyShapes: inputs of every size (UltraFace on the pyramid levels
	// and strips of photos of any size, BlazeFace on videos' canvases). A block planned for one shape
	// cannot serve another, so with memory patterns the arena keeps a
	// block for every shape past; without them tensors are taken from
	// the arena one by one and its free space is reused across shapes.
	// Measured on the six demo photos (docs/benchmarks.md, "Memory"):
	// 95 MB less at the peak, the same processor time; giving the arena
	// back after every run instead saved 120 MB but cost 0.1 s of page
	// faults a photo.
	anyShapes
)

// newNetRunner loads model bytes (already checked by the caller) on the
// named runtime ("" is RuntimeORT).
func newNetRunner(runtime string, model []byte, fed netShapes) (netRunner, error) {
	switch runtime {
	case RuntimeORT, "":
		rt, err := loadORT()
		if err != nil {
			return nil, err
		}
		s, err := rt.NewSession(model, ort.Options{IntraOpThreads: ortIntraOpThreads, NoMemPattern: fed == anyShapes})
		if errors.Is(err, ort.ErrBadModel) {
			return nil, fmt.Errorf("%w: %w", ErrBadModel, err)
		}
		if err != nil {
			return nil, err
		}
		return &ortRunner{s: s}, nil
	case RuntimeOpenCV:
		var m onnx.ModelProto
		if err := proto.Unmarshal(model, &m); err != nil || m.Graph == nil || len(m.Graph.Node) == 0 {
			return nil, fmt.Errorf("%w: not an ONNX model", ErrBadModel)
		}
		r := &cvRunner{}
		r.nets = newResourcePool(0, func() (*gocv.Net, error) { return cvNetFromBytes(model) }, func(n *gocv.Net) { n.Close() })
		if err := r.nets.prime(); err != nil {
			r.nets.close()
			return nil, err
		}
		return r, nil
	}
	return nil, fmt.Errorf("%w %q (choose one of %v)", ErrUnknownRuntime, runtime, RuntimeNames())
}

var (
	ortOnce    sync.Mutex
	ortRuntime *ort.Runtime
)

// loadORT loads the ONNX Runtime library installed with the models. A
// missing library gives an error matching models.ErrModelMissing that says
// how to install it.
func loadORT() (*ort.Runtime, error) {
	ortOnce.Lock()
	defer ortOnce.Unlock()
	if ortRuntime != nil {
		return ortRuntime, nil
	}
	p, err := models.Locate("onnxruntime")
	if err != nil {
		return nil, err
	}
	rt, err := ort.Load(p)
	if err != nil {
		return nil, fmt.Errorf("load ONNX Runtime: %w", err)
	}
	ortRuntime = rt
	return rt, nil
}

// ortRunner runs a model in one ONNX Runtime session, shared by every
// caller (a session is safe for concurrent runs).
type ortRunner struct{ s *ort.Session }

func (r *ortRunner) run(ctx context.Context, input string, blob gocv.Mat, outputs ...string) ([]ort.Tensor, error) {
	t, err := matTensor(blob)
	if err != nil {
		return nil, err
	}
	release, err := ortSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return r.s.Run(ctx, map[string]ort.Tensor{input: t}, outputs...)
}

// ortSlots bounds the ONNX Runtime runs in flight in the process, of every
// net and engine together, to the cores: with ortIntraOpThreads threads a
// run, more runs at once than GOMAXPROCS/ortIntraOpThreads would only
// share the cores among more threads (a folder analysed by two workers,
// each splitting its photo into two jobs, would otherwise run four).
var ortSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/ortIntraOpThreads))

// ortSlot waits for a free run slot; release gives it back.
func ortSlot(ctx context.Context) (release func(), err error) {
	select {
	case ortSlots <- struct{}{}:
		return func() { <-ortSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (r *ortRunner) warm(input string, shapes ...[]int64) error {
	for _, shape := range shapes {
		t := ort.Tensor{Shape: shape}
		t.Data = make([]float32, t.Elements())
		if _, err := r.s.Run(context.Background(), map[string]ort.Tensor{input: t}); err != nil {
			return fmt.Errorf("warm up at %v: %w", shape, err)
		}
	}
	return nil
}

func (r *ortRunner) trim(input string, shape []int64) error {
	t := ort.Tensor{Shape: shape}
	t.Data = make([]float32, t.Elements())
	if _, err := r.s.RunAndShrink(context.Background(), map[string]ort.Tensor{input: t}); err != nil {
		return fmt.Errorf("trim at %v: %w", shape, err)
	}
	return nil
}

func (r *ortRunner) workers() int { return max(1, runtime.GOMAXPROCS(0)/ortIntraOpThreads) }

func (r *ortRunner) close() { r.s.Close() }

// matTensor shows a continuous float32 Mat to ONNX Runtime without a copy.
func matTensor(m gocv.Mat) (ort.Tensor, error) {
	if !m.IsContinuous() {
		return ort.Tensor{}, fmt.Errorf("net input: blob is not continuous")
	}
	data, err := m.DataPtrFloat32()
	if err != nil {
		return ort.Tensor{}, fmt.Errorf("net input: %w", err)
	}
	dims := m.Size()
	shape := make([]int64, len(dims))
	for i, d := range dims {
		shape[i] = int64(d)
	}
	return ort.Tensor{Shape: shape, Data: data}, nil
}

// cvRunner runs a model with OpenCV's DNN module. A gocv.Net is not safe
// for concurrent use, so each call borrows one from a pool (at most
// GOMAXPROCS, built when first needed).
type cvRunner struct{ nets *resourcePool[*gocv.Net] }

func (r *cvRunner) run(ctx context.Context, input string, blob gocv.Mat, outputs ...string) ([]ort.Tensor, error) {
	var res []ort.Tensor
	err := r.nets.with(ctx, func(net *gocv.Net) error {
		net.SetInput(blob, input)
		outs := net.ForwardLayers(outputs)
		defer func() {
			for i := range outs {
				outs[i].Close()
			}
		}()
		if len(outs) != len(outputs) {
			return fmt.Errorf("opencv gave %d outputs, want %d", len(outs), len(outputs))
		}
		for _, o := range outs {
			data, err := o.DataPtrFloat32()
			if err != nil {
				return fmt.Errorf("net output: %w", err)
			}
			t := ort.Tensor{Data: append([]float32(nil), data...)}
			for _, d := range o.Size() {
				t.Shape = append(t.Shape, int64(d))
			}
			res = append(res, t)
		}
		return nil
	})
	return res, err
}

// warm does nothing: OpenCV sets a net up on its first forward pass, per
// pooled net.
func (r *cvRunner) warm(string, ...[]int64) error { return nil }

// workers is 1: OpenCV spreads one forward pass over every core.
func (r *cvRunner) workers() int { return 1 }

func (r *cvRunner) trim(string, []int64) error { return nil }

func (r *cvRunner) close() { r.nets.close() }

// cvNetFromBytes builds an OpenCV net on the OpenCV backend, CPU target.
func cvNetFromBytes(model []byte) (*gocv.Net, error) {
	net, err := gocv.ReadNetFromONNXBytes(model)
	if err != nil {
		return nil, fmt.Errorf("opencv read onnx: %w", err)
	}
	if net.Empty() {
		net.Close()
		return nil, fmt.Errorf("%w: OpenCV could not build the net", ErrBadModel)
	}
	if err := net.SetPreferableBackend(gocv.NetBackendOpenCV); err != nil {
		net.Close()
		return nil, fmt.Errorf("set dnn backend: %w", err)
	}
	if err := net.SetPreferableTarget(gocv.NetTargetCPU); err != nil {
		net.Close()
		return nil, fmt.Errorf("set dnn target: %w", err)
	}
	return &net, nil
}

// ErrBadModel is returned when a model file exists but cannot be used.
var ErrBadModel = errors.New("model file is damaged or not the expected model")
