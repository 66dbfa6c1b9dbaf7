package recognition

import (
	"context"
	"errors"
	"image"
	"image/color"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/models/convert"
)

// descNetOpen loads the installed descriptor model; the net is closed when
// the test ends.
func descNetOpen(t testing.TB) *DescriptorNet {
	t.Helper()
	n, err := NewDescriptorNet(testenv.Model(t, "descriptor"), NetOptions{})
	if err != nil {
		t.Fatalf("NewDescriptorNet: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// descNetReadRGB decodes an image file to RGB 8UC3; grey images get their
// one channel copied to all three, as a browser canvas does.
func descNetReadRGB(t testing.TB, path string) gocv.Mat {
	t.Helper()
	m := gocv.IMRead(path, gocv.IMReadColor)
	if m.Empty() {
		m.Close()
		t.Fatalf("cannot decode %s", path)
	}
	gocv.CvtColor(m, &m, gocv.ColorBGRToRGB)
	return m
}

// descNetReferenceInput turns an image into the 150x150 input the
// reference (face-api's NetInput.toBatchTensor(150, isCenterInputs=true))
// feeds its net: a non-square image is padded with black to a square,
// centred (ops/padToSquare.ts appends round(diff/2) after and the rest
// before; dom/imageToSquare.ts draws the scaled image at the same centred
// place on a 150x150 canvas), then scaled bilinearly to 150x150. OpenCV's
// INTER_LINEAR samples at pixel centres like the canvas; the tensor path's
// tf.image.resizeBilinear(alignCorners=false) does not, and lands 0.003
// closer to the golden descriptor of face_rectangular.png (0.042 vs 0.045).
func descNetReferenceInput(img gocv.Mat) gocv.Mat {
	sq := gocv.NewMat()
	diff := img.Rows() - img.Cols()
	after := int(math.Round(math.Abs(float64(diff)) * 0.5))
	before := int(math.Abs(float64(diff))) - after
	if diff > 0 {
		gocv.CopyMakeBorder(img, &sq, 0, 0, before, after, gocv.BorderConstant, color.RGBA{})
	} else {
		gocv.CopyMakeBorder(img, &sq, before, after, 0, 0, gocv.BorderConstant, color.RGBA{})
	}
	if sq.Rows() == ChipSize {
		return sq
	}
	out := gocv.NewMat()
	gocv.Resize(sq, &out, image.Pt(ChipSize, ChipSize), 0, 0, gocv.InterpolationLinear)
	sq.Close()
	return out
}

func descNetReadGolden(t *testing.T, path string) facedata.Descriptor {
	t.Helper()
	return testenv.ReadDescriptor(t, path)
}

// descNetPeople loads the 8 people x 5 face crops (150x150) as RGB chips.
func descNetPeople(t testing.TB) (chips []gocv.Mat, names []string) {
	t.Helper()
	dir := testenv.SharedData(t, "faceapi/people")
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	if len(paths) != 40 {
		t.Fatalf("%s: %d face crops, want 8 people x 5", dir, len(paths))
	}
	for _, p := range paths {
		chips = append(chips, descNetReadRGB(t, p))
		names = append(names, filepath.Base(filepath.Dir(p)))
	}
	t.Cleanup(func() { descNetCloseAll(chips) })
	return chips, names
}

func descNetCloseAll(ms []gocv.Mat) {
	for i := range ms {
		ms[i].Close()
	}
}

// descNetMaxDiff is the largest per-value difference of two descriptor lists.
func descNetMaxDiff(t *testing.T, a, b []facedata.Descriptor) float64 {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d descriptors vs %d", len(a), len(b))
	}
	var worst float64
	for i := range a {
		for j := range a[i] {
			worst = math.Max(worst, math.Abs(float64(a[i][j]-b[i][j])))
		}
	}
	return worst
}

func TestDescriptorNetMatchesReferenceDescriptors(t *testing.T) {
	dir := testenv.SharedData(t, "faceapi/golden-images")
	golden := testenv.SharedData(t, "faceapi/golden")
	n := descNetOpen(t)
	cases := []struct{ image, golden string }{
		{"face1.png", "faceDescriptor1.json"},
		{"face2.png", "faceDescriptor2.json"},
		{"face_rectangular.png", "faceDescriptorRect.json"},
	}
	var inputs []gocv.Mat
	defer func() { descNetCloseAll(inputs) }()
	for _, c := range cases {
		img := descNetReadRGB(t, filepath.Join(dir, c.image))
		inputs = append(inputs, descNetReferenceInput(img))
		img.Close()
	}
	got, err := n.Compute(context.Background(), inputs)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	for i, c := range cases {
		want := descNetReadGolden(t, filepath.Join(golden, c.golden))
		d := got[i].Distance(&want)
		t.Logf("%s: distance to reference %.4f (norm %.3f, reference %.3f)", c.image, d, got[i].Norm(), want.Norm())
		if d > 0.05 {
			t.Errorf("%s: distance to reference descriptor %.4f, want <= 0.05", c.image, d)
		}
	}
	// The reference descriptors are of different people (face1 is sheldon,
	// face2 howard): a sanity check that the net separates them.
	if d := got[0].Distance(&got[1]); d < facedata.SameThreshold {
		t.Errorf("face1 and face2 (different people) at %.3f, want >= %.1f", d, facedata.SameThreshold)
	}
}

func TestDescriptorNetPeoplePairAccuracy(t *testing.T) {
	chips, names := descNetPeople(t)
	n := descNetOpen(t)
	desc, err := n.Compute(context.Background(), chips) // 40 chips: two batches
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	var pairs, correct, sameWrong, diffWrong int
	var sameMax, diffMin float64 = 0, math.Inf(1)
	for i := range desc {
		for j := i + 1; j < len(desc); j++ {
			d := desc[i].Distance(&desc[j])
			same := names[i] == names[j]
			pairs++
			switch {
			case same && d < facedata.SameThreshold, !same && d >= facedata.SameThreshold:
				correct++
			case same:
				sameWrong++
			default:
				diffWrong++
			}
			if same {
				sameMax = math.Max(sameMax, d)
			} else {
				diffMin = math.Min(diffMin, d)
			}
		}
	}
	acc := float64(correct) / float64(pairs)
	t.Logf("crops fed directly: %d/%d pairs right at %.1f (%.2f%%); same-person pairs over: %d, different-person pairs under: %d; largest same %.3f, smallest different %.3f",
		correct, pairs, facedata.SameThreshold, 100*acc, sameWrong, diffWrong, sameMax, diffMin)
	if acc < 0.99 {
		t.Errorf("pair accuracy %.2f%%, want >= 99%%", 100*acc)
	}
}

func TestDescriptorNetBatchedEqualsOneByOne(t *testing.T) {
	chips, _ := descNetPeople(t)
	n := descNetOpen(t)
	batched, err := n.Compute(context.Background(), chips)
	if err != nil {
		t.Fatalf("Compute batched: %v", err)
	}
	var single []facedata.Descriptor
	for i := range chips {
		d, err := n.Compute(context.Background(), chips[i:i+1])
		if err != nil {
			t.Fatalf("Compute chip %d: %v", i, err)
		}
		single = append(single, d...)
	}
	worst := descNetMaxDiff(t, batched, single)
	t.Logf("largest difference batched vs one by one: %.2g", worst)
	if worst > 1e-4 {
		t.Errorf("batched and one-by-one descriptors differ by %.2g, want <= 1e-4", worst)
	}
	for i := range batched {
		if norm := batched[i].Norm(); norm < 1 || norm > 2 {
			t.Errorf("chip %d: descriptor norm %.3f, want about 1.4", i, norm)
		}
	}
}

func TestDescriptorNetConcurrentUse(t *testing.T) {
	chips, _ := descNetPeople(t)
	chips = chips[:12]
	n := descNetOpen(t)
	want, err := n.Compute(context.Background(), chips)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	const workers = 4
	results := make([][]facedata.Descriptor, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[w], errs[w] = n.Compute(context.Background(), chips)
		}()
	}
	wg.Wait()
	for w := range results {
		if errs[w] != nil {
			t.Fatalf("goroutine %d: %v", w, errs[w])
		}
		if d := descNetMaxDiff(t, results[w], want); d > 1e-4 {
			t.Errorf("goroutine %d: descriptors differ from sequential ones by %.2g", w, d)
		}
	}
}

func TestDescriptorNetResizesOtherSizes(t *testing.T) {
	chips, _ := descNetPeople(t)
	n := descNetOpen(t)
	big, small := gocv.NewMat(), gocv.NewMat()
	defer big.Close()
	defer small.Close()
	gocv.Resize(chips[0], &big, image.Pt(300, 300), 0, 0, gocv.InterpolationCubic)
	gocv.Resize(chips[0], &small, image.Pt(120, 120), 0, 0, gocv.InterpolationArea)
	got, err := n.Compute(context.Background(), []gocv.Mat{chips[0], big, small})
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	for i, name := range []string{"300x300", "120x120"} {
		d := got[0].Distance(&got[i+1])
		t.Logf("%s copy of a chip: distance %.4f to the 150x150 original", name, d)
		if d > 0.1 {
			t.Errorf("%s copy of a chip: distance %.4f to the original, want <= 0.1", name, d)
		}
	}
}

func TestDescriptorNetRejectsBadInput(t *testing.T) {
	n := descNetOpen(t)
	ctx := context.Background()

	none, err := n.Compute(ctx, nil)
	if err != nil || len(none) != 0 {
		t.Errorf("Compute(no chips) = %d descriptors, %v; want 0, nil", len(none), err)
	}

	good := gocv.NewMatWithSize(ChipSize, ChipSize, gocv.MatTypeCV8UC3)
	defer good.Close()
	empty := gocv.NewMat()
	defer empty.Close()
	grey := gocv.NewMatWithSize(ChipSize, ChipSize, gocv.MatTypeCV8UC1)
	defer grey.Close()
	float := gocv.NewMatWithSize(ChipSize, ChipSize, gocv.MatTypeCV32FC3)
	defer float.Close()
	for name, chip := range map[string]gocv.Mat{"empty": empty, "grey": grey, "float": float} {
		if _, err := n.Compute(ctx, []gocv.Mat{good, chip}); !errors.Is(err, ErrBadChip) {
			t.Errorf("%s chip: err = %v, want ErrBadChip", name, err)
		}
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := n.Compute(cancelled, []gocv.Mat{good}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v, want context.Canceled", err)
	}
}

func TestNewDescriptorNetRejectsBadModelFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := NewDescriptorNet(filepath.Join(dir, "absent.onnx"), NetOptions{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist", err)
	}
	// OpenCV would abort the whole process on these; they must come back
	// as errors instead.
	other := convert.NewGraph("other")
	x := other.Input(convert.DlibResNetV1Input, -1, 3, 64, 64)
	other.NamedNode(convert.DlibResNetV1Output, "Relu", []string{x})
	other.Output(convert.DlibResNetV1Output, -1, 128)
	otherModel, err := other.Marshal(11, "test")
	if err != nil {
		t.Fatal(err)
	}
	real, err := os.ReadFile(testenv.Model(t, "descriptor"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"text.onnx":      []byte("not a model\n"),
		"truncated.onnx": real[:len(real)/3],
		"other.onnx":     otherModel,
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		n, err := NewDescriptorNet(p, NetOptions{})
		if !errors.Is(err, convert.ErrBadModel) {
			t.Errorf("%s: err = %v, want convert.ErrBadModel", name, err)
		}
		if n != nil {
			n.Close()
		}
	}
}
