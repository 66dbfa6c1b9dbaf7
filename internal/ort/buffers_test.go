package ort_test

import (
	"context"
	"testing"

	"facecase/internal/ort"
)

// TestRecycledOutputsAreReusedAndOverwritten runs the affine model again
// and again, handing each run's outputs back with Recycle: later runs must
// copy into the handed-back buffers (most of the time: the collector may
// empty the pool) and still give every value right, for a smaller shape of
// the same size class too, whose buffers held other values.
func TestRecycledOutputsAreReusedAndOverwritten(t *testing.T) {
	s, err := runtimeForTest(t).NewSession(affineModel(t), ort.Options{IntraOpThreads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := map[*float32]bool{}
	const runs = 20
	reused := 0
	for r := range runs {
		side := int64(64)
		if r%2 == 1 {
			side = 60 // 3600 values: the 4096 class, as 64x64
		}
		x := ort.Tensor{Shape: []int64{side, side}, Data: make([]float32, side*side)}
		for i := range x.Data {
			x.Data[i] = float32(i%97) - float32(r)
		}
		res, err := s.Run(context.Background(), map[string]ort.Tensor{"x": x}, "y", "z")
		if err != nil {
			t.Fatal(err)
		}
		y, z := res[0], res[1]
		if len(y.Data) != len(x.Data) || len(z.Data) != len(x.Data) {
			t.Fatalf("run %d: %d and %d values for %d", r, len(y.Data), len(z.Data), len(x.Data))
		}
		for i, v := range x.Data {
			if y.Data[i] != 2*v+1 || z.Data[i] != max(v, 0) {
				t.Fatalf("run %d, value %d: y %v z %v for x %v (a recycled buffer not overwritten?)", r, i, y.Data[i], z.Data[i], v)
			}
		}
		again := false
		for _, o := range res {
			p := &o.Data[:cap(o.Data)][0]
			again = again || seen[p]
			seen[p] = true
		}
		if again {
			reused++
		}
		ort.Recycle(res...)
	}
	if reused < runs/2 {
		t.Errorf("only %d of %d runs copied into a recycled buffer", reused, runs)
	}
}

// TestRecycleIgnoresForeignData hands Recycle slices that did not come
// from a run (odd capacities, small ones, nil): the next run must not get
// them.
func TestRecycleIgnoresForeignData(t *testing.T) {
	s, err := runtimeForTest(t).NewSession(affineModel(t), ort.Options{IntraOpThreads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	foreign := []ort.Tensor{{Data: make([]float32, 3000)}, {Data: make([]float32, 10)}, {}}
	ort.Recycle(foreign...)
	x := ort.Tensor{Shape: []int64{50, 60}, Data: make([]float32, 3000)}
	res, err := s.Run(context.Background(), map[string]ort.Tensor{"x": x}, "y", "z")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res {
		if &o.Data[0] == &foreign[0].Data[0] {
			t.Fatal("a run copied its output into a slice of capacity 3000 handed to Recycle")
		}
		if cap(o.Data) != 4096 {
			t.Errorf("output of 3000 values has capacity %d, want its size class, 4096", cap(o.Data))
		}
	}
}
