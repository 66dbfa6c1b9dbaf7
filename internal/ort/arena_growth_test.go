package ort_test

import (
	"context"
	"testing"

	"facecase/internal/ort"
)

// TestArenaExactGrowth makes an environment whose arena grows by what each
// allocation asks: the arena configuration is accepted (its two C API
// slots are the right ones), runs on it give the right results, and the
// runtime reports the growth while a session is open and no arena after.
func TestArenaExactGrowth(t *testing.T) {
	rt := runtimeForTest(t)
	if _, live := rt.ArenaGrowth(); live {
		t.Fatal("a session of another test is still open: the arena is not made anew")
	}
	ort.SetArenaGrowth(ort.ArenaExact)
	t.Cleanup(func() { ort.SetArenaGrowth(ort.ArenaDoubling) })
	s, err := rt.NewSession(affineModel(t), ort.Options{IntraOpThreads: 1, NoMemPattern: true})
	if err != nil {
		t.Fatal(err)
	}
	if g, live := rt.ArenaGrowth(); !live || g != ort.ArenaExact {
		t.Errorf("arena growth %v (live %v), want exact", g, live)
	}
	// Shapes of several sizes, large ones first, as a video's canvases and
	// a photo's levels come: each takes blocks of its own size.
	for _, side := range []int64{2048, 256, 1024, 3} {
		x := ort.Tensor{Shape: []int64{side, side}, Data: make([]float32, side*side)}
		for i := range x.Data {
			x.Data[i] = float32(i%7) - 3
		}
		res, err := s.Run(context.Background(), map[string]ort.Tensor{"x": x}, "y", "z")
		if err != nil {
			t.Fatalf("run at %d²: %v", side, err)
		}
		for i, v := range x.Data {
			if res[0].Data[i] != 2*v+1 || res[1].Data[i] != max(v, 0) {
				t.Fatalf("at %d², element %d: y %v z %v for x %v", side, i, res[0].Data[i], res[1].Data[i], v)
			}
		}
	}
	s.Close()
	if _, live := rt.ArenaGrowth(); live {
		t.Error("the arena is reported live after its last session closed")
	}
	if g := ort.ArenaGrowth(2); g.String() != "doubling" || ort.ArenaExact.String() != "exact" {
		t.Errorf("names: %v %v", g, ort.ArenaExact)
	}
}
