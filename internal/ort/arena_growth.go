package ort

import "sync/atomic"

// ArenaGrowth is how the shared memory arena (see the package comment)
// grows when a run needs more than it holds.
type ArenaGrowth int32

const (
	// ArenaDoubling is ONNX Runtime's default: each new block of the arena
	// is at least twice the last (1, 2, 4 ... MB, up to 1 GB a block), so
	// the arena takes few blocks from the system. After a burst of large
	// runs its last block can be as large as everything before it.
	ArenaDoubling ArenaGrowth = iota
	// ArenaExact takes from the system just what the allocation that did
	// not fit asks for (ONNX Runtime's kSameAsRequested). Measured in the
	// desktop app (docs/benchmarks.md, "Memory", sixth pass): two video
	// detector runs in flight no longer leave a 256 MB block behind, and
	// the app peaked 44 MiB lower on average. For a batch of photos
	// (facecase-cli analyze) it peaked 50-100 MiB higher.
	ArenaExact
)

// String names the growth as the docs do.
func (g ArenaGrowth) String() string {
	if g == ArenaExact {
		return "exact"
	}
	return "doubling"
}

var arenaGrowth atomic.Int32

// SetArenaGrowth chooses how the shared arena of the process's Runtime
// grows. It applies to the arena made with the next environment, when the
// first session is created while none is open; call it at start-up,
// before any session. The default is ArenaDoubling.
func SetArenaGrowth(g ArenaGrowth) { arenaGrowth.Store(int32(g)) }

// ArenaGrowth reports how the arena of the live environment grows, and
// false when no session is open (there is no arena then).
func (r *Runtime) ArenaGrowth() (ArenaGrowth, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.growth, r.sessions > 0
}
