package convert

import (
	"bytes"
	"errors"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

const (
	faceAPITarball = "vladmandic-face-api-1.7.15.tgz"
)

// syntheticDlibWeights is a complete weights map with random values.
func syntheticDlibWeights(seed int64) map[string]Tensor {
	rng := rand.New(rand.NewSource(seed))
	w := map[string]Tensor{}
	for _, s := range dlibResNetV1Shapes() {
		t := Tensor{Name: s.name, Shape: append([]int(nil), s.shape...)}
		t.Data = make([]float32, t.Len())
		for i := range t.Data {
			t.Data[i] = float32(rng.NormFloat64() * 0.1)
		}
		w[s.name] = t
	}
	return w
}

func parseModel(t *testing.T, b []byte) *onnx.ModelProto {
	t.Helper()
	var m onnx.ModelProto
	if err := proto.Unmarshal(b, &m); err != nil {
		t.Fatalf("unmarshal converted model: %v", err)
	}
	return &m
}

func initializer(t *testing.T, m *onnx.ModelProto, name string) *onnx.TensorProto {
	t.Helper()
	for _, in := range m.GetGraph().GetInitializer() {
		if in.GetName() == name {
			return in
		}
	}
	t.Fatalf("initializer %q not in model", name)
	return nil
}

func TestDlibResNetV1RealWeightsDeterministic(t *testing.T) {
	w := faceAPIWeights(t, "face_recognition_model")
	a, err := DlibResNetV1(w)
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	b, err := DlibResNetV1(w)
	if err != nil {
		t.Fatalf("convert again: %v", err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("two conversions of the same weights differ (%d vs %d bytes)", len(a), len(b))
	}
	if err := CheckDlibResNetV1(a); err != nil {
		t.Fatalf("converted model fails its own check: %v", err)
	}
	m := parseModel(t, a)
	if got := m.GetOpsetImport()[0].GetVersion(); got != DlibResNetV1Opset {
		t.Errorf("opset %d, want %d", got, DlibResNetV1Opset)
	}
	ops := map[string]int{}
	for _, n := range m.GetGraph().GetNode() {
		ops[n.GetOpType()]++
	}
	// 1 stem conv + 14 blocks x 2; channel pads at 64/128/256 and spatial
	// pads in the last two down blocks.
	want := map[string]int{"Conv": 29, "Pad": 5, "Add": 14, "MaxPool": 1, "AveragePool": 4,
		"GlobalAveragePool": 1, "Flatten": 1, "MatMul": 1, "Relu": 1 + 14*2}
	for op, n := range want {
		if ops[op] != n {
			t.Errorf("%d %s nodes, want %d (all: %v)", ops[op], op, n, ops)
		}
	}
	// The scale layer is folded: b' = b*s + sb.
	bias := initializer(t, m, "conv256_down_out/conv2/B").GetFloatData()
	for o := range bias {
		want := w["conv256_down_out/conv2/conv/bias"].Data[o]*w["conv256_down_out/conv2/scale/weights"].Data[o] +
			w["conv256_down_out/conv2/scale/biases"].Data[o]
		if bias[o] != want {
			t.Fatalf("folded bias[%d] = %v, want %v", o, bias[o], want)
		}
	}
	t.Logf("converted model: %d bytes", len(a))
}

func TestDlibResNetV1FoldsScaleIntoOIHW(t *testing.T) {
	w := syntheticDlibWeights(1)
	b, err := DlibResNetV1(w)
	if err != nil {
		t.Fatalf("convert synthetic weights: %v", err)
	}
	m := parseModel(t, b)
	// Stem: filters HWIO [7,7,3,32] -> OIHW [32,3,7,7], times scale[o].
	got := initializer(t, m, "conv32_down/W")
	if dims := got.GetDims(); len(dims) != 4 || dims[0] != 32 || dims[1] != 3 || dims[2] != 7 || dims[3] != 7 {
		t.Fatalf("stem weight dims %v, want [32 3 7 7]", dims)
	}
	f := w["conv32_down/conv/filters"].Data
	s := w["conv32_down/scale/weights"].Data
	data := got.GetFloatData()
	for _, c := range [][4]int{{0, 0, 0, 0}, {31, 2, 6, 6}, {5, 1, 2, 4}, {17, 2, 6, 0}} {
		o, i, h, x := c[0], c[1], c[2], c[3]
		want := f[((h*7+x)*3+i)*32+o] * s[o]
		if v := data[((o*3+i)*7+h)*7+x]; v != want {
			t.Errorf("W'[%d,%d,%d,%d] = %v, want %v", o, i, h, x, v, want)
		}
	}
	fc := initializer(t, m, "fc")
	if dims := fc.GetDims(); len(dims) != 2 || dims[0] != 256 || dims[1] != 128 {
		t.Errorf("fc dims %v, want [256 128]", dims)
	}
}

func TestDlibResNetV1RejectsBadWeights(t *testing.T) {
	cases := []struct {
		name    string
		spoil   func(map[string]Tensor)
		mention string
	}{
		{"missing tensor", func(w map[string]Tensor) { delete(w, "conv128_1/conv2/scale/biases") },
			`"conv128_1/conv2/scale/biases" is missing`},
		{"transposed fc", func(w map[string]Tensor) {
			fc := w["fc"]
			fc.Shape = []int{128, 256}
			w["fc"] = fc
		}, `"fc" has shape [128 256], want [256 128]`},
		{"short data", func(w map[string]Tensor) {
			b := w["conv64_down/conv1/conv/bias"]
			b.Data = b.Data[:10]
			w["conv64_down/conv1/conv/bias"] = b
		}, `"conv64_down/conv1/conv/bias" has 10 values`},
		{"NaN", func(w map[string]Tensor) { w["conv32_down/conv/filters"].Data[7] = float32(math.NaN()) },
			`"conv32_down/conv/filters" value 7 is NaN`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := syntheticDlibWeights(2)
			c.spoil(w)
			b, err := DlibResNetV1(w)
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

func TestCheckDlibResNetV1RejectsOtherFiles(t *testing.T) {
	good, err := DlibResNetV1(syntheticDlibWeights(3))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckDlibResNetV1(good); err != nil {
		t.Fatalf("good model rejected: %v", err)
	}
	otherInput := NewGraph("other")
	x := otherInput.Input(DlibResNetV1Input, -1, 3, 112, 112)
	otherInput.NamedNode(DlibResNetV1Output, "Relu", []string{x})
	otherInput.Output(DlibResNetV1Output, -1, 128)
	other, err := otherInput.Marshal(11, "test")
	if err != nil {
		t.Fatal(err)
	}
	unknownOp := NewGraph("unknown-op")
	x = unknownOp.Input(DlibResNetV1Input, -1, 3, 150, 150)
	unknownOp.NamedNode(DlibResNetV1Output, "Softmax", []string{x})
	unknownOp.Output(DlibResNetV1Output, -1, 128)
	unknown, err := unknownOp.Marshal(11, "test")
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"empty":          nil,
		"text":           []byte("this is not an onnx file\n"),
		"truncated":      good[:len(good)/2],
		"112 px input":   other,
		"unknown op":     unknown,
		"png signature":  []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"random garbage": bytes.Repeat([]byte{0xff, 0x13, 0x07}, 999),
	} {
		if err := CheckDlibResNetV1(b); !errors.Is(err, ErrBadModel) {
			t.Errorf("%s: CheckDlibResNetV1 = %v, want ErrBadModel", name, err)
		}
	}
}
