package convert

import (
	"errors"
	"fmt"
	"math"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// The SSD MobileNet v1 face detector as SSDMobileNetV1 writes it: one input,
// two outputs. Score thresholding and non-maximum suppression are left to
// the caller.
const (
	// SSDInputSize is the side of the square input picture. Callers pad the
	// picture bottom/right to a square before resizing it to 512, as
	// face-api does (SsdMobilenetv1.ts, padToSquare).
	SSDInputSize = 512
	// SSDAnchorCount is the number of anchor boxes, one prediction each.
	SSDAnchorCount = 5118
	// SSDInputName is the input, NCHW [1, 3, 512, 512], RGB normalised to
	// x/127.5 - 1.
	SSDInputName = "image"
	// SSDBoxesName is the output [1, SSDAnchorCount, 4]: every anchor's
	// decoded box as (x0, y0, x1, y1) in units of the input side (0..1, may
	// overshoot).
	SSDBoxesName = "boxes"
	// SSDScoresName is the output [1, SSDAnchorCount]: every anchor's face
	// score, the sigmoid of class 1.
	SSDScoresName = "scores"
)

// ssdOpset is the ONNX opset the model declares: 10, the last whose Clip
// OpenCV 4.6 imports (see clip6). Every other operator used is the same in 11.
const ssdOpset = 10

// ssdNegativeZero is -0.0, the ReLU6 lower bound as encoded (see clip6).
var ssdNegativeZero = float32(math.Copysign(0, -1))

// ssdBatchNormEpsilon is the epsilon of the depthwise layers' batch norm
// (face-api src/ssdMobilenetv1/mobileNetV1.ts).
const ssdBatchNormEpsilon = 0.0010000000474974513

// ssdBackboneStrides are the strides of MobileNet's depthwise layers 1..13;
// layers 2, 4, 6 and 12 halve the grid (mobileNetV1.ts).
var ssdBackboneStrides = [14]int{1: 1, 2: 2, 3: 1, 4: 2, 5: 1, 6: 2, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 12: 2, 13: 1}

// ssdBoxVariances divide the box encodings (ty, tx, th, tw) before decoding:
// centre offsets by 10, log sizes by 5 (face-api outputLayer.ts).
var ssdBoxVariances = [4]float32{10, 10, 5, 5}

// SSDMobileNetV1 builds the ONNX model (opset 10, see ssdOpset) of
// face-api's SSD MobileNet v1 face detector from its decoded tfjs weights
// (see ReadWeights). The anchor boxes stored in the weights
// (Output/extra_dim) and the box decoding are part of the graph, so the
// model file is all a caller needs; SSDBoxesName and SSDScoresName say what
// it returns. The same weights always give the same bytes. A missing or
// misshapen tensor, or one holding NaN or infinity, gives an error matching
// ErrBadWeights.
func SSDMobileNetV1(w map[string]Tensor) ([]byte, error) {
	return ssdMobileNetV1(w, SSDInputSize, SSDAnchorCount)
}

// ssdMobileNetV1 builds the model for a side x side input, which has
// anchorCount anchors: at SSDInputSize the stored ones, at other sides
// those ssdDerivedAnchors derives from them.
func ssdMobileNetV1(w map[string]Tensor, side, anchorCount int) ([]byte, error) {
	b := &ssdBuilder{w: w, g: NewGraph("ssd_mobilenet_v1"), side: side, anchorCount: anchorCount}
	b.build()
	if b.err != nil {
		return nil, fmt.Errorf("ssd mobilenet v1 at %d: %w", side, b.err)
	}
	return b.g.Marshal(ssdOpset, "facecase")
}

// ssdValue is a graph value with its NCHW channel count and square grid side.
type ssdValue struct {
	name string
	ch   int
	side int
}

// ssdBuilder writes the graph; the first problem with the weights is kept
// in err and later steps become no-ops on zero values.
type ssdBuilder struct {
	w   map[string]Tensor
	g   *Graph
	err error
	// side is the input's side, anchorCount the anchors the heads predict
	// at that side.
	side, anchorCount int
	// heads are the predictor heads' grids, finest first.
	heads []ssdHeadGrid
}

func (b *ssdBuilder) build() {
	x := ssdValue{name: b.g.Input(SSDInputName, 1, 3, int64(b.side), int64(b.side)), ch: 3, side: b.side}

	// MobileNet v1 backbone. Layer 0 is a full 3x3 stride-2 convolution
	// whose batch norm is already folded into an offset.
	x = b.pointwise(x, "MobilenetV1/Conv2d_0_pointwise", 2)
	var conv11 ssdValue
	for i := 1; i <= 13; i++ {
		x = b.depthwise(x, fmt.Sprintf("MobilenetV1/Conv2d_%d_depthwise", i), ssdBackboneStrides[i])
		x = b.pointwise(x, fmt.Sprintf("MobilenetV1/Conv2d_%d_pointwise", i), 1)
		if i == 11 {
			conv11 = x
		}
	}

	// Extra feature layers (predictionLayer.ts): odd ones are 3x3 stride 2.
	var extra [8]ssdValue
	prev := x
	for i := range extra {
		extra[i] = b.pointwise(prev, fmt.Sprintf("Prediction/Conv2d_%d_pointwise", i), 1+i%2)
		prev = extra[i]
	}

	// Six heads, from the finest grid to the coarsest.
	sources := []ssdValue{conv11, x, extra[1], extra[3], extra[5], extra[7]}
	var encodings, logits []string
	anchors := 0
	for i, src := range sources {
		enc, logit, n := b.head(src, i)
		encodings = append(encodings, enc)
		logits = append(logits, logit)
		anchors += n
		if src.side > 0 {
			b.heads = append(b.heads, ssdHeadGrid{side: src.side, perCell: n / (src.side * src.side)})
		}
	}
	if b.err == nil && anchors != b.anchorCount {
		b.fail("the heads predict %d anchors, want %d", anchors, b.anchorCount)
	}
	b.decode(encodings, logits)
}

func (b *ssdBuilder) fail(format string, a ...any) {
	if b.err == nil {
		b.err = fmt.Errorf("%w: "+format, append([]any{ErrBadWeights}, a...)...)
	}
}

// tensor returns the named weight if it has the given shape (-1 matches any
// extent); otherwise it records the problem and returns ok=false.
func (b *ssdBuilder) tensor(name string, shape ...int) (Tensor, bool) {
	if b.err != nil {
		return Tensor{}, false
	}
	t, found := b.w[name]
	if !found {
		b.fail("missing tensor %q", name)
		return Tensor{}, false
	}
	good := len(t.Shape) == len(shape) && len(t.Data) == t.Len()
	for i := 0; good && i < len(shape); i++ {
		good = shape[i] < 0 || shape[i] == t.Shape[i]
	}
	if !good {
		b.fail("tensor %q has shape %v (%d values), want %v", name, t.Shape, len(t.Data), shape)
		return Tensor{}, false
	}
	for i, v := range t.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			b.fail("tensor %q value %d is %v", name, i, v)
			return Tensor{}, false
		}
	}
	return t, true
}

