package ort

import (
	"context"
	"errors"
	"testing"

	"facecase/models"
	"facecase/models/convert"
)

// TestTerminateStopsARunInProgress goes past Run's own look at the
// context: the run starts with a context that is already done, so only
// ONNX Runtime's terminate flag, set from another goroutine, can stop the
// seconds-long model before it completes.
func TestTerminateStopsARunInProgress(t *testing.T) {
	lib, err := models.Locate("onnxruntime")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := Load(lib)
	if err != nil {
		t.Fatal(err)
	}
	g := convert.NewGraph("slow")
	x := g.Input("x", 256, 1024)
	w := g.Const("w", []int64{1024, 1024}, make([]float32, 1024*1024))
	v := x
	for i := 0; i < 63; i++ {
		v = g.Node("MatMul", []string{v, w})
	}
	g.NamedNode("y", "MatMul", []string{v, w})
	g.Output("y", 256, 1024)
	model, err := g.Marshal(13, "facecase test")
	if err != nil {
		t.Fatal(err)
	}
	s, err := rt.NewSession(model, Options{IntraOpThreads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x0 := Tensor{Shape: []int64{256, 1024}, Data: make([]float32, 256*1024)}
	out, err := s.runTensors(ctx, map[string]Tensor{"x": x0}, []string{"y"}, false)
	if !errors.Is(err, context.Canceled) || out != nil {
		t.Fatalf("err = %v (%d outputs), want the run terminated (context.Canceled)", err, len(out))
	}
}

func TestOpenLibraryRejectsOtherFiles(t *testing.T) {
	for _, path := range []string{"/nonexistent/libonnxruntime.so.1", "/etc/hostname", "/lib/x86_64-linux-gnu/libm.so.6"} {
		if _, err := openLibrary(path); !errors.Is(err, ErrLibrary) {
			t.Errorf("%s: err = %v, want ErrLibrary", path, err)
		} else {
			t.Logf("%s: %v", path, err)
		}
	}
}
