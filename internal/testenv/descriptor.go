package testenv

import (
	"encoding/json"
	"os"
	"testing"

	"facecase/facedata"
)

// ReadDescriptor reads a reference descriptor stored as a JSON array of
// 128 numbers (faceapi/golden/faceDescriptor*.json).
func ReadDescriptor(tb testing.TB, path string) facedata.Descriptor {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var v []float32
	if err := json.Unmarshal(b, &v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	d, err := facedata.DescriptorFromSlice(v)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return d
}
