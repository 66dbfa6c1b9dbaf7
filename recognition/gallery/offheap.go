package gallery

import (
	"runtime"
	"unsafe"
)

// offHeap is memory for the fine codes kept outside the Go heap (where the
// system allows, see offheap_linux.go): 0.68 GB at ten million faces that
// the garbage collector need not count, so that the heap's headroom (as
// much again as what is live) does not grow by as much, and that can be
// backed by huge pages, which cut the address-translation misses of the
// fine stage's random reads. It is given back to the system when nothing
// refers to it any more.
type offHeap struct {
	b []byte
}

// newOffHeap returns n zero bytes of memory outside the heap, or of the
// heap where that is not possible.
func newOffHeap(n int) *offHeap {
	b, release := allocOffHeap(n)
	h := &offHeap{b: b}
	if release != nil {
		runtime.AddCleanup(h, func(b []byte) { release(b) }, b)
	}
	return h
}

// floats is the memory as float32 values (n a multiple of 4).
func (h *offHeap) floats() []float32 {
	if len(h.b) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(h.b))), len(h.b)/4)
}