// pointwise is a convolution (1x1, or 3x3 for the stride-2 layers) with
// bias "convolution_bn_offset" and ReLU6.
func (b *ssdBuilder) pointwise(x ssdValue, prefix string, stride int) ssdValue {
	f, ok := b.tensor(prefix+"/weights", -1, -1, x.ch, -1)
	if !ok {
		return ssdValue{}
	}
	if f.Shape[0] != f.Shape[1] {
		b.fail("tensor %q has a %dx%d kernel, want a square one", f.Name, f.Shape[0], f.Shape[1])
		return ssdValue{}
	}
	out := f.Shape[3]
	bias, ok := b.tensor(prefix+"/convolution_bn_offset", out)
	if !ok {
		return ssdValue{}
	}
	y := b.conv(x, ssdOIHW(f, nil), f.Shape[0], bias.Data, stride, 1)
	return b.clip6(y)
}

// depthwise is a 3x3 depthwise convolution with its batch norm folded into
// the filters and a bias, then ReLU6.
func (b *ssdBuilder) depthwise(x ssdValue, prefix string, stride int) ssdValue {
	f, ok := b.tensor(prefix+"/depthwise_weights", 3, 3, x.ch, 1)
	if !ok {
		return ssdValue{}
	}
	var bn [4]Tensor
	for i, n := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
		if bn[i], ok = b.tensor(prefix+"/BatchNorm/"+n, x.ch); !ok {
			return ssdValue{}
		}
	}
	gamma, beta, mean, variance := bn[0].Data, bn[1].Data, bn[2].Data, bn[3].Data
	scale := make([]float32, x.ch)
	bias := make([]float32, x.ch)
	for c := range scale {
		scale[c] = float32(float64(gamma[c]) / math.Sqrt(float64(variance[c])+ssdBatchNormEpsilon))
		bias[c] = beta[c] - mean[c]*scale[c]
	}
	// HWC1 -> C1HW, scaled per channel.
	wt := make([]float32, 9*x.ch)
	for c := 0; c < x.ch; c++ {
		for k := 0; k < 9; k++ {
			wt[c*9+k] = f.Data[k*x.ch+c] * scale[c]
		}
	}
	y := b.conv(x, ssdFilters{data: wt, out: x.ch, in: 1}, 3, bias, stride, x.ch)
	return b.clip6(y)
}

