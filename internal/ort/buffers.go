package ort

import (
	"math/bits"
	"sync"
)

// Output tensors are copied out of ONNX Runtime into Go slices. A video
// scan runs its nets several times a frame, and their outputs (NanoDet's
// heads alone are 2 MB at 640x384) were most of what the scan allocated:
// 207 of 375 MB over 300 frames of 720p (docs/benchmarks.md, "Memory"),
// each a garbage collection sooner. Callers that are done with a run's
// outputs hand them back with Recycle, and the next run of any session
// copies into them.

// minPooled is the smallest buffer worth recycling, in elements; smaller
// outputs (a face descriptor) are cheaper to allocate than to pool.
const minPooled = 1 << 10

// maxPooledClass bounds the recycled buffers to 2^maxPooledClass elements
// (1 GiB); larger outputs are allocated every time.
const maxPooledClass = 28

// outputBuffers holds recycled buffers by size class: class c holds
// slices of capacity exactly 2^c. A sync.Pool lets the collector take
// buffers no run has asked for in two cycles.
var outputBuffers [maxPooledClass + 1]sync.Pool

// sizeClass is the smallest c with 2^c >= n (n >= 1).
func sizeClass(n int) int { return bits.Len(uint(n - 1)) }

// takeFloats returns a slice of n elements, recycled when one of its size
// class is free. Its contents are whatever it held: the caller overwrites
// every element.
func takeFloats(n int) []float32 {
	c := sizeClass(max(n, 1))
	if n < minPooled || c > maxPooledClass {
		return make([]float32, n)
	}
	if p, ok := outputBuffers[c].Get().(*[]float32); ok {
		return (*p)[:n]
	}
	return make([]float32, n, 1<<c)
}

// Recycle hands the data of tensors the caller is done with back for the
// outputs of later runs. The tensors' Data must not be used afterwards, by
// the caller or anything it shared them with. Data whose capacity is not
// a power of two from minPooled to 2^maxPooledClass elements (no output of
// a run has another) is left to the collector.
func Recycle(tensors ...Tensor) {
	for _, t := range tensors {
		c := cap(t.Data)
		if c < minPooled || c&(c-1) != 0 || sizeClass(c) > maxPooledClass {
			continue
		}
		d := t.Data[:c]
		outputBuffers[sizeClass(c)].Put(&d)
	}
}
