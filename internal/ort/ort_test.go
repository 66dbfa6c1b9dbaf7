package ort_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"facecase/internal/ort"
)

func TestLoadReportsTheLibraryVersion(t *testing.T) {
	rt := runtimeForTest(t)
	if rt.Version() != "1.30.0" {
		t.Errorf("version %q, want 1.30.0 (the library models/manifest.json pins)", rt.Version())
	}
	again, err := ort.Load(rt.Path())
	if err != nil || again != rt {
		t.Errorf("second Load: %v, %v; want the same runtime", again, err)
	}
	other := filepath.Join(t.TempDir(), "libonnxruntime.so.1")
	if err := os.WriteFile(other, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ort.Load(other); !errors.Is(err, ort.ErrLibrary) {
		t.Errorf("Load of another file: %v, want ErrLibrary", err)
	}
}

// TestRunWithFreeDimensions runs a model on inputs of several shapes, with
// the memory arena kept, shrunk after every run, and without memory
// patterns.
func TestRunWithFreeDimensions(t *testing.T) {
	for _, opts := range []ort.Options{{IntraOpThreads: 1}, {IntraOpThreads: 1, ShrinkArena: true}, {IntraOpThreads: 1, NoMemPattern: true}} {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) { runFreeDimensions(t, opts) })
	}
}

func runFreeDimensions(t *testing.T, opts ort.Options) {
	s, err := runtimeForTest(t).NewSession(affineModel(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if in := s.Inputs(); len(in) != 1 || in[0].Name != "x" || !in[0].Float32 || !reflect.DeepEqual(in[0].Shape, []int64{-1, -1}) {
		t.Errorf("inputs %+v", in)
	}
	if out := s.Outputs(); len(out) != 2 || out[0].Name != "y" || out[1].Name != "z" {
		t.Errorf("outputs %+v", out)
	}
	for _, shape := range [][]int64{{2, 3}, {1, 5}, {4, 1}} {
		x := ort.Tensor{Shape: shape, Data: make([]float32, shape[0]*shape[1])}
		for i := range x.Data {
			x.Data[i] = float32(i) - 2
		}
		res, err := s.Run(context.Background(), map[string]ort.Tensor{"x": x}, "z", "y")
		if err != nil {
			t.Fatalf("shape %v: %v", shape, err)
		}
		z, y := res[0], res[1]
		if !reflect.DeepEqual(z.Shape, shape) || !reflect.DeepEqual(y.Shape, shape) {
			t.Fatalf("shape %v: got %v and %v", shape, z.Shape, y.Shape)
		}
		for i, v := range x.Data {
			if y.Data[i] != 2*v+1 || z.Data[i] != max(v, 0) {
				t.Fatalf("shape %v, value %d: y %v z %v for x %v", shape, i, y.Data[i], z.Data[i], v)
			}
		}
	}
	// Every output in the model's order when none is named.
	res, err := s.Run(context.Background(), map[string]ort.Tensor{"x": {Shape: []int64{1, 1}, Data: []float32{-3}}})
	if err != nil || len(res) != 2 || res[0].Data[0] != -5 || res[1].Data[0] != 0 {
		t.Errorf("all outputs: %+v, %v", res, err)
	}
}

func TestRunRejectsInputsThatDoNotFit(t *testing.T) {
	rt := runtimeForTest(t)
	s, err := rt.NewSession(fixedModel(t), ort.Options{IntraOpThreads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ok := ort.Tensor{Shape: []int64{1, 3}, Data: []float32{1, 2, 3}}
	cases := map[string]struct {
		in  map[string]ort.Tensor
		out []string
	}{
		"missing input":           {map[string]ort.Tensor{}, nil},
		"unknown input":           {map[string]ort.Tensor{"x": ok, "q": ok}, nil},
		"unknown output":          {map[string]ort.Tensor{"x": ok}, []string{"nope"}},
		"data shorter than shape": {map[string]ort.Tensor{"x": {Shape: []int64{1, 3}, Data: []float32{1}}}, nil},
		"empty tensor":            {map[string]ort.Tensor{"x": {Shape: []int64{1, 0}}}, nil},
		"shape the model refuses": {map[string]ort.Tensor{"x": {Shape: []int64{1, 4}, Data: make([]float32, 4)}}, nil},
	}
	for name, c := range cases {
		if _, err := s.Run(context.Background(), c.in, c.out...); !errors.Is(err, ort.ErrBadInput) {
			t.Errorf("%s: err = %v, want ErrBadInput", name, err)
		}
	}
	if res, err := s.Run(context.Background(), map[string]ort.Tensor{"x": ok}); err != nil || res[0].Data[2] != 3 {
		t.Errorf("good input after bad ones: %v, %v", res, err)
	}
}

func TestNewSessionRejectsBadModels(t *testing.T) {
	rt := runtimeForTest(t)
	for name, b := range map[string][]byte{"empty": nil, "text": []byte("not an onnx model"), "cut": affineModel(t)[:40]} {
		if s, err := rt.NewSession(b, ort.Options{}); !errors.Is(err, ort.ErrBadModel) {
			t.Errorf("%s: err = %v, want ErrBadModel", name, err)
			if s != nil {
				s.Close()
			}
		}
	}
	if _, err := rt.NewSession(affineModel(t), ort.Options{IntraOpThreads: -1}); err == nil {
		t.Error("negative thread count accepted")
	}
}

func TestRunAfterClose(t *testing.T) {
	s, err := runtimeForTest(t).NewSession(affineModel(t), ort.Options{IntraOpThreads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	_, err = s.Run(context.Background(), map[string]ort.Tensor{"x": {Shape: []int64{1, 1}, Data: []float32{1}}})
	if !errors.Is(err, ort.ErrClosed) {
		t.Errorf("run after close: %v, want ErrClosed", err)
	}
}

func TestRunIsSafeForConcurrentUse(t *testing.T) {
	s, err := runtimeForTest(t).NewSession(affineModel(t), ort.Options{IntraOpThreads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				v := float32(g*100 + i)
				res, err := s.Run(context.Background(), map[string]ort.Tensor{"x": {Shape: []int64{1, 2}, Data: []float32{v, -v}}}, "y")
				if err != nil {
					errs <- err
					return
				}
				if res[0].Data[0] != 2*v+1 || res[0].Data[1] != -2*v+1 {
					errs <- fmt.Errorf("goroutine %d run %d: %v", g, i, res[0].Data)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRunWithCancelledContext(t *testing.T) {
	s, err := runtimeForTest(t).NewSession(affineModel(t), ort.Options{IntraOpThreads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := ort.Tensor{Shape: []int64{1, 1}, Data: []float32{1}}
	if _, err := s.Run(ctx, map[string]ort.Tensor{"x": x}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
