package convert

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"gocv.io/x/gocv"
	"google.golang.org/protobuf/proto"
)

// Files of the @vladmandic/face-api 1.7.15 npm package the SSD tests read.
const (
	ssdTestManifest = "model/ssd_mobilenetv1_model-weights_manifest.json"
	ssdTestBin      = "model/ssd_mobilenetv1_model.bin"
	ssdTestPhoto    = "demo/sample1.jpg" // 1920x1280, three faces
)

// ssdRealWeights decodes the package's SSD weights.
func ssdRealWeights(t *testing.T) map[string]Tensor {
	t.Helper()
	return faceAPIWeights(t, "ssd_mobilenetv1_model")
}

// ssdFakeWeights is a complete SSD weights map with random values, shaped as
// in face-api's ssd_mobilenetv1_model-weights_manifest.json.
func ssdFakeWeights(seed int64) map[string]Tensor {
	rng := rand.New(rand.NewSource(seed))
	w := map[string]Tensor{}
	add := func(name string, shape ...int) {
		t := Tensor{Name: name, Shape: shape}
		t.Data = make([]float32, t.Len())
		for i := range t.Data {
			t.Data[i] = float32(rng.NormFloat64() * 0.05)
		}
		w[name] = t
	}
	add("MobilenetV1/Conv2d_0_pointwise/weights", 3, 3, 3, 32)
	add("MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset", 32)
	in := 32
	for i, out := range []int{64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024} {
		p := fmt.Sprintf("MobilenetV1/Conv2d_%d_", i+1)
		add(p+"depthwise/depthwise_weights", 3, 3, in, 1)
		for _, n := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
			add(p+"depthwise/BatchNorm/"+n, in)
		}
		v := w[p+"depthwise/BatchNorm/moving_variance"]
		for j := range v.Data {
			v.Data[j] = 1 + float32(math.Abs(float64(v.Data[j])))
		}
		add(p+"pointwise/weights", 1, 1, in, out)
		add(p+"pointwise/convolution_bn_offset", out)
		in = out
	}
	for i, out := range []int{256, 512, 128, 256, 128, 256, 64, 128} {
		k := 1 + 2*(i%2)
		add(fmt.Sprintf("Prediction/Conv2d_%d_pointwise/weights", i), k, k, in, out)
		add(fmt.Sprintf("Prediction/Conv2d_%d_pointwise/convolution_bn_offset", i), out)
		in = out
	}
	for i, in := range []int{512, 1024, 512, 256, 256, 128} {
		a := 6
		if i == 0 {
			a = 3
		}
		p := fmt.Sprintf("Prediction/BoxPredictor_%d/", i)
		add(p+"BoxEncodingPredictor/weights", 1, 1, in, 4*a)
		add(p+"BoxEncodingPredictor/biases", 4*a)
		add(p+"ClassPredictor/weights", 1, 1, in, 3*a)
		add(p+"ClassPredictor/biases", 3*a)
	}
	add("Output/extra_dim", 1, SSDAnchorCount, 4)
	return w
}

func ssdParse(t *testing.T, b []byte) *onnx.ModelProto {
	t.Helper()
	var m onnx.ModelProto
	if err := proto.Unmarshal(b, &m); err != nil {
		t.Fatalf("unmarshal converted model: %v", err)
	}
	return &m
}

