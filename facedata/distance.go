package facedata

// SquaredDistance is the squared Euclidean distance of d and the first
// DescriptorSize values of v, summed in eight float32 lanes (independent
// additions the processor overlaps). It can differ from the square of
// Descriptor.Distance in the last bit of a float32. The matchers' inner
// loops (the Lab's scoring, cohort statistics) use it.
func SquaredDistance(d *Descriptor, v []float32) float32 {
	v = v[:DescriptorSize]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	for i := 0; i < DescriptorSize; i += 8 {
		a0, a1, a2, a3 := d[i]-v[i], d[i+1]-v[i+1], d[i+2]-v[i+2], d[i+3]-v[i+3]
		a4, a5, a6, a7 := d[i+4]-v[i+4], d[i+5]-v[i+5], d[i+6]-v[i+6], d[i+7]-v[i+7]
		s0 += a0 * a0
		s1 += a1 * a1
		s2 += a2 * a2
		s3 += a3 * a3
		s4 += a4 * a4
		s5 += a5 * a5
		s6 += a6 * a6
		s7 += a7 * a7
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}
