package main

import (
	"testing"

	"facecase/facedata"
	"facecase/internal/ort"
	"facecase/internal/testenv"
	"facecase/recognition"
)

// TestAppArenaGrowsExactly checks that the desktop app's engine runs on an
// arena that grows by what each allocation asks (arena_growth.go).
func TestAppArenaGrowsExactly(t *testing.T) {
	rt, err := ort.Load(testenv.Model(t, "onnxruntime"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := recognition.NewEngine(recognition.Options{Detector: facedata.BlazeFace, Runtime: recognition.RuntimeORT})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if g, live := rt.ArenaGrowth(); !live || g != ort.ArenaExact {
		t.Errorf("the app's arena grows by %v (live %v), want exact", g, live)
	}
}