// ssdConvertTwice converts w twice with build and returns the model,
// failing the test unless both conversions give the same bytes and check
// accepts them.
func ssdConvertTwice(t *testing.T, build func(map[string]Tensor) ([]byte, error), check func([]byte) error, w map[string]Tensor) []byte {
	t.Helper()
	a, err := build(w)
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	b, err := build(w)
	if err != nil {
		t.Fatalf("convert again: %v", err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("two conversions of the same weights differ (%d vs %d bytes)", len(a), len(b))
	}
	if err := check(a); err != nil {
		t.Fatalf("converted model fails its own check: %v", err)
	}
	return a
}

func TestSSDMobileNetV1Deterministic(t *testing.T) {
	a := ssdConvertTwice(t, SSDMobileNetV1, CheckSSDMobileNetV1, ssdFakeWeights(1))
	m := ssdParse(t, a)
	if got := m.GetOpsetImport()[0].GetVersion(); got != ssdOpset {
		t.Errorf("opset %d, want %d", got, ssdOpset)
	}
	ops := map[string]int{}
	for _, n := range m.GetGraph().GetNode() {
		ops[n.GetOpType()]++
	}
	// Backbone 1 + 13*2 convs, 8 extra layers, 6 heads x 2 convs; every
	// backbone and extra conv has ReLU6.
	want := map[string]int{"Conv": 27 + 8 + 12, "Clip": 27 + 8, "Transpose": 12, "Reshape": 13,
		"Concat": 3, "Slice": 2, "Mul": 2, "Add": 2, "Sub": 1, "Exp": 1, "Sigmoid": 1}
	for op, n := range want {
		if ops[op] != n {
			t.Errorf("%d %s nodes, want %d (all: %v)", ops[op], op, n, ops)
		}
	}
	if len(ops) != len(want) {
		t.Errorf("operators %v, want only %v", ops, want)
	}
}

func TestSSDMobileNetV1RejectsBadWeights(t *testing.T) {
	cases := []struct {
		name    string
		spoil   func(map[string]Tensor)
		mention string
	}{
		{"missing first layer", func(w map[string]Tensor) { delete(w, "MobilenetV1/Conv2d_0_pointwise/weights") },
			`missing tensor "MobilenetV1/Conv2d_0_pointwise/weights"`},
		{"missing batch norm", func(w map[string]Tensor) { delete(w, "MobilenetV1/Conv2d_7_depthwise/BatchNorm/moving_variance") },
			`missing tensor "MobilenetV1/Conv2d_7_depthwise/BatchNorm/moving_variance"`},
		{"missing head", func(w map[string]Tensor) { delete(w, "Prediction/BoxPredictor_5/ClassPredictor/biases") },
			`missing tensor "Prediction/BoxPredictor_5/ClassPredictor/biases"`},
		{"missing anchors", func(w map[string]Tensor) { delete(w, "Output/extra_dim") },
			`missing tensor "Output/extra_dim"`},
		{"wrong channels", func(w map[string]Tensor) {
			x := w["MobilenetV1/Conv2d_3_pointwise/weights"]
			x.Shape = []int{1, 1, 64, 256}
			w[x.Name] = x
		}, `"MobilenetV1/Conv2d_3_pointwise/weights" has shape [1 1 64 256]`},
		{"short data", func(w map[string]Tensor) {
			x := w["Prediction/Conv2d_4_pointwise/convolution_bn_offset"]
			x.Data = x.Data[:7]
			w[x.Name] = x
		}, `"Prediction/Conv2d_4_pointwise/convolution_bn_offset" has shape [128] (7 values)`},
		{"fewer anchors", func(w map[string]Tensor) {
			x := w["Output/extra_dim"]
			x.Shape = []int{1, 5000, 4}
			x.Data = x.Data[:5000*4]
			w[x.Name] = x
		}, `"Output/extra_dim" has shape [1 5000 4]`},
		{"NaN", func(w map[string]Tensor) {
			w["MobilenetV1/Conv2d_12_depthwise/BatchNorm/gamma"].Data[3] = float32(math.NaN())
		},
			`"MobilenetV1/Conv2d_12_depthwise/BatchNorm/gamma" value 3 is NaN`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := ssdFakeWeights(2)
			c.spoil(w)
			b, err := SSDMobileNetV1(w)
			if err == nil {
				t.Fatalf("converted spoiled weights into %d bytes, want an error", len(b))
			}
			if !errors.Is(err, ErrBadWeights) {
				t.Errorf("error %v does not wrap ErrBadWeights", err)
			}
			if !strings.Contains(err.Error(), c.mention) {
				t.Errorf("error %q does not say %q", err, c.mention)
			}
		})
	}
}

