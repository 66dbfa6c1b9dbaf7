package convert

import (
	"fmt"
	"math"
	"testing"
)

// tfRef runs a TensorFlow.js graph the slow, literal way: every operator
// in TensorFlow's own layout and semantics, written from TensorFlow's
// operator documentation without any of the translator's layout tracking
// or fusions. It is the reference the ONNX translations are checked
// against.
type tfRef struct {
	t    testing.TB
	g    *TFGraph
	vals map[string]Tensor // "node:k"
	// scale multiplies the sizes of ResizeBilinear (height, width): the
	// input side over the side the graph was exported for, to run a fully
	// convolutional graph at another size. 1 runs it exactly as written.
	scale [2]float64
}

func newTFRef(t testing.TB, g *TFGraph, inputs map[string]Tensor) *tfRef {
	r := &tfRef{t: t, g: g, vals: map[string]Tensor{}, scale: [2]float64{1, 1}}
	for name, v := range inputs {
		r.vals[name+":0"] = v
	}
	return r
}

// eval returns the value of tensor "node" or "node:k".
func (r *tfRef) eval(tensor string) Tensor {
	node, k := splitTensorName(tensor)
	key := fmt.Sprintf("%s:%d", node, k)
	if v, ok := r.vals[key]; ok {
		return v
	}
	n, ok := r.g.Node(node)
	if !ok {
		r.t.Fatalf("reference: no node %s", node)
	}
	if n.Op == "Const" {
		return r.g.Weights[n.Name]
	}
	var ins []Tensor
	for _, in := range n.Inputs {
		ins = append(ins, r.eval(in))
	}
	outs := r.op(n, ins)
	for i, o := range outs {
		r.vals[fmt.Sprintf("%s:%d", node, i)] = o
	}
	return outs[k]
}

func (r *tfRef) ints(v Tensor) []int {
	out := make([]int, len(v.Data))
	for i, f := range v.Data {
		out[i] = int(f)
	}
	return out
}

func (r *tfRef) op(n *TFNode, in []Tensor) []Tensor {
	one := func(t Tensor) []Tensor { return []Tensor{t} }
	switch n.Op {
	case "Identity":
		return one(in[0])
	case "Transpose":
		p := r.ints(in[1])
		return one(Tensor{Shape: permute(in[0].Shape, p), Data: transposeData(in[0].Data, in[0].Shape, p)})
	case "Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum":
		f := map[string]func(a, b float32) float32{
			"Add": func(a, b float32) float32 { return a + b }, "AddV2": func(a, b float32) float32 { return a + b },
			"Sub": func(a, b float32) float32 { return a - b }, "Mul": func(a, b float32) float32 { return a * b },
			"RealDiv": func(a, b float32) float32 { return a / b },
			"Maximum": func(a, b float32) float32 { return max(a, b) }, "Minimum": func(a, b float32) float32 { return min(a, b) },
		}[n.Op]
		t, err := broadcastBinary(in[0], in[1], f)
		if err != nil {
			r.t.Fatalf("reference %s: %v", n.Name, err)
		}
		return one(t)
	case "Relu", "Relu6", "LeakyRelu", "Sigmoid":
		return one(r.act(n.Op, in[0], n.attrFloat("alpha", 0.2)))
	case "Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative":
		return one(r.conv(n, in))
	case "ConcatV2":
		return one(r.concat(in[:len(in)-1], r.ints(in[len(in)-1])[0]))
	case "Pad", "PadV2":
		v := float32(0)
		if len(in) == 3 {
			v = in[2].Data[0]
		}
		return one(r.pad(in[0], r.ints(in[1]), v))
	case "MaxPool":
		return one(r.maxPool(n, in[0]))
	case "Mean":
		return one(r.mean(in[0], r.ints(in[1])))
	case "ResizeBilinear":
		size := r.ints(in[1])
		size[0] = int(math.Round(float64(size[0]) * r.scale[0]))
		size[1] = int(math.Round(float64(size[1]) * r.scale[1]))
		return one(r.resize(in[0], size, n.attrBool("half_pixel_centers")))
	case "SplitV":
		return r.split(in[0], r.ints(in[1]), r.ints(in[2])[0])
	case "Reshape":
		shape, err := resolveShape(r.ints(in[1]), len(in[0].Data))
		if err != nil {
			r.t.Fatal(err)
		}
		return one(Tensor{Shape: shape, Data: in[0].Data})
	case "SparseToDense", "Cast":
		var vs []*tfValue
		for i := range in {
			vs = append(vs, &tfValue{konst: &in[i]})
		}
		t, err := foldTF(n, vs)
		if err != nil {
			r.t.Fatal(err)
		}
		return one(t)
	}
	r.t.Fatalf("reference: operator %s (%s) not written", n.Op, n.Name)
	return nil
}

