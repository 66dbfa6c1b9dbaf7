package recognition

import (
	"context"
	"math"
	"path/filepath"
	"sort"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/testenv"
)

// descInt8Golden loads the three golden images as the reference net input
// and their reference descriptors.
func descInt8Golden(t testing.TB) ([]gocv.Mat, []facedata.Descriptor) {
	t.Helper()
	dir := testenv.SharedData(t, "faceapi/golden-images")
	golden := testenv.SharedData(t, "faceapi/golden")
	var inputs []gocv.Mat
	var want []facedata.Descriptor
	for _, c := range [][2]string{
		{"face1.png", "faceDescriptor1.json"},
		{"face2.png", "faceDescriptor2.json"},
		{"face_rectangular.png", "faceDescriptorRect.json"},
	} {
		img := descNetReadRGB(t, filepath.Join(dir, c[0]))
		inputs = append(inputs, descNetReferenceInput(img))
		img.Close()
		want = append(want, testenv.ReadDescriptor(t, filepath.Join(golden, c[1])))
	}
	t.Cleanup(func() { descNetCloseAll(inputs) })
	return inputs, want
}

// descInt8FairFaceChips aligns the largest face of every every-th FairFace
// adult image (the calibration faces: no person of the golden images or
// the people crops), as the engine does.
func descInt8FairFaceChips(t testing.TB, every int) []gocv.Mat {
	t.Helper()
	dir := testenv.SharedData(t, "fairface-adults")
	paths, err := filepath.Glob(filepath.Join(dir, "*.jpg"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no FairFace images in %s: %v", dir, err)
	}
	sort.Strings(paths)
	e := detectOnlyEngine(t)
	var chips []gocv.Mat
	t.Cleanup(func() { descNetCloseAll(chips) })
	for i := 0; i < len(paths); i += every {
		p := paths[i]
		img := gocv.IMRead(p, gocv.IMReadColor)
		faces, err := e.Analyze(context.Background(), img)
		img.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if c, ok := descInt8LargestChip(t, faces); ok {
			chips = append(chips, c)
		}
	}
	return chips
}

// descInt8LargestChip converts the chip of the largest face to an RGB Mat.
func descInt8LargestChip(t testing.TB, faces []facedata.Face) (gocv.Mat, bool) {
	best := -1
	for i, f := range faces {
		if f.Chip != nil && (best < 0 || f.Box.W*f.Box.H > faces[best].Box.W*faces[best].Box.H) {
			best = i
		}
	}
	if best < 0 {
		return gocv.Mat{}, false
	}
	m, err := gocv.ImageToMatRGBA(faces[best].Chip)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	chip := gocv.NewMat()
	gocv.CvtColor(m, &chip, gocv.ColorBGRAToBGR) // drops alpha, keeps RGB order
	return chip, true
}

// descInt8Compare describes the same faces with two nets and returns the
// mean and largest distance between their descriptors.
func descInt8Compare(t testing.TB, a, b []facedata.Descriptor) (mean, worst float64) {
	t.Helper()
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("%d descriptors vs %d", len(a), len(b))
	}
	for i := range a {
		d := a[i].Distance(&b[i])
		mean += d
		worst = math.Max(worst, d)
	}
	return mean / float64(len(a)), worst
}

// descInt8PairAccuracy is the fraction of people-crop pairs that the
// descriptors put on the right side of facedata.SameThreshold.
func descInt8PairAccuracy(desc []facedata.Descriptor, names []string) float64 {
	var pairs, correct int
	for i := range desc {
		for j := i + 1; j < len(desc); j++ {
			d := desc[i].Distance(&desc[j])
			if (names[i] == names[j]) == (d < facedata.SameThreshold) {
				correct++
			}
			pairs++
		}
	}
	return float64(correct) / float64(pairs)
}

// descInt8Describe computes descriptors with the net at path.
func descInt8Describe(t testing.TB, path string, chips []gocv.Mat) []facedata.Descriptor {
	t.Helper()
	n, err := NewDescriptorNet(path, NetOptions{})
	if err != nil {
		t.Fatalf("NewDescriptorNet %s: %v", path, err)
	}
	defer n.Close()
	d, err := n.Compute(context.Background(), chips)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return d
}

// descInt8GoldenMax is the largest distance of the golden images'
// descriptors to their reference.
func descInt8GoldenMax(got, want []facedata.Descriptor) float64 {
	var worst float64
	for i := range got {
		worst = math.Max(worst, got[i].Distance(&want[i]))
	}
	return worst
}
