package convert

import (
	"bytes"
	"errors"
	"math"
	"math/rand"
	"strings"
	"testing"
)

// dlibInt8Input is a batch of n inputs of noise shaped like the net's
// normalised chips ((RGB - mean) / 256).
func dlibInt8Input(n int, seed int64) Tensor {
	rng := rand.New(rand.NewSource(seed))
	side := DlibResNetV1InputSize
	x := Tensor{Shape: []int{n, 3, side, side}}
	x.Data = make([]float32, x.Len())
	for i := range x.Data {
		x.Data[i] = float32(rng.Intn(256)-120) / 256
	}
	return x
}

// dlibInt8Ranges calibrates the float model on x (extremes).
func dlibInt8Ranges(t *testing.T, model []byte, x Tensor) map[string]ActRange {
	t.Helper()
	probe, names, err := DlibResNetV1Probe(model)
	if err != nil {
		t.Fatal(err)
	}
	outs := runORT(t, probe, DlibResNetV1Input, x, names)
	cal := NewCalibration(256)
	cal.Observe(DlibResNetV1Input, x.Data)
	for i, o := range outs {
		cal.Observe(names[i], o)
	}
	return cal.Ranges(0)
}

func TestDlibResNetV1Int8IsCloseToFloat(t *testing.T) {
	model, err := DlibResNetV1(faceAPIWeights(t, "face_recognition_model"))
	if err != nil {
		t.Fatal(err)
	}
	x := dlibInt8Input(4, 1)
	ranges := dlibInt8Ranges(t, model, x)
	q, err := DlibResNetV1Int8(model, ranges, Int8Options{})
	if err != nil {
		t.Fatalf("quantise: %v", err)
	}
	again, err := DlibResNetV1Int8(model, ranges, Int8Options{})
	if err != nil || !bytes.Equal(q, again) {
		t.Fatalf("two quantisations of the same model differ (err %v)", err)
	}
	if err := CheckDlibResNetV1Int8(q); err != nil {
		t.Fatalf("quantised model fails its check: %v", err)
	}
	if err := CheckDlibResNetV1(q); !errors.Is(err, ErrBadModel) {
		t.Errorf("the float model's check (OpenCV's) accepts the quantised model: %v", err)
	}
	ops := map[string]int{}
	for _, n := range parseModel(t, q).GetGraph().GetNode() {
		ops[n.GetOpType()]++
	}
	// 29 convs with weights and bias; activations: the input, 15 ReLUs
	// not followed by the pool... at least one pair per conv.
	if ops["Conv"] != 29 || ops["DequantizeLinear"] < 2*29+29 || ops["QuantizeLinear"] < 29 {
		t.Errorf("operators %v: want 29 Conv each with quantised weights, bias and input", ops)
	}
	want := runORT(t, model, DlibResNetV1Input, x, []string{DlibResNetV1Output})[0]
	got := runORT(t, q, DlibResNetV1Input, x, []string{DlibResNetV1Output})[0]
	for i := 0; i < x.Shape[0]; i++ {
		a, b := want[i*128:(i+1)*128], got[i*128:(i+1)*128]
		var diff, norm float64
		for j := range a {
			diff += float64((a[j] - b[j]) * (a[j] - b[j]))
			norm += float64(a[j] * a[j])
		}
		rel := math.Sqrt(diff / norm)
		t.Logf("input %d: int8 descriptor off by %.4f of the float one's norm", i, rel)
		if rel > 0.1 {
			t.Errorf("input %d: int8 descriptor off by %.3f of the float one's norm, want <= 0.1", i, rel)
		}
	}
}

func TestDlibResNetV1Int8NeedsEveryRange(t *testing.T) {
	model, err := DlibResNetV1(syntheticDlibWeights(5))
	if err != nil {
		t.Fatal(err)
	}
	ranges := map[string]ActRange{DlibResNetV1Input: {-0.5, 0.5}}
	_, err = DlibResNetV1Int8(model, ranges, Int8Options{})
	if err == nil || !strings.Contains(err.Error(), "no calibrated range for") {
		t.Errorf("quantised without ranges: err = %v, want one naming the missing range", err)
	}
	if _, err := DlibResNetV1Int8([]byte("not a model"), ranges, Int8Options{}); !errors.Is(err, ErrBadModel) {
		t.Errorf("not a model: err = %v, want ErrBadModel", err)
	}
}

func TestCalibrationClipsTheRarestValues(t *testing.T) {
	c := NewCalibration(1000)
	v := make([]float32, 1000)
	for i := range v {
		v[i] = float32(i)
	}
	c.Observe("a", v)
	c.StartHistograms()
	c.Observe("a", v)
	if r := c.Ranges(0)["a"]; r.Min != 0 || r.Max != 999 {
		t.Errorf("extremes %v, want [0, 999]", r)
	}
	// 1 % at each end: 10 values below, 10 above.
	r := c.Ranges(0.01)["a"]
	if math.Abs(float64(r.Min)-10) > 1.01 || math.Abs(float64(r.Max)-990) > 1.01 {
		t.Errorf("clipped range %v, want about [10, 990]", r)
	}
}

func TestUint8QuantKeepsZeroExact(t *testing.T) {
	for _, r := range []ActRange{{-0.48, 0.59}, {0, 3.2}, {-1.7, 0}, {0.2, 0.9}, {0, 0}} {
		q := uint8Quant(r)
		if q.scale <= 0 {
			t.Errorf("%v: scale %v", r, q.scale)
		}
		lo := (0 - float32(q.zero)) * q.scale
		hi := (255 - float32(q.zero)) * q.scale
		if lo > min(0, r.Min)+q.scale || hi < max(0, r.Max)-q.scale {
			t.Errorf("%v: representable [%v, %v] does not cover it", r, lo, hi)
		}
	}
}

func TestDlibResNetV1Int8KeepsChosenActivationsFloat(t *testing.T) {
	model, err := DlibResNetV1(syntheticDlibWeights(6))
	if err != nil {
		t.Fatal(err)
	}
	_, names, err := DlibResNetV1Probe(model)
	if err != nil {
		t.Fatal(err)
	}
	ranges := map[string]ActRange{DlibResNetV1Input: {-0.5, 0.5}}
	for _, n := range names {
		ranges[n] = ActRange{-1, 1}
	}
	int8Convs := func(opts Int8Options) int {
		q, err := DlibResNetV1Int8(model, ranges, opts)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, node := range parseModel(t, q).GetGraph().GetNode() {
			if node.GetOpType() == "Conv" && strings.HasSuffix(node.GetInput()[1], "/dq") {
				n++
			}
		}
		return n
	}
	if n := int8Convs(Int8Options{}); n != 29 {
		t.Errorf("%d int8 convs, want all 29", n)
	}
	if n := int8Convs(Int8Options{FloatStem: true}); n != 28 {
		t.Errorf("float stem: %d int8 convs, want 28", n)
	}
	// Relu_5 is the first block's inner ReLU (stem conv, ReLU, max pool,
	// then the block's conv1): its conv1 and conv2 stay float.
	if n := int8Convs(Int8Options{KeepFloat: map[string]bool{"Relu_5": true}}); n != 27 {
		t.Errorf("Relu_5 kept float: %d int8 convs, want 27", n)
	}
}
