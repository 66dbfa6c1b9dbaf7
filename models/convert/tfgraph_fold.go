package convert

import (
	"fmt"
	"math"
)

// foldTF evaluates an operator whose inputs are all constants: the shape
// arithmetic exporters leave in frozen graphs (a reshape target built with
// SparseToDense and AddV2, a cast perm). Only the operators such
// subgraphs use are known.
func foldTF(n *TFNode, ins []*tfValue) (Tensor, error) {
	c := func(i int) *Tensor { return ins[i].konst }
	switch n.Op {
	case "Identity", "Cast", "StopGradient":
		if len(ins) != 1 {
			return Tensor{}, foldError(n, "%d inputs", len(ins))
		}
		return foldCopy(n, *c(0)), nil
	case "Add", "AddV2", "Sub", "Mul", "Maximum", "Minimum":
		if len(ins) != 2 {
			return Tensor{}, foldError(n, "%d inputs", len(ins))
		}
		t, err := broadcastBinary(*c(0), *c(1), foldBinaryOps[n.Op])
		if err != nil {
			return Tensor{}, foldError(n, "%v", err)
		}
		t.Name = n.Name
		return t, nil
	case "SparseToDense":
		if len(ins) != 4 {
			return Tensor{}, foldError(n, "%d inputs", len(ins))
		}
		return foldSparseToDense(n, c(0), c(1), c(2), c(3))
	case "Transpose":
		p, err := intsOf(n, ins[1], "perm")
		if err != nil {
			return Tensor{}, err
		}
		if len(p) != len(c(0).Shape) || !isPerm(p) {
			return Tensor{}, foldError(n, "perm %v for rank %d", p, len(c(0).Shape))
		}
		return Tensor{Name: n.Name, Shape: permute(c(0).Shape, p), Data: transposeData(c(0).Data, c(0).Shape, p)}, nil
	case "Reshape":
		shape, err := intsOf(n, ins[1], "shape")
		if err != nil {
			return Tensor{}, err
		}
		shape, err = resolveShape(shape, len(c(0).Data))
		if err != nil {
			return Tensor{}, foldError(n, "%v", err)
		}
		return Tensor{Name: n.Name, Shape: shape, Data: c(0).Data}, nil
	}
	return Tensor{}, foldError(n, "operator not known to the constant folder")
}

// foldError is why node n cannot be folded, wrapping ErrBadGraph.
func foldError(n *TFNode, format string, a ...any) error {
	return fmt.Errorf("%w: folding %s %s: %s", ErrBadGraph, n.Op, n.Name, fmt.Sprintf(format, a...))
}

// foldCopy is t as the output of Identity, StopGradient or Cast (a cast to
// an integer type truncates).
func foldCopy(n *TFNode, t Tensor) Tensor {
	t.Name = n.Name
	if n.Op == "Cast" {
		if dst := n.Attr["DstT"]; dst.Type != nil && *dst.Type != "DT_FLOAT" {
			t.Data = append([]float32(nil), t.Data...)
			for i, v := range t.Data {
				t.Data[i] = float32(math.Trunc(float64(v)))
			}
		}
	}
	return t
}

// foldBinaryOps are the elementwise operators foldTF knows.
var foldBinaryOps = map[string]func(a, b float32) float32{
	"Add": func(a, b float32) float32 { return a + b }, "AddV2": func(a, b float32) float32 { return a + b },
	"Sub": func(a, b float32) float32 { return a - b }, "Mul": func(a, b float32) float32 { return a * b },
	"Maximum": func(a, b float32) float32 { return max(a, b) }, "Minimum": func(a, b float32) float32 { return min(a, b) },
}

// foldSparseToDense is SparseToDense: a tensor of shape dims filled with
// def, with vals (one, or one per index) at the indices idx.
func foldSparseToDense(n *TFNode, idx, dims, vals, def *Tensor) (Tensor, error) {
	shape := make([]int, len(dims.Data))
	size := 1
	for i, v := range dims.Data {
		shape[i] = int(v)
		size *= shape[i]
	}
	if len(def.Data) != 1 {
		return Tensor{}, foldError(n, "default value has %d elements", len(def.Data))
	}
	out := Tensor{Name: n.Name, Shape: shape, Data: make([]float32, size)}
	for i := range out.Data {
		out.Data[i] = def.Data[0]
	}
	rank := 1
	if len(idx.Shape) == 2 {
		rank = idx.Shape[1]
	}
	count := 0
	if rank > 0 {
		count = len(idx.Data) / rank
	}
	if rank != len(shape) && count > 0 {
		return Tensor{}, foldError(n, "indices of rank %d for a shape of rank %d", rank, len(shape))
	}
	for k := 0; k < count; k++ {
		off := 0
		for d := 0; d < rank; d++ {
			off = off*shape[d] + int(idx.Data[k*rank+d])
		}
		v := vals.Data[0]
		if len(vals.Data) > 1 {
			v = vals.Data[k]
		}
		if off < 0 || off >= size {
			return Tensor{}, foldError(n, "index out of range")
		}
		out.Data[off] = v
	}
	return out, nil
}

// broadcastBinary applies f elementwise with NumPy broadcasting.
func broadcastBinary(a, b Tensor, f func(a, b float32) float32) (Tensor, error) {
	rank := max(len(a.Shape), len(b.Shape))
	pad := func(s []int) []int {
		out := make([]int, rank)
		for i := range out {
			out[i] = 1
		}
		copy(out[rank-len(s):], s)
		return out
	}
	as, bs := pad(a.Shape), pad(b.Shape)
	shape := make([]int, rank)
	for i := range shape {
		switch {
		case as[i] == bs[i] || bs[i] == 1:
			shape[i] = as[i]
		case as[i] == 1:
			shape[i] = bs[i]
		default:
			return Tensor{}, fmt.Errorf("shapes %v and %v do not broadcast", a.Shape, b.Shape)
		}
	}
	size := 1
	for _, d := range shape {
		size *= d
	}
	out := Tensor{Shape: shape, Data: make([]float32, size)}
	idx := make([]int, rank)
	for o := range out.Data {
		ia, ib := 0, 0
		for d := 0; d < rank; d++ {
			ia = ia*as[d] + min(idx[d], as[d]-1)
			ib = ib*bs[d] + min(idx[d], bs[d]-1)
		}
		out.Data[o] = f(a.Data[ia], b.Data[ib])
		for d := rank - 1; d >= 0; d-- {
			if idx[d]++; idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out, nil
}

// resolveShape fills in a reshape target's -1
// given the element count.
func resolveShape(shape []int, count int) ([]int, error) {
	out := append([]int(nil), shape...)
	known, free := 1, -1
	for i, d := range out {
		switch {
		case d == -1 && free < 0:
			free = i
		case d < 0:
			return nil, fmt.Errorf("reshape target %v", shape)
		default:
			known *= d
		}
	}
	if free >= 0 {
		if known == 0 || count%known != 0 {
			return nil, fmt.Errorf("reshape of %d elements to %v", count, shape)
		}
		out[free] = count / known
	} else if known != count {
		return nil, fmt.Errorf("reshape of %d elements to %v", count, shape)
	}
	return out, nil
}
