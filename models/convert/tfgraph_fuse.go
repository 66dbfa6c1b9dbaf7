package convert

import (
	"github.com/advancedclimatesystems/gonnx/onnx"
)

// Graphs exported from PyTorch through ONNX to TensorFlow spell out what a
// convolution does by itself: an explicit Pad before it and an Add of the
// bias after it. The translator folds both into the Conv (or MaxPool)
// node; the Pad nodes nobody reads any more are pruned at the end.

// tfPadding records that a value is src padded with a constant.
type tfPadding struct {
	src   string  // ONNX value padded, in the same physical layout
	pads  []int64 // ONNX order: every physical axis's begin, then its end
	value float32
}

// fusePadding returns the input and spatial pads (h begin, w begin, h end,
// w end) for a window operator reading x in the NCHW layout nchw: when x is
// a padding of another value along H and W only, with a value the operator
// treats as its own padding (zero for a convolution, minus infinity for a
// max pool), the operator reads the unpadded value and pads it itself.
func fusePadding(x *tfValue, nchw []int, pads [4]int64, neutral func(float32) bool) (string, [4]int64, bool) {
	p := x.padded
	if p == nil || !samePerm(x.perm, nchw) || len(p.pads) != 8 || !neutral(p.value) {
		return "", pads, false
	}
	if p.pads[0] != 0 || p.pads[1] != 0 || p.pads[4] != 0 || p.pads[5] != 0 {
		return "", pads, false
	}
	return p.src, [4]int64{pads[0] + p.pads[2], pads[1] + p.pads[3], pads[2] + p.pads[6], pads[3] + p.pads[7]}, true
}

// fuseBias makes a per-channel constant added to a bias-less convolution's
// output that convolution's bias. It reports whether it did; the caller
// then uses the convolution's output as the sum.
func (tr *tfTranslator) fuseBias(x, c *tfValue) bool {
	if x.conv == nil || c.konst == nil || len(x.shape) != 4 || len(x.conv.Input) != 2 {
		return false
	}
	// The channel axis is the physical axis 1 of the Conv's output.
	ch := x.perm[1]
	outC := x.shape[ch]
	shape := c.konst.Shape
	for len(shape) < 4 {
		shape = append([]int{1}, shape...)
	}
	for a, d := range shape {
		if d != 1 && a != ch {
			return false
		}
	}
	if len(c.konst.Data) != outC {
		return false
	}
	x.conv.Input = append(x.conv.Input, tr.constant([]int{outC}, c.konst.Data))
	x.conv = nil
	return true
}

// pruneGraph drops the nodes and initializers no graph output depends on.
func pruneGraph(g *onnx.GraphProto) {
	needed := map[string]bool{}
	for _, o := range g.Output {
		needed[o.Name] = true
	}
	keep := make([]bool, len(g.Node))
	for i := len(g.Node) - 1; i >= 0; i-- {
		n := g.Node[i]
		for _, o := range n.Output {
			if needed[o] {
				keep[i] = true
			}
		}
		if keep[i] {
			for _, in := range n.Input {
				needed[in] = true
			}
		}
	}
	nodes := g.Node[:0]
	for i, n := range g.Node {
		if keep[i] {
			nodes = append(nodes, n)
		}
	}
	g.Node = nodes
	inits := g.Initializer[:0]
	for _, t := range g.Initializer {
		if needed[t.Name] {
			inits = append(inits, t)
		}
	}
	g.Initializer = inits
}