func (r *tfRef) act(op string, x Tensor, alpha float64) Tensor {
	out := Tensor{Shape: x.Shape, Data: make([]float32, len(x.Data))}
	for i, v := range x.Data {
		switch op {
		case "Relu":
			v = max(v, 0)
		case "Relu6":
			v = min(max(v, 0), 6)
		case "LeakyRelu":
			if v < 0 {
				v *= float32(alpha)
			}
		case "Sigmoid":
			v = float32(1 / (1 + math.Exp(-float64(v))))
		case "BiasAdd":
		default:
			r.t.Fatalf("reference: activation %s", op)
		}
		out.Data[i] = v
	}
	return out
}

// nhwc returns x in NHWC order whatever its data_format.
func toNHWC(x Tensor, format string) Tensor {
	if format == "NCHW" {
		return Tensor{Shape: permute(x.Shape, []int{0, 2, 3, 1}), Data: transposeData(x.Data, x.Shape, []int{0, 2, 3, 1})}
	}
	return x
}

func fromNHWC(x Tensor, format string) Tensor {
	if format == "NCHW" {
		return Tensor{Shape: permute(x.Shape, []int{0, 3, 1, 2}), Data: transposeData(x.Data, x.Shape, []int{0, 3, 1, 2})}
	}
	return x
}

// samePad is TensorFlow's SAME padding of one axis: the output side is
// ceil(in/stride) and the odd pixel of padding goes at the end.
func samePad(in, k, s, d int) (before, out int) {
	out = (in + s - 1) / s
	total := max((out-1)*s+(k-1)*d+1-in, 0)
	return total / 2, out
}

func (r *tfRef) conv(n *TFNode, in []Tensor) Tensor {
	format, _ := n.attrString("data_format", "NHWC")
	x := toNHWC(in[0], format)
	w := in[1]
	strides, _ := n.attrInts("strides")
	padding, _ := n.attrString("padding", "")
	sh, sw := strides[1], strides[2]
	if format == "NCHW" {
		sh, sw = strides[2], strides[3]
	}
	H, W, C := x.Shape[1], x.Shape[2], x.Shape[3]
	kh, kw := w.Shape[0], w.Shape[1]
	depthwise := n.Op == "DepthwiseConv2dNative" || n.Op == "FusedDepthwiseConv2dNative"
	outC := w.Shape[3]
	if depthwise {
		outC = C * w.Shape[3]
	}
	var pt, pl, oh, ow int
	if padding == "SAME" {
		pt, oh = samePad(H, kh, sh, 1)
		pl, ow = samePad(W, kw, sw, 1)
	} else {
		oh, ow = (H-kh)/sh+1, (W-kw)/sw+1
	}
	out := Tensor{Shape: []int{1, oh, ow, outC}, Data: make([]float32, oh*ow*outC)}
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			acc := out.Data[(oy*ow+ox)*outC : (oy*ow+ox+1)*outC]
			for ky := 0; ky < kh; ky++ {
				iy := oy*sh + ky - pt
				if iy < 0 || iy >= H {
					continue
				}
				for kx := 0; kx < kw; kx++ {
					ix := ox*sw + kx - pl
					if ix < 0 || ix >= W {
						continue
					}
					px := x.Data[(iy*W+ix)*C : (iy*W+ix+1)*C]
					wk := w.Data[(ky*kw+kx)*C*w.Shape[3]:]
					if depthwise {
						m := w.Shape[3]
						for c := 0; c < C; c++ {
							for j := 0; j < m; j++ {
								acc[c*m+j] += px[c] * wk[c*m+j]
							}
						}
						continue
					}
					for c, v := range px {
						row := wk[c*outC : (c+1)*outC]
						for o := range acc {
							acc[o] += v * row[o]
						}
					}
				}
			}
		}
	}
	fused, _ := n.attrStrings("fused_ops")
	for i, op := range fused {
		if i == 0 {
			bias := in[2].Data
			for p := 0; p < oh*ow; p++ {
				for o := 0; o < outC; o++ {
					out.Data[p*outC+o] += bias[o]
				}
			}
			continue
		}
		out = r.act(op, out, n.attrFloat("leakyrelu_alpha", 0.2))
	}
	return fromNHWC(out, format)
}