// ssdFilters are convolution weights in ONNX OIHW order.
type ssdFilters struct {
	data    []float32
	out, in int
}

// ssdOIHW reorders TF HWIO filters to OIHW. keep, when not nil, lists the
// output channels to take, in order, each with its scale factor.
func ssdOIHW(f Tensor, keep []ssdChannel) ssdFilters {
	kh, kw, in, out := f.Shape[0], f.Shape[1], f.Shape[2], f.Shape[3]
	if keep == nil {
		keep = make([]ssdChannel, out)
		for o := range keep {
			keep[o] = ssdChannel{from: o, scale: 1}
		}
	}
	data := make([]float32, 0, len(keep)*in*kh*kw)
	for _, k := range keep {
		for i := 0; i < in; i++ {
			for y := 0; y < kh; y++ {
				for x := 0; x < kw; x++ {
					data = append(data, f.Data[((y*kw+x)*in+i)*out+k.from]*k.scale)
				}
			}
		}
	}
	return ssdFilters{data: data, out: len(keep), in: in}
}

// ssdChannel picks one output channel of a convolution and scales it.
type ssdChannel struct {
	from  int
	scale float32
}

// conv adds an ONNX Conv with TF "SAME" padding: for stride 2 the extra
// row and column go at the bottom and right.
func (b *ssdBuilder) conv(x ssdValue, f ssdFilters, k int, bias []float32, stride, group int) ssdValue {
	if b.err != nil {
		return ssdValue{}
	}
	outSide := (x.side + stride - 1) / stride
	padTotal := max((outSide-1)*stride+k-x.side, 0)
	before, after := int64(padTotal/2), int64(padTotal-padTotal/2)
	id := len(b.g.g.Node)
	wName := b.g.Const(fmt.Sprintf("conv%d_w", id), []int64{int64(f.out), int64(f.in), int64(k), int64(k)}, f.data)
	bName := b.g.Const(fmt.Sprintf("conv%d_b", id), []int64{int64(f.out)}, bias)
	y := b.g.Node("Conv", []string{x.name, wName, bName},
		Ints("kernel_shape", int64(k), int64(k)),
		Ints("strides", int64(stride), int64(stride)),
		Ints("pads", before, before, after, after),
		Int("group", int64(group)))
	return ssdValue{name: y, ch: f.out, side: outSide}
}

