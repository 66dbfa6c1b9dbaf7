package convert

// Layouts. The translator keeps every value in the layout it happens to be
// in and records how that layout relates to the tensor TensorFlow means: a
// value's physical tensor is transpose(logical, perm), so physical axis i is
// logical axis perm[i]. A TensorFlow Transpose only changes perm and emits
// nothing; an operator that needs a particular layout (ONNX Conv wants
// NCHW) asks for it and a Transpose is emitted only when the value is not
// already in it. Graphs exported from PyTorch through ONNX to TensorFlow
// wrap every convolution in NCHW<->NHWC transposes; this way they cancel
// instead of being carried into the ONNX graph.

// identityPerm is [0, 1, ..., n-1].
func identityPerm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

// invertPerm returns q with q[p[i]] = i.
func invertPerm(p []int) []int {
	q := make([]int, len(p))
	for i, v := range p {
		q[v] = i
	}
	return q
}

// isPerm reports whether p is a permutation of 0..len(p)-1.
func isPerm(p []int) bool {
	seen := make([]bool, len(p))
	for _, v := range p {
		if v < 0 || v >= len(p) || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

func samePerm(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// permute returns v reordered by p: out[i] = v[p[i]].
func permute[T any](v []T, p []int) []T {
	out := make([]T, len(p))
	for i, k := range p {
		out[i] = v[k]
	}
	return out
}

// physicalAxis is the physical position of logical axis a under perm.
func physicalAxis(perm []int, a int) int {
	for i, v := range perm {
		if v == a {
			return i
		}
	}
	return -1
}

// transposeData reorders a dense row-major tensor of the given shape by p
// (out shape = permute(shape, p)).
func transposeData(data []float32, shape, p []int) []float32 {
	n := len(shape)
	out := make([]float32, len(data))
	if len(data) == 0 {
		return out
	}
	outShape := permute(shape, p)
	// Strides of the input, visited in output order.
	inStride := make([]int, n)
	s := 1
	for i := n - 1; i >= 0; i-- {
		inStride[i] = s
		s *= shape[i]
	}
	step := permute(inStride, p)
	idx := make([]int, n)
	src := 0
	for o := range out {
		out[o] = data[src]
		for d := n - 1; d >= 0; d-- {
			idx[d]++
			src += step[d]
			if idx[d] < outShape[d] {
				break
			}
			src -= step[d] * idx[d]
			idx[d] = 0
		}
	}
	return out
}
