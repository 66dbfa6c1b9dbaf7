//go:build linux && cgo

package cmalloc

// #include <malloc.h>
import "C"

import "os"

// Trim hands the free memory of every arena of the C allocator back to the
// system (glibc's malloc_trim): pages no live allocation uses, inside its
// heaps as well as at their tops. It reports whether any was released.
func Trim() bool { return C.malloc_trim(0) == 1 }

// LimitArenas caps the C allocator at n arenas (glibc's M_ARENA_MAX) unless
// $MALLOC_ARENA_MAX already sets the cap, which wins. It reports whether
// it set the cap. Arenas already made stay; threads that start allocating
// later share the n. Call it early, before the threads that allocate
// start.
func LimitArenas(n int) bool {
	if n < 1 || os.Getenv("MALLOC_ARENA_MAX") != "" {
		return false
	}
	return C.mallopt(C.M_ARENA_MAX, C.int(n)) == 1
}