// clip6 is ReLU6: Clip with min and max as attributes. That is opset 10's
// form; OpenCV 4.6 rejects opset 11's Clip, whose bounds are inputs
// (onnx_importer.cpp parseClip asserts a single input), so the model
// declares opset 10 (ssdOpset).
//
// The lower bound is written as -0: gonnx's ONNX types are proto3, which
// leaves a float field equal to +0 out of the encoding, and OpenCV then
// rejects the attribute as having no value. Clipping at -0 is clipping at 0.
func (b *ssdBuilder) clip6(x ssdValue) ssdValue {
	if b.err != nil {
		return ssdValue{}
	}
	x.name = b.g.Node("Clip", []string{x.name}, Float("min", ssdNegativeZero), Float("max", 6))
	return x
}

// head adds box predictor i on src. It returns the box encodings as
// [1, anchors, 4] in the order (tx/10, ty/10, tw/5, th/5) — the channels
// are reordered and the variances folded into the 1x1 convolution — and
// the class-1 logits as [1, anchors, 1], plus the number of anchors.
func (b *ssdBuilder) head(src ssdValue, i int) (string, string, int) {
	prefix := fmt.Sprintf("Prediction/BoxPredictor_%d/", i)
	bw, ok := b.tensor(prefix+"BoxEncodingPredictor/weights", 1, 1, src.ch, -1)
	if !ok {
		return "", "", 0
	}
	perCell := bw.Shape[3] / 4
	if perCell == 0 || bw.Shape[3] != 4*perCell {
		b.fail("tensor %q has %d outputs, not 4 per anchor", bw.Name, bw.Shape[3])
		return "", "", 0
	}
	bb, _ := b.tensor(prefix+"BoxEncodingPredictor/biases", 4*perCell)
	cw, _ := b.tensor(prefix+"ClassPredictor/weights", 1, 1, src.ch, 3*perCell)
	cb, _ := b.tensor(prefix+"ClassPredictor/biases", 3*perCell)
	if b.err != nil {
		return "", "", 0
	}

	// Per anchor: TF order (ty, tx, th, tw) becomes (tx, ty, tw, th) / variances.
	fromTF := [4]int{1, 0, 3, 2}
	var boxCh []ssdChannel
	for a := 0; a < perCell; a++ {
		for _, from := range fromTF {
			boxCh = append(boxCh, ssdChannel{from: 4*a + from, scale: 1 / ssdBoxVariances[from]})
		}
	}
	// Only class 1 (face) is used: score = sigmoid(logit 1).
	var classCh []ssdChannel
	for a := 0; a < perCell; a++ {
		classCh = append(classCh, ssdChannel{from: 3*a + 1, scale: 1})
	}

	enc := b.conv(src, ssdOIHW(bw, boxCh), 1, ssdPick(bb.Data, boxCh), 1, 1)
	logit := b.conv(src, ssdOIHW(cw, classCh), 1, ssdPick(cb.Data, classCh), 1, 1)
	return b.anchorMajor(enc, 4), b.anchorMajor(logit, 1), src.side * src.side * perCell
}

// ssdPick takes and scales the chosen entries of a bias vector.
func ssdPick(v []float32, chans []ssdChannel) []float32 {
	out := make([]float32, len(chans))
	for i, c := range chans {
		out[i] = v[c.from] * c.scale
	}
	return out
}

// anchorMajor turns a head's NCHW output [1, A*n, H, W] into [1, H*W*A, n],
// the anchor order of the stored anchor boxes (row, column, anchor).
func (b *ssdBuilder) anchorMajor(x ssdValue, n int64) string {
	if b.err != nil {
		return ""
	}
	t := b.g.Node("Transpose", []string{x.name}, Ints("perm", 0, 2, 3, 1))
	shape := b.g.ConstInt64(fmt.Sprintf("shape_%d", len(b.g.g.Node)), 1, -1, n)
	return b.g.Node("Reshape", []string{t, shape})
}

