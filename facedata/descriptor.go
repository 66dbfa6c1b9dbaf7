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

// CohortStats describe how close a face usually sits to strangers: the
// mean (Mu) and standard deviation (Sigma) of the distances from its
// descriptor to its K nearest faces of a cohort of people who are in no
// case (see package facecase/recognition/scorenorm). They are computed once,
// when the descriptor is made, and stored beside it; the zero value means
// they were not computed.
type CohortStats struct {
	Mu    float32 `json:"mu"`
	Sigma float32 `json:"sigma"`
}

// Valid reports whether the statistics can normalise a score: both finite
// and Sigma above zero.
func (s CohortStats) Valid() bool {
	mu, sigma := float64(s.Mu), float64(s.Sigma)
	return sigma > 0 && !math.IsInf(sigma, 0) && !math.IsNaN(mu) && !math.IsInf(mu, 0)
}

// Template is what one face is compared by: its descriptor and the cohort
// statistics computed with it.
type Template struct {
	Descriptor Descriptor  `json:"descriptor"`
	Cohort     CohortStats `json:"cohort"`
}
