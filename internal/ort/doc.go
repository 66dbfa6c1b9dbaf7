// Package ort is facecase's own small cgo binding to the ONNX Runtime C API
// (ONNX Runtime 1.30, the CPU library that npm onnxruntime-node ships and
// `make models` installs as libonnxruntime.so.1 beside the models).
//
// It runs any ONNX model whose inputs and outputs are float32 tensors:
// sessions are built from the model's bytes, inputs and outputs are named,
// and shapes may change from one run to the next (free dimensions).
//
// # Loading
//
// The library is opened at run time with dlopen (Load), not linked: the
// program builds and vets on a machine where the models are not installed
// yet, and a missing library is reported like a missing model. No ONNX
// Runtime header is needed either: fcort.h declares the few C API functions
// used, by their place in the API's table (see the comment there). Load the
// library once per process; it stays loaded until the process ends.
//
// # Threads
//
// Every session runs its operators sequentially on its own intra-op thread
// pool of Options.IntraOpThreads threads (inter-op parallelism is off), with
// every graph optimisation on and with spinning turned off: idle ONNX
// Runtime threads sleep instead of busy-waiting, which on a machine with two
// cores would take a core from the caller's other work. A Session is safe
// for concurrent Run calls (ONNX Runtime documents Run as thread-safe); each
// call then uses the session's pool in turn.
//
// # Memory
//
// The sessions of a Runtime take their working memory from one CPU memory
// arena that the environment registers when the first session is made
// (ONNX Runtime's shared "environment allocator", with its default
// settings), not from an arena each. An arena keeps what it took until it
// is shrunk (RunAndShrink), so with an arena a session the blocks one
// net's runs freed could not serve another's: a photo's detector, verifier
// and descriptor net each kept their own. Shared, the six demo photos of
// docs/benchmarks.md ("Memory", third pass) peaked about 60 MB lower
// (medians) at the same processor time. The arena grows by doubling
// unless SetArenaGrowth chose ArenaExact before the first session (the
// desktop app does: see ArenaExact).
//
// Outputs are copied out of ONNX Runtime into Go slices. A caller done
// with a run's outputs hands them back with Recycle, and later runs copy
// into them instead of new memory: a video scan's nets otherwise
// allocate megabytes a frame, and the collector runs that much sooner.
//
// # Cancelling
//
// Run takes a context. Each call has its own ONNX Runtime run options; when
// the context is done, the run's terminate flag is set and ONNX Runtime
// stops at the next operator, and Run returns the context's error.
//
// # Ownership and errors
//
// Sessions hold ONNX Runtime objects outside the Go heap. There are no
// finalizers: the owner calls Close exactly when done (later calls are
// no-ops); Close waits for runs in flight, and Run after Close returns
// ErrClosed. Results are Go slices the caller owns (until it hands them
// to Recycle). Failures reported by ONNX
// Runtime come back as *Error values that match ErrBadModel or ErrBadInput
// with errors.Is where the error code says so.
package ort