// decode concatenates the heads and turns encodings into boxes relative to
// the stored anchors (outputLayer.ts), and logits into scores.
func (b *ssdBuilder) decode(encodings, logits []string) {
	stored, ok := b.tensor("Output/extra_dim", 1, SSDAnchorCount, 4)
	if !ok {
		return
	}
	anchors := stored.Data
	if b.side != SSDInputSize {
		var err error
		if anchors, err = ssdDerivedAnchors(stored.Data, b.heads, b.side); err != nil {
			b.fail("%v", err)
			return
		}
	}
	n := b.anchorCount
	// Stored anchors are (ymin, xmin, ymax, xmax); the graph works in (x, y).
	size := make([]float32, 2*n)
	centre := make([]float32, 2*n)
	half := make([]float32, 2*n)
	for i := 0; i < n; i++ {
		a := anchors[4*i : 4*i+4]
		w, h := a[3]-a[1], a[2]-a[0]
		size[2*i], size[2*i+1] = w, h
		centre[2*i], centre[2*i+1] = a[1]+w/2, a[0]+h/2
		half[2*i], half[2*i+1] = w/2, h/2
	}
	dims := []int64{1, int64(n), 2}
	g := b.g
	enc := g.Node("Concat", encodings, Int("axis", 1))
	axes := g.ConstInt64("slice_axes", 2)
	two := g.ConstInt64("slice_2", 2)
	offsets := g.Node("Slice", []string{enc, g.ConstInt64("slice_0", 0), two, axes})
	logSizes := g.Node("Slice", []string{enc, two, g.ConstInt64("slice_4", 4), axes})
	// centre = offset * anchor size + anchor centre; half = exp(log size) * anchor half size.
	c := g.Node("Add", []string{g.Node("Mul", []string{offsets, g.Const("anchor_size", dims, size)}), g.Const("anchor_centre", dims, centre)})
	h := g.Node("Mul", []string{g.Node("Exp", []string{logSizes}), g.Const("anchor_half", dims, half)})
	g.NamedNode(SSDBoxesName, "Concat", []string{g.Node("Sub", []string{c, h}), g.Node("Add", []string{c, h})}, Int("axis", 2))
	g.Output(SSDBoxesName, 1, int64(n), 4)

	logit := g.Node("Concat", logits, Int("axis", 1))
	g.NamedNode(SSDScoresName, "Reshape", []string{g.Node("Sigmoid", []string{logit}), g.ConstInt64("scores_shape", 1, int64(n))})
	g.Output(SSDScoresName, 1, int64(n))
}

// ErrBadSSDModel is returned when a file is not an SSD model as
// SSDMobileNetV1 writes it.
var ErrBadSSDModel = errors.New("not a valid SSD MobileNet v1 ONNX model")

// ssdOps are the operators SSDMobileNetV1 writes; OpenCV 4.6 DNN imports
// each of them.
var ssdOps = map[string]bool{
	"Conv": true, "Clip": true, "Transpose": true, "Reshape": true, "Concat": true,
	"Slice": true, "Mul": true, "Add": true, "Sub": true, "Exp": true, "Sigmoid": true,
}

// CheckSSDMobileNetV1 parses an ONNX file and checks that it is shaped like
// the model SSDMobileNetV1 writes: input SSDInputName [1,3,512,512], outputs
// SSDBoxesName and SSDScoresName, only the operators the converter uses,
// every node input defined before use and every initializer holding as many
// values as its dims say. OpenCV aborts the process on a malformed model
// instead of returning an error, so callers check a file with this before
// loading it. Errors wrap ErrBadSSDModel.
func CheckSSDMobileNetV1(model []byte) error {
	return checkSSD(model, SSDInputSize, SSDAnchorCount)
}

