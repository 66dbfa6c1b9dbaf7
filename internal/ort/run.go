package ort

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// #include <stdlib.h>
// #include "fcort.h"
import "C"

// Tensor is a dense float32 tensor in row-major order.
type Tensor struct {
	Shape []int64
	Data  []float32
}

// Elements is the number of values the shape holds (-1 if a dimension is
// negative).
func (t Tensor) Elements() int64 {
	n := int64(1)
	for _, d := range t.Shape {
		if d < 0 {
			return -1
		}
		n *= d
	}
	return n
}

// Run feeds the named inputs to the model and returns the named outputs in
// the order asked for (every output, in the model's order, when none is
// named). Input data is only read, and only during the call. When ctx is
// done before or during the run, Run stops it and returns ctx's error.
func (s *Session) Run(ctx context.Context, inputs map[string]Tensor, outputs ...string) ([]Tensor, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("ort run: %w", err)
	}
	return s.runTensors(ctx, inputs, outputs, s.shrink)
}

// RunAndShrink is Run, after which the memory arena (shared by every
// session of the runtime) hands the blocks no run is using back to the
// system (whatever Options.ShrinkArena says). Call it with a small input after a burst of large runs, such as
// the tiles of a very large photo, so that the memory they took does not
// stay with the process.
func (s *Session) RunAndShrink(ctx context.Context, inputs map[string]Tensor, outputs ...string) ([]Tensor, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("ort run: %w", err)
	}
	return s.runTensors(ctx, inputs, outputs, true)
}

// runTensors is Run without the first look at ctx.
func (s *Session) runTensors(ctx context.Context, inputs map[string]Tensor, outputs []string, shrink bool) ([]Tensor, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.s == nil {
		return nil, fmt.Errorf("ort run: %w", ErrClosed)
	}
	if len(outputs) == 0 {
		for _, o := range s.outputs {
			outputs = append(outputs, o.Name)
		}
	}
	if err := s.checkNames(inputs, outputs); err != nil {
		return nil, fmt.Errorf("ort run: %w", err)
	}
	r := s.rt
	inNames := make([]*C.char, 0, len(inputs))
	inValues := make([]*C.OrtValue, 0, len(inputs))
	var pinner runtime.Pinner
	defer pinner.Unpin()
	defer func() {
		for _, v := range inValues {
			C.fcort_release_value(r.api, v)
		}
	}()
	for name, t := range inputs {
		v, err := s.inputValue(name, t, &pinner)
		if err != nil {
			return nil, fmt.Errorf("ort run: %w", err)
		}
		inNames = append(inNames, s.cnames[name])
		inValues = append(inValues, v)
	}
	outNames := make([]*C.char, len(outputs))
	for i, o := range outputs {
		outNames[i] = s.cnames[o]
	}
	outValues := make([]*C.OrtValue, len(outputs))
	defer func() {
		for _, v := range outValues {
			if v != nil {
				C.fcort_release_value(r.api, v)
			}
		}
	}()
	if err := s.run(ctx, inNames, inValues, outNames, outValues, shrink); err != nil {
		return nil, err
	}
	res := make([]Tensor, len(outputs))
	for i, v := range outValues {
		t, err := s.outputTensor(outputs[i], v)
		if err != nil {
			return nil, fmt.Errorf("ort run: %w", err)
		}
		res[i] = t
	}
	return res, nil
}

// checkNames makes sure every input is given once, by a known name, and
// every output asked for exists.
func (s *Session) checkNames(inputs map[string]Tensor, outputs []string) error {
	for _, in := range s.inputs {
		if _, ok := inputs[in.Name]; !ok {
			return fmt.Errorf("%w: input %q missing", ErrBadInput, in.Name)
		}
	}
	if len(inputs) != len(s.inputs) {
		for name := range inputs {
			if !hasIO(s.inputs, name) {
				return fmt.Errorf("%w: the model has no input %q", ErrBadInput, name)
			}
		}
	}
	for _, o := range outputs {
		if !hasIO(s.outputs, o) {
			return fmt.Errorf("%w: the model has no output %q", ErrBadInput, o)
		}
	}
	return nil
}

