package facedata

import (
	"fmt"
	"math"
)

// DescriptorSize is the length of a face descriptor.
const DescriptorSize = 128

// SameThreshold is dlib's conventional Euclidean distance below which two
// descriptors are taken to show the same person.
const SameThreshold = 0.6

// Descriptor is a 128-D face descriptor in the dlib ResNet v1 space.
type Descriptor [DescriptorSize]float32

// Distance is the Euclidean distance between two descriptors.
func (d *Descriptor) Distance(o *Descriptor) float64 {
	var s float32
	for i := range d {
		x := d[i] - o[i]
		s += x * x
	}
	return math.Sqrt(float64(s))
}

// Norm is the Euclidean length of the descriptor (about 1.4 for real faces).
func (d *Descriptor) Norm() float64 {
	var s float32
	for _, v := range d {
		s += v * v
	}
	return math.Sqrt(float64(s))
}

// DescriptorFromSlice copies a 128-element slice.
func DescriptorFromSlice(v []float32) (Descriptor, error) {
	var d Descriptor
	if len(v) != DescriptorSize {
		return d, fmt.Errorf("descriptor has %d values, want %d", len(v), DescriptorSize)
	}
	copy(d[:], v)
	return d, nil
}