// checkSSD is CheckSSDMobileNetV1 for a model of a side x side input with
// anchorCount anchors.
func checkSSD(model []byte, side, anchorCount int64) error {
	var m onnx.ModelProto
	if err := proto.Unmarshal(model, &m); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSSDModel, err)
	}
	g := m.GetGraph()
	if g == nil {
		return fmt.Errorf("%w: no graph", ErrBadSSDModel)
	}
	for _, v := range []struct {
		values []*onnx.ValueInfoProto
		name   string
		dims   []int64
	}{
		{g.GetInput(), SSDInputName, []int64{1, 3, side, side}},
		{g.GetOutput(), SSDBoxesName, []int64{1, anchorCount, 4}},
		{g.GetOutput(), SSDScoresName, []int64{1, anchorCount}},
	} {
		if err := ssdCheckValue(v.values, v.name, v.dims); err != nil {
			return err
		}
	}
	defined := map[string]bool{SSDInputName: true}
	for _, t := range g.GetInitializer() {
		if err := ssdCheckInitializer(t); err != nil {
			return err
		}
		defined[t.GetName()] = true
	}
	for i, n := range g.GetNode() {
		if !ssdOps[n.GetOpType()] {
			return fmt.Errorf("%w: node %d (%s) has operator %q", ErrBadSSDModel, i, n.GetName(), n.GetOpType())
		}
		for _, in := range n.GetInput() {
			if !defined[in] {
				return fmt.Errorf("%w: node %d (%s) reads %q before it is defined", ErrBadSSDModel, i, n.GetName(), in)
			}
		}
		for _, out := range n.GetOutput() {
			defined[out] = true
		}
	}
	for _, out := range []string{SSDBoxesName, SSDScoresName} {
		if !defined[out] {
			return fmt.Errorf("%w: no node produces %q", ErrBadSSDModel, out)
		}
	}
	return nil
}

// ssdCheckValue finds the named graph value and compares its type and dims.
func ssdCheckValue(values []*onnx.ValueInfoProto, name string, want []int64) error {
	for _, v := range values {
		if v.GetName() != name {
			continue
		}
		tt := v.GetType().GetTensorType()
		if tt == nil || tt.GetElemType() != int32(onnx.TensorProto_FLOAT) {
			return fmt.Errorf("%w: %q is not a float tensor", ErrBadSSDModel, name)
		}
		var dims []int64
		for _, d := range tt.GetShape().GetDim() {
			dims = append(dims, d.GetDimValue())
		}
		if fmt.Sprint(dims) != fmt.Sprint(want) {
			return fmt.Errorf("%w: %q has dims %v, want %v", ErrBadSSDModel, name, dims, want)
		}
		return nil
	}
	return fmt.Errorf("%w: no graph value named %q", ErrBadSSDModel, name)
}

// ssdCheckInitializer checks that a float or int64 initializer holds as many
// values as its dims say.
func ssdCheckInitializer(t *onnx.TensorProto) error {
	n := int64(1)
	for _, d := range t.GetDims() {
		if d < 0 {
			return fmt.Errorf("%w: initializer %q has dims %v", ErrBadSSDModel, t.GetName(), t.GetDims())
		}
		n *= d
	}
	var got int64
	switch onnx.TensorProto_DataType(t.GetDataType()) {
	case onnx.TensorProto_FLOAT:
		got = int64(len(t.GetFloatData()) + len(t.GetRawData())/4)
	case onnx.TensorProto_INT64:
		got = int64(len(t.GetInt64Data()) + len(t.GetRawData())/8)
	default:
		return fmt.Errorf("%w: initializer %q has data type %d", ErrBadSSDModel, t.GetName(), t.GetDataType())
	}
	if got != n {
		return fmt.Errorf("%w: initializer %q holds %d values for dims %v", ErrBadSSDModel, t.GetName(), got, t.GetDims())
	}
	return nil
}