func (r *tfRef) concat(parts []Tensor, axis int) Tensor {
	rank := len(parts[0].Shape)
	if axis < 0 {
		axis += rank
	}
	shape := append([]int(nil), parts[0].Shape...)
	shape[axis] = 0
	for _, p := range parts {
		shape[axis] += p.Shape[axis]
	}
	outer := 1
	for _, d := range shape[:axis] {
		outer *= d
	}
	var data []float32
	for o := 0; o < outer; o++ {
		for _, p := range parts {
			inner := len(p.Data) / outer
			data = append(data, p.Data[o*inner:(o+1)*inner]...)
		}
	}
	return Tensor{Shape: shape, Data: data}
}

// pad pads any tensor; paddings holds (before, after) per axis.
func (r *tfRef) pad(x Tensor, p []int, value float32) Tensor {
	rank := len(x.Shape)
	shape := make([]int, rank)
	for a := range shape {
		shape[a] = x.Shape[a] + p[2*a] + p[2*a+1]
	}
	size := 1
	for _, d := range shape {
		size *= d
	}
	out := Tensor{Shape: shape, Data: make([]float32, size)}
	for i := range out.Data {
		out.Data[i] = value
	}
	idx := make([]int, rank)
	for i, v := range x.Data {
		o := 0
		for a := 0; a < rank; a++ {
			o = o*shape[a] + idx[a] + p[2*a]
		}
		out.Data[o] = v
		for a := rank - 1; a >= 0; a-- {
			if idx[a]++; idx[a] < x.Shape[a] {
				break
			}
			idx[a] = 0
		}
		_ = i
	}
	return out
}

func (r *tfRef) maxPool(n *TFNode, x Tensor) Tensor {
	format, _ := n.attrString("data_format", "NHWC")
	x = toNHWC(x, format)
	k, _ := n.attrInts("ksize")
	s, _ := n.attrInts("strides")
	padding, _ := n.attrString("padding", "")
	kh, kw, sh, sw := k[1], k[2], s[1], s[2]
	if format == "NCHW" {
		kh, kw, sh, sw = k[2], k[3], s[2], s[3]
	}
	H, W, C := x.Shape[1], x.Shape[2], x.Shape[3]
	var pt, pl, oh, ow int
	if padding == "SAME" {
		pt, oh = samePad(H, kh, sh, 1)
		pl, ow = samePad(W, kw, sw, 1)
	} else {
		oh, ow = (H-kh)/sh+1, (W-kw)/sw+1
	}
	out := Tensor{Shape: []int{1, oh, ow, C}, Data: make([]float32, oh*ow*C)}
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			for c := 0; c < C; c++ {
				best := float32(math.Inf(-1))
				for ky := 0; ky < kh; ky++ {
					for kx := 0; kx < kw; kx++ {
						iy, ix := oy*sh+ky-pt, ox*sw+kx-pl
						if iy >= 0 && iy < H && ix >= 0 && ix < W {
							best = max(best, x.Data[(iy*W+ix)*C+c])
						}
					}
				}
				out.Data[(oy*ow+ox)*C+c] = best
			}
		}
	}
	return fromNHWC(out, format)
}

