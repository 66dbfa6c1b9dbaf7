package convert

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// npmPackageFiles returns the named files (paths inside the package folder,
// such as "model/ssd_mobilenetv1_model.bin") of an npm tarball that `make
// models` keeps in models/cache. A missing tarball fails the test with the
// command that fetches it: make test runs make models first. (Not
// internal/testenv: it imports package models, which imports this one.)
func npmPackageFiles(t testing.TB, tarball string, names ...string) map[string][]byte {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(self), "..", "cache", tarball)
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("npm package missing (fetch it with: make models): %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	want := map[string]bool{}
	for _, n := range names {
		want["package/"+n] = true
	}
	out := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if want[h.Name] {
			if out[h.Name[len("package/"):]], err = io.ReadAll(tr); err != nil {
				t.Fatalf("%s: %s: %v", path, h.Name, err)
			}
		}
	}
	for _, n := range names {
		if out[n] == nil {
			t.Fatalf("%s lacks package/%s", path, n)
		}
	}
	return out
}

// faceAPIWeights decodes one face-api net's weights from the cached package:
// model/<name>-weights_manifest.json and model/<name>.bin.
func faceAPIWeights(t testing.TB, name string) map[string]Tensor {
	t.Helper()
	manifest, bin := "model/"+name+"-weights_manifest.json", "model/"+name+".bin"
	files := npmPackageFiles(t, faceAPITarball, manifest, bin)
	w, err := ReadWeights(files[manifest], map[string][]byte{filepath.Base(bin): files[bin]})
	if err != nil {
		t.Fatalf("read %s weights: %v", name, err)
	}
	return w
}
