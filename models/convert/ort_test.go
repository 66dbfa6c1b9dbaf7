package convert

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"facecase/internal/ort"
)

// ortRuntime is the ONNX Runtime library `make models` installs, loaded
// once (it stays loaded for the process).
var ortRuntime struct {
	sync.Mutex
	rt *ort.Runtime
}

// ortForTest loads the installed ONNX Runtime library: from a folder of
// $FACECASE_MODELS, else from models/data of this checkout. (Not
// internal/testenv: it imports package models, which imports this one.)
func ortForTest(t testing.TB) *ort.Runtime {
	t.Helper()
	ortRuntime.Lock()
	defer ortRuntime.Unlock()
	if ortRuntime.rt != nil {
		return ortRuntime.rt
	}
	_, self, _, _ := runtime.Caller(0)
	dirs := strings.Split(os.Getenv("FACECASE_MODELS"), string(os.PathListSeparator))
	dirs = append(dirs, filepath.Join(filepath.Dir(self), "..", "data"))
	for _, d := range dirs {
		p := filepath.Join(d, "libonnxruntime.so.1")
		if _, err := os.Stat(p); d == "" || err != nil {
			continue
		}
		rt, err := ort.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		ortRuntime.rt = rt
		return rt
	}
	t.Fatalf("ONNX Runtime library not installed in %v (install it with: make models)", dirs)
	return nil
}

// runORT runs a model with one input in ONNX Runtime and returns the
// named outputs.
func runORT(t testing.TB, model []byte, input string, x Tensor, outputs []string) [][]float32 {
	t.Helper()
	s, err := ortForTest(t).NewSession(model, ort.Options{IntraOpThreads: 1})
	if err != nil {
		t.Fatalf("ONNX Runtime cannot load the model: %v", err)
	}
	defer s.Close()
	shape := make([]int64, len(x.Shape))
	for i, d := range x.Shape {
		shape[i] = int64(d)
	}
	outs, err := s.Run(context.Background(), map[string]ort.Tensor{input: {Shape: shape, Data: x.Data}}, outputs...)
	if err != nil {
		t.Fatal(err)
	}
	res := make([][]float32, len(outs))
	for i, o := range outs {
		res[i] = o.Data
	}
	return res
}