func TestCheckSSDMobileNetV1RejectsOtherFiles(t *testing.T) {
	good, err := SSDMobileNetV1(ssdFakeWeights(3))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckSSDMobileNetV1(good); err != nil {
		t.Fatalf("good model rejected: %v", err)
	}
	graph := func(side int64, op string) []byte {
		g := NewGraph("other")
		x := g.Input(SSDInputName, 1, 3, side, side)
		g.NamedNode(SSDBoxesName, op, []string{x})
		g.Output(SSDBoxesName, 1, SSDAnchorCount, 4)
		g.NamedNode(SSDScoresName, op, []string{x})
		g.Output(SSDScoresName, 1, SSDAnchorCount)
		b, err := g.Marshal(ssdOpset, "test")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	g := NewGraph("undefined-input")
	g.Input(SSDInputName, 1, 3, SSDInputSize, SSDInputSize)
	g.NamedNode(SSDBoxesName, "Relu", []string{"nowhere"})
	g.Output(SSDBoxesName, 1, SSDAnchorCount, 4)
	g.NamedNode(SSDScoresName, "Relu", []string{SSDInputName})
	g.Output(SSDScoresName, 1, SSDAnchorCount)
	undefined, err := g.Marshal(ssdOpset, "test")
	if err != nil {
		t.Fatal(err)
	}
	g = NewGraph("descriptor-like")
	x := g.Input("input", -1, 3, 150, 150)
	g.NamedNode(SSDBoxesName, "Relu", []string{x})
	g.Output(SSDBoxesName, 1, SSDAnchorCount, 4)
	g.NamedNode(SSDScoresName, "Relu", []string{x})
	g.Output(SSDScoresName, 1, SSDAnchorCount)
	otherInput, err := g.Marshal(ssdOpset, "test")
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"empty":             nil,
		"text":              []byte("this is not an onnx file\n"),
		"truncated":         good[:len(good)/2],
		"300 px input":      graph(300, "Relu"),
		"unknown op":        graph(SSDInputSize, "Softmax"),
		"undefined input":   undefined,
		"other input":       otherInput,
		"png signature":     []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"repeated garbage":  bytes.Repeat([]byte{0xff, 0x13, 0x07}, 999),
		"good but one byte": good[:len(good)-1],
	} {
		if err := CheckSSDMobileNetV1(b); !errors.Is(err, ErrBadSSDModel) {
			t.Errorf("%s: CheckSSDMobileNetV1 = %v, want ErrBadSSDModel", name, err)
		}
	}
}

// TestSSDMobileNetV1MatchesReference runs the converted model in OpenCV 4.6
// DNN on a demo photo and compares every anchor's score and box with a
// plain Go forward pass written from face-api's TensorFlow.js wiring (NHWC,
// TF filters as stored, SAME padding, unfolded batch norm, TF box order and
// decoding). It takes a few seconds of CPU.
func TestSSDMobileNetV1MatchesReference(t *testing.T) {
	files := npmPackageFiles(t, faceAPITarball, ssdTestManifest, ssdTestBin, ssdTestPhoto)
	w, err := ReadWeights(files[ssdTestManifest], map[string][]byte{filepath.Base(ssdTestBin): files[ssdTestBin]})
	if err != nil {
		t.Fatalf("read SSD weights: %v", err)
	}
	model, err := SSDMobileNetV1(w)
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	if err := CheckSSDMobileNetV1(model); err != nil {
		t.Fatalf("check: %v", err)
	}
	photo, err := jpeg.Decode(bytes.NewReader(files[ssdTestPhoto]))
	if err != nil {
		t.Fatalf("decode %s: %v", ssdTestPhoto, err)
	}
	input := ssdRefInput(photo)

	out := ssdRunOpenCV(t, model, SSDInputSize, SSDAnchorCount, input.at)
	boxes, scores := out.boxes, out.scores

	refBoxes, refScores := ssdReference(w, input)
	var faces int
	var maxScoreDiff, maxBoxDiff float64
	for i, s := range refScores {
		if s > 0.5 {
			faces++
		}
		maxScoreDiff = math.Max(maxScoreDiff, math.Abs(float64(scores[i]-s)))
		if s < 0.01 {
			continue // boxes of anchors with no face in them are not looked at
		}
		for j := 0; j < 4; j++ {
			maxBoxDiff = math.Max(maxBoxDiff, math.Abs(float64(boxes[i][j]-refBoxes[i][j])))
		}
	}
	t.Logf("%d reference anchors above 0.5; largest difference: score %.2g, box %.2g (of the 512 side)", faces, maxScoreDiff, maxBoxDiff)
	if faces < 3 {
		t.Errorf("the reference pass scores %d anchors above 0.5 on %s (three faces), want at least 3", faces, ssdTestPhoto)
	}
	if maxScoreDiff > 1e-4 {
		t.Errorf("scores differ from the reference by up to %g, want <= 1e-4", maxScoreDiff)
	}
	if maxBoxDiff > 1e-4 {
		t.Errorf("boxes differ from the reference by up to %g of the input side, want <= 1e-4", maxBoxDiff)
	}
}

// ssdRef is an NHWC feature map with batch 1 and a square grid.
type ssdRef struct {
	side, ch int
	d        []float32
}

func (x ssdRef) at(y, xx, c int) float32 { return x.d[(y*x.side+xx)*x.ch+c] }

