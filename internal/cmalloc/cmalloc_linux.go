//go:build linux && cgo

package cmalloc

// #include <malloc.h>
import "C"

// Trim hands the free memory of every arena of the C allocator back to the
// system (glibc's malloc_trim): pages no live allocation uses, inside its
// heaps as well as at their tops. It reports whether any was released.
func Trim() bool { return C.malloc_trim(0) == 1 }
