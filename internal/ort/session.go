package ort

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// #include <stdlib.h>
// #include "fcort.h"
import "C"

// Options configure a session.
type Options struct {
	// IntraOpThreads is the number of threads one run spreads its
	// operators over (the caller's thread included); 0 leaves ONNX
	// Runtime's default, one per core.
	IntraOpThreads int
	// ShrinkArena hands the memory a run's intermediate tensors took back
	// to the system when the run ends. ONNX Runtime otherwise keeps it in
	// the arena, which grows to what every input shape seen needs, and
	// never shrinks: for a net fed many shapes (a fully convolutional
	// detector over photos of every size) the process's memory keeps
	// climbing. It costs page faults on every run, this session's and, as
	// the arena is shared, the other sessions' (see the package comment).
	ShrinkArena bool
	// NoMemPattern turns off memory patterns: ONNX Runtime then allocates
	// a run's tensors one by one from the arena, instead of planning one
	// block for all of them per input shape. A block planned per shape
	// cannot be reused for another, so for a net fed inputs of many
	// shapes the arena fills with blocks of shapes past.
	NoMemPattern bool
}

// IO describes one input or output of a model.
type IO struct {
	Name string
	// Shape has -1 for a free dimension (a symbolic or unknown size).
	Shape []int64
	// Float32 says the value is a float32 tensor, the only kind Run takes
	// and returns.
	Float32 bool
}

// Session is one model ready to run. It is safe for concurrent use.
type Session struct {
	rt *Runtime

	mu sync.RWMutex // held for reading by runs, for writing by Close
	s  *C.OrtSession

	inputs, outputs []IO
	cnames          map[string]*C.char // every input and output name
	shrink          bool
}

// maxDims bounds the rank of the tensors the package handles.
const maxDims = 8

// NewSession builds a session from the bytes of an ONNX model. The bytes
// are not kept. A model ONNX Runtime cannot build gives an error matching
// ErrBadModel; so does one with an input or output that is not a tensor.
func (r *Runtime) NewSession(model []byte, opts Options) (*Session, error) {
	if len(model) == 0 {
		return nil, fmt.Errorf("new session: %w: no model bytes", ErrBadModel)
	}
	if opts.IntraOpThreads < 0 {
		return nil, fmt.Errorf("new session: %d intra-op threads", opts.IntraOpThreads)
	}
	if err := r.acquire(); err != nil {
		return nil, fmt.Errorf("new session: %w", err)
	}
	so, err := r.sessionOptions(opts)
	if err != nil {
		r.release()
		return nil, fmt.Errorf("new session: %w", err)
	}
	defer C.fcort_release_session_options(r.api, so)
	var pinner runtime.Pinner
	defer pinner.Unpin()
	pinner.Pin(&model[0])
	var cs *C.OrtSession
	st := C.fcort_create_session(r.api, r.env, unsafe.Pointer(&model[0]), C.size_t(len(model)), so, &cs)
	if err := r.statusError("create session", st); err != nil {
		r.release()
		return nil, fmt.Errorf("new session: %w: %w", ErrBadModel, err)
	}
	s := &Session{rt: r, s: cs, cnames: map[string]*C.char{}, shrink: opts.ShrinkArena}
	if err := s.describe(); err != nil {
		s.Close()
		return nil, fmt.Errorf("new session: %w", err)
	}
	return s, nil
}