// ssdRefInput pads img bottom/right to a square with black, resizes it to
// 512 (nearest neighbour) and normalises RGB to x/127.5 - 1.
func ssdRefInput(img image.Image) ssdRef {
	b := img.Bounds()
	side := max(b.Dx(), b.Dy())
	out := ssdRef{side: SSDInputSize, ch: 3, d: make([]float32, SSDInputSize*SSDInputSize*3)}
	for y := 0; y < SSDInputSize; y++ {
		for x := 0; x < SSDInputSize; x++ {
			sx, sy := (2*x+1)*side/(2*SSDInputSize), (2*y+1)*side/(2*SSDInputSize)
			var rgb [3]float32 // black padding
			if sx < b.Dx() && sy < b.Dy() {
				r, g, bl, _ := img.At(b.Min.X+sx, b.Min.Y+sy).RGBA()
				rgb = [3]float32{float32(r >> 8), float32(g >> 8), float32(bl >> 8)}
			}
			for c := 0; c < 3; c++ {
				out.d[(y*SSDInputSize+x)*3+c] = rgb[c]/127.5 - 1
			}
		}
	}
	return out
}

// ssdRefConv is tf.conv2d (or tf.depthwiseConv2d) with padding "same" and
// filters as stored: HWIO, or HWC1 for depthwise.
func ssdRefConv(x ssdRef, f Tensor, stride int, depthwise bool) ssdRef {
	k, out := f.Shape[0], f.Shape[3]
	if depthwise {
		out = x.ch
	}
	side := (x.side + stride - 1) / stride
	pad := max((side-1)*stride+k-x.side, 0) / 2
	y := ssdRef{side: side, ch: out, d: make([]float32, side*side*out)}
	ssdRefRows(side, func(oy int) {
		for ox := 0; ox < side; ox++ {
			acc := y.d[(oy*side+ox)*out : (oy*side+ox+1)*out]
			for ky := 0; ky < k; ky++ {
				iy := oy*stride + ky - pad
				if iy < 0 || iy >= x.side {
					continue
				}
				for kx := 0; kx < k; kx++ {
					ix := ox*stride + kx - pad
					if ix < 0 || ix >= x.side {
						continue
					}
					px := x.d[(iy*x.side+ix)*x.ch : (iy*x.side+ix+1)*x.ch]
					if depthwise {
						for c, v := range px {
							acc[c] += v * f.Data[(ky*k+kx)*x.ch+c]
						}
						continue
					}
					for i, v := range px {
						fw := f.Data[((ky*k+kx)*x.ch+i)*out : ((ky*k+kx)*x.ch+i+1)*out]
						for o := range acc {
							acc[o] += v * fw[o]
						}
					}
				}
			}
		}
	})
	return y
}

// ssdRefRows calls fn for every row, spread over the available CPUs.
func ssdRefRows(n int, fn func(row int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for r := int(next.Add(1) - 1); r < n; r = int(next.Add(1) - 1) {
				fn(r)
			}
		})
	}
	wg.Wait()
}

// ssdRefMap applies fn to every value with its channel.
func ssdRefMap(x ssdRef, fn func(v float32, c int) float32) ssdRef {
	for i, v := range x.d {
		x.d[i] = fn(v, i%x.ch)
	}
	return x
}

func ssdRefClip6(v float32) float32 { return min(max(v, 0), 6) }

