package recognition

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"facecase/internal/testenv"
	"facecase/models/convert"
)

// descInt8Build calibrates the installed float descriptor on chips (each
// activation's extremes) and writes its int8 model to a temporary file.
func descInt8Build(t testing.TB, chips []gocv.Mat, opts convert.Int8Options) string {
	t.Helper()
	fp32 := testenv.Model(t, "descriptor")
	ranges, err := CalibrateDescriptor(context.Background(), fp32, chips, 0)
	if err != nil {
		t.Fatal(err)
	}
	model, err := os.ReadFile(fp32)
	if err != nil {
		t.Fatal(err)
	}
	q, err := convert.DlibResNetV1Int8(model, ranges, opts)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "dlib_resnet_v1_int8.onnx")
	if err := os.WriteFile(p, q, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Measured on 2026-12-07 (docs/benchmarks.md, "int8 descriptor"): over the
// golden images and the 40 people crops the int8 descriptor is on average
// 0.031 and at most 0.044 from the float one (ranges from 90 FairFace
// faces; from all 359: 0.031 and 0.041).
const (
	descInt8MaxDrift  = 0.05
	descInt8MeanDrift = 0.035
)

// TestDescriptorInt8StaysNearFloat quantises the descriptor as issue 12's
// int8 study did (ranges from the FairFace adults, every convolution int8)
// (on every fourth image, 90 faces) and holds it to what was measured: every face within descInt8MaxDrift
// of its float descriptor, descInt8MeanDrift on average, and the people
// crops' pairs at least 99 % right. The golden images' distance to their
// reference is logged, not held to 0.05: int8 misses that bar
// (0.055-0.056 measured), which is why it is not an engine option.
func TestDescriptorInt8StaysNearFloat(t *testing.T) {
	golden, want := descInt8Golden(t)
	people, names := descNetPeople(t)
	if testing.Short() {
		t.Skip("calibrates on 90 FairFace faces: not in -short")
	}
	q8 := descInt8Build(t, descInt8FairFaceChips(t, 4), convert.Int8Options{})
	chips := append(append([]gocv.Mat{}, golden...), people...)
	fp32 := descInt8Describe(t, testenv.Model(t, "descriptor"), chips)
	got := descInt8Describe(t, q8, chips)
	mean, worst := descInt8Compare(t, fp32, got)
	ref := descInt8GoldenMax(got[:len(golden)], want)
	acc := descInt8PairAccuracy(got[len(golden):], names)
	t.Logf("int8 against float over %d faces: mean distance %.4f, largest %.4f; golden images at most %.4f from their reference (float: %.4f); people pairs %.2f%% right",
		len(chips), mean, worst, ref, descInt8GoldenMax(fp32[:len(golden)], want), 100*acc)
	if worst > descInt8MaxDrift || mean > descInt8MeanDrift {
		t.Errorf("int8 descriptors are %.4f (mean) and up to %.4f from the float ones, want <= %.3f and %.3f", mean, worst, descInt8MeanDrift, descInt8MaxDrift)
	}
	if acc < 0.99 {
		t.Errorf("int8: people pair accuracy %.2f%%, want >= 99%%", 100*acc)
	}
}