// mean averages a 4-D tensor over the given axes, keeping them (keep_dims
// is what the packaged graphs use).
func (r *tfRef) mean(x Tensor, axes []int) Tensor {
	reduced := map[int]bool{}
	for _, a := range axes {
		reduced[(a+4)%4] = true
	}
	shape := append([]int(nil), x.Shape...)
	count := 1
	for a := range shape {
		if reduced[a] {
			count *= shape[a]
			shape[a] = 1
		}
	}
	size := len(x.Data) / count
	out := Tensor{Shape: shape, Data: make([]float32, size)}
	idx := make([]int, 4)
	for _, v := range x.Data {
		o := 0
		for a := 0; a < 4; a++ {
			i := idx[a]
			if reduced[a] {
				i = 0
			}
			o = o*shape[a] + i
		}
		out.Data[o] += v / float32(count)
		for a := 3; a >= 0; a-- {
			if idx[a]++; idx[a] < x.Shape[a] {
				break
			}
			idx[a] = 0
		}
	}
	return out
}

// resize is TensorFlow's ResizeBilinear (NHWC, align_corners false): source
// coordinate (dst+0.5)·scale-0.5 with half_pixel_centers, dst·scale
// without; scale = in/out; neighbours clamped at the border.
func (r *tfRef) resize(x Tensor, size []int, halfPixel bool) Tensor {
	H, W, C := x.Shape[1], x.Shape[2], x.Shape[3]
	oh, ow := size[0], size[1]
	out := Tensor{Shape: []int{1, oh, ow, C}, Data: make([]float32, oh*ow*C)}
	src := func(d, in, outSide int) (int, int, float32) {
		scale := float64(in) / float64(outSide)
		f := float64(d) * scale
		if halfPixel {
			f = (float64(d)+0.5)*scale - 0.5
		}
		lo := int(math.Floor(f))
		frac := float32(f - math.Floor(f))
		hi := lo + 1
		clamp := func(i int) int { return min(max(i, 0), in-1) }
		return clamp(lo), clamp(hi), frac
	}
	for y := 0; y < oh; y++ {
		y0, y1, fy := src(y, H, oh)
		for xx := 0; xx < ow; xx++ {
			x0, x1, fx := src(xx, W, ow)
			for c := 0; c < C; c++ {
				a := x.Data[(y0*W+x0)*C+c]
				b := x.Data[(y0*W+x1)*C+c]
				cc := x.Data[(y1*W+x0)*C+c]
				d := x.Data[(y1*W+x1)*C+c]
				top := a + (b-a)*fx
				bot := cc + (d-cc)*fx
				out.Data[(y*ow+xx)*C+c] = top + (bot-top)*fy
			}
		}
	}
	return out
}

func (r *tfRef) split(x Tensor, sizes []int, axis int) []Tensor {
	rank := len(x.Shape)
	if axis < 0 {
		axis += rank
	}
	sizes, err := resolveSplit(sizes, x.Shape[axis])
	if err != nil {
		r.t.Fatal(err)
	}
	outer := 1
	for _, d := range x.Shape[:axis] {
		outer *= d
	}
	inner := len(x.Data) / outer / x.Shape[axis]
	var outs []Tensor
	start := 0
	for _, s := range sizes {
		shape := append([]int(nil), x.Shape...)
		shape[axis] = s
		var data []float32
		for o := 0; o < outer; o++ {
			base := (o*x.Shape[axis] + start) * inner
			data = append(data, x.Data[base:base+s*inner]...)
		}
		outs = append(outs, Tensor{Shape: shape, Data: data})
		start += s
	}
	return outs
}