// ssdReference is face-api's SsdMobilenetv1.forwardInput for one image:
// every anchor's box as (x0, y0, x1, y1) and its face score.
func ssdReference(w map[string]Tensor, x ssdRef) ([][4]float32, []float32) {
	pointwise := func(x ssdRef, prefix string, stride int) ssdRef {
		off := w[prefix+"/convolution_bn_offset"].Data
		y := ssdRefConv(x, w[prefix+"/weights"], stride, false)
		return ssdRefMap(y, func(v float32, c int) float32 { return ssdRefClip6(v + off[c]) })
	}
	x = pointwise(x, "MobilenetV1/Conv2d_0_pointwise", 2)
	var conv11 ssdRef
	for i := 1; i <= 13; i++ {
		p := fmt.Sprintf("MobilenetV1/Conv2d_%d_depthwise", i)
		stride := 1
		if i == 2 || i == 4 || i == 6 || i == 12 {
			stride = 2
		}
		gamma, beta := w[p+"/BatchNorm/gamma"].Data, w[p+"/BatchNorm/beta"].Data
		mean, variance := w[p+"/BatchNorm/moving_mean"].Data, w[p+"/BatchNorm/moving_variance"].Data
		x = ssdRefMap(ssdRefConv(x, w[p+"/depthwise_weights"], stride, true), func(v float32, c int) float32 {
			n := float64(v-mean[c]) / math.Sqrt(float64(variance[c])+0.0010000000474974513)
			return ssdRefClip6(float32(n)*gamma[c] + beta[c])
		})
		x = pointwise(x, fmt.Sprintf("MobilenetV1/Conv2d_%d_pointwise", i), 1)
		if i == 11 {
			conv11 = x
		}
	}
	var extra [8]ssdRef
	prev := x
	for i := range extra {
		extra[i] = pointwise(prev, fmt.Sprintf("Prediction/Conv2d_%d_pointwise", i), 1+i%2)
		prev = extra[i]
	}
	var enc, cls []float32
	for i, src := range []ssdRef{conv11, x, extra[1], extra[3], extra[5], extra[7]} {
		for _, part := range []struct {
			name string
			dst  *[]float32
		}{{"BoxEncodingPredictor", &enc}, {"ClassPredictor", &cls}} {
			p := fmt.Sprintf("Prediction/BoxPredictor_%d/%s/", i, part.name)
			bias := w[p+"biases"].Data
			y := ssdRefConv(src, w[p+"weights"], 1, false)
			for j, v := range y.d {
				*part.dst = append(*part.dst, v+bias[j%y.ch])
			}
		}
	}
	anchors := w["Output/extra_dim"].Data
	n := len(enc) / 4
	boxes := make([][4]float32, n)
	scores := make([]float32, n)
	for i := range n {
		a, e := anchors[4*i:4*i+4], enc[4*i:4*i+4]
		h, wd := a[2]-a[0], a[3]-a[1]
		cy, cx := a[0]+h/2, a[1]+wd/2
		y := e[0]/10*h + cy
		xx := e[1]/10*wd + cx
		hh := float32(math.Exp(float64(e[2]/5))) * h / 2
		hw := float32(math.Exp(float64(e[3]/5))) * wd / 2
		boxes[i] = [4]float32{xx - hw, y - hh, xx + hw, y + hh}
		scores[i] = float32(1 / (1 + math.Exp(-float64(cls[3*i+1]))))
	}
	return boxes, scores
}

// ssdBox is a box as the models give it: x0, y0, x1, y1 in units of the side.
type ssdBox [4]float32

func (b ssdBox) px(side int) [4]float64 {
	return [4]float64{float64(b[0]) * float64(side), float64(b[1]) * float64(side), float64(b[2]) * float64(side), float64(b[3]) * float64(side)}
}

// ssdOutputs are a model's boxes and scores, and its best score.
type ssdOutputs struct {
	boxes  []ssdBox
	scores []float32
	score  float32
	at     int
}

func (o ssdOutputs) best() ssdBox { return o.boxes[o.at] }

// ssdRunOpenCV runs a converted model in OpenCV 4.6 DNN on a side x side
// input whose value at (y, x, channel) pixel gives, and returns its outputs
// for its anchors anchors (checked).
func ssdRunOpenCV(t *testing.T, model []byte, side, anchors int, pixel func(y, x, c int) float32) ssdOutputs {
	t.Helper()
	net, err := gocv.ReadNetFromONNXBytes(model)
	if err != nil {
		t.Fatalf("OpenCV cannot read the model: %v", err)
	}
	defer net.Close()
	blob := gocv.NewMatWithSizes([]int{1, 3, side, side}, gocv.MatTypeCV32F)
	defer blob.Close()
	bd, err := blob.DataPtrFloat32()
	if err != nil {
		t.Fatal(err)
	}
	for c := 0; c < 3; c++ {
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				bd[(c*side+y)*side+x] = pixel(y, x, c)
			}
		}
	}
	net.SetInput(blob, SSDInputName)
	outs := net.ForwardLayers([]string{SSDBoxesName, SSDScoresName})
	defer func() {
		for i := range outs {
			outs[i].Close()
		}
	}()
	if len(outs) != 2 {
		t.Fatalf("OpenCV returned %d outputs, want 2", len(outs))
	}
	if got := outs[0].Size(); len(got) != 3 || got[1] != anchors || got[2] != 4 {
		t.Fatalf("boxes shape %v, want [1 %d 4]", got, anchors)
	}
	if got := outs[1].Size(); len(got) != 2 || got[1] != anchors {
		t.Fatalf("scores shape %v, want [1 %d]", got, anchors)
	}
	boxes, err := outs[0].DataPtrFloat32()
	if err != nil {
		t.Fatal(err)
	}
	scores, err := outs[1].DataPtrFloat32()
	if err != nil {
		t.Fatal(err)
	}
	o := ssdOutputs{boxes: make([]ssdBox, len(scores)), scores: append([]float32(nil), scores...)}
	for i, s := range scores {
		copy(o.boxes[i][:], boxes[4*i:4*i+4])
		if s > o.score {
			o.score, o.at = s, i
		}
	}
	return o
}
