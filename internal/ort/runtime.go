package ort

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"unsafe"
)

// #include <stdlib.h>
// #include "fcort.h"
import "C"

// Runtime is the loaded ONNX Runtime library. There is at most one per
// process; Load returns it.
type Runtime struct {
	api     unsafe.Pointer // const OrtApi*
	path    string
	version string

	mu       sync.Mutex
	sessions int // open sessions; the environment lives while there are any
	env      *C.OrtEnv
	cpu      *C.OrtMemoryInfo
	growth   ArenaGrowth // how env's arena grows
}

var (
	loadMu sync.Mutex
	loaded *Runtime
)

// Load opens the ONNX Runtime library at path (normally
// models.Locate("onnxruntime")) and returns the process's Runtime. Later
// calls with the same file return the same Runtime; a different file gives
// an error matching ErrLibrary, as does a file that is missing, not ONNX
// Runtime, or older than 1.24.
func Load(path string) (*Runtime, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrLibrary, path, err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	loadMu.Lock()
	defer loadMu.Unlock()
	if loaded != nil {
		if loaded.path != abs {
			return nil, fmt.Errorf("%w: %s: already loaded from %s", ErrLibrary, abs, loaded.path)
		}
		return loaded, nil
	}
	r, err := openLibrary(abs)
	if err != nil {
		return nil, err
	}
	loaded = r
	return r, nil
}

// openLibrary dlopens the file and asks it for the C API.
func openLibrary(abs string) (*Runtime, error) {
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLibrary, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrLibrary, abs)
	}
	cpath := C.CString(abs)
	defer C.free(unsafe.Pointer(cpath))
	var version, msg *C.char
	var msgOwned C.int
	api := C.fcort_open(cpath, &version, &msg, &msgOwned)
	if api == nil {
		e := C.GoString(msg)
		if msgOwned != 0 {
			C.free(unsafe.Pointer(msg))
		}
		return nil, fmt.Errorf("%w: %s: %s", ErrLibrary, abs, e)
	}
	return &Runtime{api: api, path: abs, version: C.GoString(version)}, nil
}

// Version is the library's version string, such as "1.30.0".
func (r *Runtime) Version() string { return r.version }

// Path is the file the library was loaded from.
func (r *Runtime) Path() string { return r.path }

// acquire makes sure the environment, with its shared memory arena, exists
// and counts one more session.
func (r *Runtime) acquire() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sessions == 0 {
		id := C.CString("facecase")
		defer C.free(unsafe.Pointer(id))
		var env *C.OrtEnv
		if err := r.statusError("create environment", C.fcort_create_env(r.api, id, &env)); err != nil {
			return err
		}
		var cpu *C.OrtMemoryInfo
		if err := r.statusError("create memory info", C.fcort_create_cpu_memory_info(r.api, &cpu)); err != nil {
			C.fcort_release_env(r.api, env)
			return err
		}
		growth := ArenaGrowth(arenaGrowth.Load())
		exact := C.int(0)
		if growth == ArenaExact {
			exact = 1
		}
		if err := r.statusError("register the shared arena", C.fcort_register_env_arena(r.api, env, cpu, exact)); err != nil {
			C.fcort_release_memory_info(r.api, cpu)
			C.fcort_release_env(r.api, env)
			return err
		}
		r.env, r.cpu, r.growth = env, cpu, growth
	}
	r.sessions++
	return nil
}

// release counts one session less and frees the environment after the last.
func (r *Runtime) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sessions--
	if r.sessions == 0 {
		C.fcort_release_memory_info(r.api, r.cpu)
		C.fcort_release_env(r.api, r.env)
		r.env, r.cpu = nil, nil
	}
}
