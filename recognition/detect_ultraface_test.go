package recognition

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"facecase/internal/testenv"
	"facecase/media"
	"facecase/models/convert"
)

// npmFile reads one file from an npm tarball `make models` keeps in
// models/cache.
func npmFile(t testing.TB, tarball, name string) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join(testenv.RepoRoot(), "models", "cache", tarball))
	if err != nil {
		t.Fatalf("npm package missing (fetch it with: make models): %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s: no %s: %v", tarball, name, err)
		}
		if h.Name == "package/"+name {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}

// TestUltraFaceConversionMatchesTheOriginal runs the model as the package
// ships it (fixed 320x240, boxes decoded in the graph) and as converted
// (free size, raw regression decoded here) on a real photo at 320x240:
// the scores and the decoded boxes of all 4420 priors must agree.
func TestUltraFaceConversionMatchesTheOriginal(t *testing.T) {
	original := npmFile(t, "faceplugin-face-recognition-js-0.0.1.tgz", "model/fr_detect.onnx")
	converted, err := os.ReadFile(testenv.Model(t, "ultraface"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := media.LoadImage(filepath.Join(testenv.SharedData(t, "faceapi/golden-images"), "faces.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	blob, err := ultraBlobPadded(img, ultraTrainWidth, ultraTrainHeight, ultraTrainWidth, ultraTrainHeight)
	if err != nil {
		t.Fatal(err)
	}
	defer blob.Close()
	run := func(model []byte, outputs ...string) [][]float32 {
		net, err := newNetRunner(RuntimeORT, model, fixedShapes)
		if err != nil {
			t.Fatal(err)
		}
		defer net.close()
		res, err := net.run(context.Background(), convert.UltraFaceInput, blob, outputs...)
		if err != nil {
			t.Fatal(err)
		}
		return [][]float32{res[0].Data, res[1].Data}
	}
	want := run(original, "scores", "boxes")
	got := run(converted, convert.UltraFaceScores, convert.UltraFaceRegression)
	const priors = 4420
	if ultraPriorCount(ultraTrainWidth, ultraTrainHeight) != priors || len(want[0]) != 2*priors || len(got[0]) != 2*priors {
		t.Fatalf("prior counts: ours %d, original %d, converted %d", ultraPriorCount(ultraTrainWidth, ultraTrainHeight), len(want[0])/2, len(got[0])/2)
	}
	var scoreDiff float64
	for i := range want[0] {
		scoreDiff = math.Max(scoreDiff, math.Abs(float64(want[0][i]-got[0][i])))
	}
	dets, err := ultraDecode(got[0], got[1], ultraTrainWidth, ultraTrainHeight, -1)
	if err != nil || len(dets) != priors {
		t.Fatalf("decoded %d priors: %v", len(dets), err)
	}
	var boxDiff float64
	faces := 0
	for i, d := range dets {
		corners := []float64{d.Box.X / ultraTrainWidth, d.Box.Y / ultraTrainHeight, (d.Box.X + d.Box.W) / ultraTrainWidth, (d.Box.Y + d.Box.H) / ultraTrainHeight}
		for k, v := range corners {
			boxDiff = math.Max(boxDiff, math.Abs(v-float64(want[1][4*i+k])))
		}
		if d.Score > 0.7 {
			faces++
		}
	}
	t.Logf("largest difference over %d priors: score %.2g, box corner %.2g (of the input side); %d priors above 0.7", priors, scoreDiff, boxDiff, faces)
	if scoreDiff > 1e-5 || boxDiff > 1e-5 {
		t.Errorf("converted model differs from the original: scores by %.2g, boxes by %.2g (want <= 1e-5)", scoreDiff, boxDiff)
	}
	if faces == 0 {
		t.Error("no prior scores a face in faces.jpg: the comparison proves little")
	}
}
