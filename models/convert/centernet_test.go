package convert

import (
	"math"
	"testing"
)

// centerNetTestInput is the demo photo resized to w x h, NCHW RGB 0..255.
func centerNetTestInput(t testing.TB, w, h int) Tensor {
	t.Helper()
	x := nanoDetTestInput(t, w, h) // BGR, normalised; undo the normalisation
	plane := w * h
	out := Tensor{Shape: x.Shape, Data: make([]float32, len(x.Data))}
	for c := 0; c < 3; c++ {
		for i := 0; i < plane; i++ {
			v := x.Data[c*plane+i]*NanoDetStd[c] + NanoDetMean[c]
			out.Data[(2-c)*plane+i] = float32(math.Round(float64(v)))
		}
	}
	return out
}

// TestCenterNetMatchesReference runs the translated CenterNet in ONNX
// Runtime (OpenCV 4.6 cannot import its opset-11 Clip) at the exported size
// and a smaller one, against the graph run operator by operator (tfRef,
// whose NHWC input is the NCHW picture transposed).
func TestCenterNetMatchesReference(t *testing.T) {
	files := humanModelFiles(t, "centernet")
	model, err := CenterNet(files)
	if err != nil {
		t.Fatal(err)
	}
	g, err := readPackagedGraph(files, "centernet")
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{512, 512}, {256, 192}} {
		w, h := size[0], size[1]
		x := centerNetTestInput(t, w, h)
		got := runORT(t, model, CenterNetInputName, x, []string{CenterNetHeatmapName, CenterNetSizesName})
		nhwc := Tensor{Shape: []int{1, h, w, 3}, Data: transposeData(x.Data, x.Shape, []int{0, 2, 3, 1})}
		ref := newTFRef(t, g, map[string]Tensor{"tower_0/images": nhwc})
		ref.scale = [2]float64{float64(h) / CenterNetReferenceSide, float64(w) / CenterNetReferenceSide}
		for i, out := range []string{"tower_0/keypoints", "tower_0/wh"} {
			want := ref.eval(out)
			// The reference is NHWC; the translation NCHW.
			want = Tensor{Shape: permute(want.Shape, []int{0, 3, 1, 2}), Data: transposeData(want.Data, want.Shape, []int{0, 3, 1, 2})}
			if len(got[i]) != len(want.Data) {
				t.Fatalf("%dx%d %s: %d values, reference %d", w, h, out, len(got[i]), len(want.Data))
			}
			worst, peak := 0.0, 0.0
			for j := range want.Data {
				worst = math.Max(worst, math.Abs(float64(got[i][j]-want.Data[j])))
				peak = math.Max(peak, math.Abs(float64(want.Data[j])))
			}
			t.Logf("%dx%d %s: largest difference %.2g (values up to %.3g)", w, h, out, worst, peak)
			if worst > 1e-4*math.Max(1, peak) {
				t.Errorf("%dx%d %s differs from the reference by up to %g", w, h, out, worst)
			}
		}
	}
}

// TestNanoDetRunsAlikeOnBothRuntimes checks the translation on the
// runtime the app uses.
func TestNanoDetRunsAlikeOnBothRuntimes(t *testing.T) {
	model, err := NanoDet(humanModelFiles(t, "nanodet"))
	if err != nil {
		t.Fatal(err)
	}
	x := nanoDetTestInput(t, 320, 224)
	names := []string{NanoDetScoresName(0), NanoDetDistancesName(2)}
	a := runORT(t, model, NanoDetInputName, x, names)
	b := runOpenCV(t, model, NanoDetInputName, x, names)
	for i := range names {
		worst := 0.0
		for j := range a[i] {
			worst = math.Max(worst, math.Abs(float64(a[i][j]-b[i][j])))
		}
		if worst > 1e-4 {
			t.Errorf("%s: ONNX Runtime and OpenCV differ by up to %g", names[i], worst)
		}
	}
}
