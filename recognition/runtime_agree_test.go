package recognition

import (
	"context"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"facecase/internal/testenv"
)

// TestRuntimesGiveTheSameDescriptors runs the golden images and the 40
// people crops through the descriptor net on ONNX Runtime and on OpenCV's
// DNN module: every value must agree within 1e-4 (the fallback must not
// move a face in descriptor space). Keep this test while both runtimes
// exist.
func TestRuntimesGiveTheSameDescriptors(t *testing.T) {
	dir := testenv.SharedData(t, "faceapi/golden-images")
	chips, _ := descNetPeople(t)
	var inputs []gocv.Mat
	defer func() { descNetCloseAll(inputs) }()
	for _, name := range []string{"face1.png", "face2.png", "face_rectangular.png"} {
		img := descNetReadRGB(t, filepath.Join(dir, name))
		inputs = append(inputs, descNetReferenceInput(img))
		img.Close()
	}
	inputs = append(inputs, chips...)
	defer func() { inputs = inputs[:3] }() // the crops are closed by descNetPeople
	onORT := descNetOpen(t)
	onCV, err := NewDescriptorNet(testenv.Model(t, "descriptor"), NetOptions{Runtime: RuntimeOpenCV})
	if err != nil {
		t.Fatal(err)
	}
	defer onCV.Close()
	a, err := onORT.Compute(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := onCV.Compute(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	worst := descNetMaxDiff(t, a, b)
	t.Logf("largest difference between ONNX Runtime and OpenCV DNN over %d faces: %.2g", len(inputs), worst)
	if worst > 1e-4 {
		t.Errorf("descriptors differ by up to %.2g between the runtimes, want <= 1e-4", worst)
	}
}
