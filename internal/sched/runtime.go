package sched

import (
	"os"
	"runtime"
)

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
//
// The collector keeps Go's default target (GOGC 100). It ran at 200 while
// every ONNX Runtime output was copied into new memory and a scan
// collected every 2-4 s (each collection stops the world twice, and under
// load the tour saw stops of 20-106 ms); since outputs are recycled
// (internal/ort) the tour's scan collects about once a minute at 200, and
// 100 keeps the heap's goal at twice the live heap, not three times: 50-60
// MB less at the app's peak (docs/benchmarks.md, "Memory").
//
// $GOMAXPROCS, when set, wins.
func TuneRuntimeForUI() int {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + 1)
	}
	return runtime.GOMAXPROCS(0)
}
