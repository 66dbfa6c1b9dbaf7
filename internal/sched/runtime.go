package sched

import (
	"os"
	"runtime"
	"runtime/debug"
)

// UIGCPercent is the garbage collector's target (GOGC) in the desktop app:
// collections half as often as Go's default of 100, for a heap that
// stays small (tens of MB while a video is analysed).
const UIGCPercent = 200

// TuneRuntimeForUI prepares the Go runtime of the desktop app for an
// interface goroutine locked to the main thread beside background work
// at a lower priority. It returns the GOMAXPROCS in force afterwards.
//
//   - One processor (P) more than the cores. The interface goroutine
//     leaves its P at every cgo call (each OpenGL call, the buffer swap)
//     and needs a free one to come back; with as many Ps as cores the
//     analysis's goroutines hold them all, and it waits in the run queue
//     until one of their threads, at nice 10 and so last in line for a
//     core on a busy machine, gives one up. Execution traces of the
//     screenshot tour showed such waits of 50-125 ms. The analysis stays
//     bounded by the cores: its ONNX Runtime runs take slots counted from
//     the cores when the program starts.
//   - Collections half as often (UIGCPercent): each stops the world twice,
//     and a stop waits for every thread holding a P, background ones
//     included; under load the tour saw such stops of 20-106 ms.
//
// $GOMAXPROCS and $GOGC, when set, win.
func TuneRuntimeForUI() int {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + 1)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(UIGCPercent)
	}
	return runtime.GOMAXPROCS(0)
}