// sessionOptions makes the options every session gets: sequential
// execution, all graph optimisations, no spinning, one inter-op thread,
// memory from the environment's shared arena.
func (r *Runtime) sessionOptions(opts Options) (*C.OrtSessionOptions, error) {
	var so *C.OrtSessionOptions
	if err := r.statusError("create session options", C.fcort_create_session_options(r.api, &so)); err != nil {
		return nil, err
	}
	steps := []struct {
		op string
		fn func() *C.OrtStatus
	}{
		{"set sequential execution", func() *C.OrtStatus { return C.fcort_set_sequential(r.api, so) }},
		{"set graph optimisation", func() *C.OrtStatus { return C.fcort_set_optimize_all(r.api, so) }},
		{"set intra-op threads", func() *C.OrtStatus { return C.fcort_set_intra_op_threads(r.api, so, C.int(opts.IntraOpThreads)) }},
		{"set inter-op threads", func() *C.OrtStatus { return C.fcort_set_inter_op_threads(r.api, so, 1) }},
		{"turn off intra-op spinning", func() *C.OrtStatus { return r.configEntry(so, "session.intra_op.allow_spinning", "0") }},
		{"turn off inter-op spinning", func() *C.OrtStatus { return r.configEntry(so, "session.inter_op.allow_spinning", "0") }},
		{"use the shared arena", func() *C.OrtStatus { return r.configEntry(so, "session.use_env_allocators", "1") }},
	}
	if opts.NoMemPattern {
		steps = append(steps, struct {
			op string
			fn func() *C.OrtStatus
		}{"turn off memory patterns", func() *C.OrtStatus { return C.fcort_disable_mem_pattern(r.api, so) }})
	}
	for _, step := range steps {
		if err := r.statusError(step.op, step.fn()); err != nil {
			C.fcort_release_session_options(r.api, so)
			return nil, err
		}
	}
	return so, nil
}

func (r *Runtime) runConfigEntry(ro *C.OrtRunOptions, key, value string) *C.OrtStatus {
	k, v := C.CString(key), C.CString(value)
	defer C.free(unsafe.Pointer(k))
	defer C.free(unsafe.Pointer(v))
	return C.fcort_add_run_config_entry(r.api, ro, k, v)
}

func (r *Runtime) configEntry(so *C.OrtSessionOptions, key, value string) *C.OrtStatus {
	k, v := C.CString(key), C.CString(value)
	defer C.free(unsafe.Pointer(k))
	defer C.free(unsafe.Pointer(v))
	return C.fcort_add_config_entry(r.api, so, k, v)
}

// describe reads the names, types and shapes of the inputs and outputs.
func (s *Session) describe() error {
	r := s.rt
	for output := 0; output < 2; output++ {
		var n C.size_t
		what, st := "input", (*C.OrtStatus)(nil)
		if output == 0 {
			st = C.fcort_input_count(r.api, s.s, &n)
		} else {
			what, st = "output", C.fcort_output_count(r.api, s.s, &n)
		}
		if err := r.statusError("count "+what+"s", st); err != nil {
			return err
		}
		for i := 0; i < int(n); i++ {
			var cname *C.char
			if err := r.statusError("name "+what, C.fcort_io_name(r.api, s.s, C.int(output), C.size_t(i), &cname)); err != nil {
				return err
			}
			io := IO{Name: C.GoString(cname)}
			s.cnames[io.Name] = cname
			var isTensor, elem C.int
			var dims [maxDims]C.int64_t
			var nd C.size_t
			st := C.fcort_io_info(r.api, s.s, C.int(output), C.size_t(i), &isTensor, &elem, &dims[0], maxDims, &nd)
			if err := r.statusError("describe "+what+" "+io.Name, st); err != nil {
				return err
			}
			if isTensor == 0 || nd > maxDims {
				return fmt.Errorf("%w: %s %q is not a tensor of at most %d dimensions", ErrBadModel, what, io.Name, maxDims)
			}
			io.Float32 = elem == C.FCORT_ELEMENT_FLOAT
			for _, d := range dims[:nd] {
				io.Shape = append(io.Shape, max(-1, int64(d)))
			}
			if output == 0 {
				s.inputs = append(s.inputs, io)
			} else {
				s.outputs = append(s.outputs, io)
			}
		}
	}
	return nil
}

// Inputs describes the model's inputs, in the model's order.
func (s *Session) Inputs() []IO { return cloneIO(s.inputs) }

// Outputs describes the model's outputs, in the model's order.
func (s *Session) Outputs() []IO { return cloneIO(s.outputs) }

func cloneIO(ios []IO) []IO {
	out := make([]IO, len(ios))
	for i, io := range ios {
		io.Shape = append([]int64(nil), io.Shape...)
		out[i] = io
	}
	return out
}

// Close releases the session once runs in flight have returned. Calling it
// again does nothing.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.s == nil {
		return nil
	}
	C.fcort_release_session(s.rt.api, s.s)
	s.s = nil
	for _, c := range s.cnames {
		C.free(unsafe.Pointer(c))
	}
	s.cnames = nil
	s.rt.release()
	return nil
}