func hasIO(ios []IO, name string) bool {
	for _, io := range ios {
		if io.Name == name {
			return true
		}
	}
	return false
}

// inputValue wraps t's data (pinned until the run ends) in an OrtValue.
func (s *Session) inputValue(name string, t Tensor, pinner *runtime.Pinner) (*C.OrtValue, error) {
	n := t.Elements()
	if len(t.Shape) > maxDims || n <= 0 || n != int64(len(t.Data)) {
		return nil, fmt.Errorf("%w: input %q: shape %v for %d values", ErrBadInput, name, t.Shape, len(t.Data))
	}
	shape := make([]C.int64_t, len(t.Shape))
	for i, d := range t.Shape {
		shape[i] = C.int64_t(d)
	}
	pinner.Pin(&t.Data[0])
	var shapePtr *C.int64_t
	if len(shape) > 0 {
		shapePtr = &shape[0]
	}
	var v *C.OrtValue
	st := C.fcort_create_float_tensor(s.rt.api, s.rt.cpu, (*C.float)(unsafe.Pointer(&t.Data[0])), C.size_t(n), shapePtr, C.size_t(len(shape)), &v)
	if err := s.rt.statusError("create input "+name, st); err != nil {
		return nil, err
	}
	return v, nil
}

// run calls the model with its own run options, which a done ctx
// terminates.
func (s *Session) run(ctx context.Context, inNames []*C.char, in []*C.OrtValue, outNames []*C.char, out []*C.OrtValue, shrink bool) error {
	r := s.rt
	var ro *C.OrtRunOptions
	if err := r.statusError("create run options", C.fcort_create_run_options(r.api, &ro)); err != nil {
		return fmt.Errorf("ort run: %w", err)
	}
	if shrink {
		if err := r.statusError("set arena shrinkage", s.rt.runConfigEntry(ro, "memory.enable_memory_arena_shrinkage", "cpu:0")); err != nil {
			C.fcort_release_run_options(r.api, ro)
			return fmt.Errorf("ort run: %w", err)
		}
	}
	var mu sync.Mutex // guards ro against release while terminating
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if ro != nil {
			if st := C.fcort_set_terminate(r.api, ro); st != nil {
				C.fcort_release_status(r.api, st)
			}
		}
	})
	var inNamesPtr **C.char
	var inPtr **C.OrtValue
	if len(in) > 0 {
		inNamesPtr, inPtr = &inNames[0], &in[0]
	}
	st := C.fcort_run(r.api, s.s, ro, inNamesPtr, inPtr, C.size_t(len(in)), &outNames[0], C.size_t(len(out)), &out[0])
	stop()
	mu.Lock()
	C.fcort_release_run_options(r.api, ro)
	ro = nil
	mu.Unlock()
	err := r.statusError("run", st)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("ort run: %w", ctx.Err())
	}
	if err != nil {
		return fmt.Errorf("ort run: %w", err)
	}
	return nil
}

// outputTensor copies an output value into a Tensor.
func (s *Session) outputTensor(name string, v *C.OrtValue) (Tensor, error) {
	if v == nil {
		return Tensor{}, fmt.Errorf("output %q: ONNX Runtime returned no value", name)
	}
	var elem C.int
	var dims [maxDims]C.int64_t
	var nd C.size_t
	var data unsafe.Pointer
	if err := s.rt.statusError("read output "+name, C.fcort_tensor_data(s.rt.api, v, &elem, &dims[0], maxDims, &nd, &data)); err != nil {
		return Tensor{}, err
	}
	if elem != C.FCORT_ELEMENT_FLOAT || nd > maxDims {
		return Tensor{}, fmt.Errorf("output %q: not a float32 tensor of at most %d dimensions", name, maxDims)
	}
	t := Tensor{Shape: make([]int64, nd)}
	for i := range t.Shape {
		t.Shape[i] = int64(dims[i])
	}
	n := t.Elements()
	if n < 0 {
		return Tensor{}, fmt.Errorf("output %q: shape %v", name, t.Shape)
	}
	t.Data = takeFloats(int(n))
	if n > 0 {
		copy(t.Data, unsafe.Slice((*float32)(data), n))
	}
	return t, nil
}
