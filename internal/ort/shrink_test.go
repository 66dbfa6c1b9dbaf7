package ort_test

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"facecase/internal/ort"
)

// anonResident is the process's resident anonymous memory in bytes
// (RssAnon of /proc/self/status).
func anonResident(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "RssAnon:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Skip("no RssAnon in /proc/self/status")
	return 0
}

// TestRunAndShrinkHandsTheArenaBack runs the affine model on a 64 MB input:
// its two outputs (128 MB) come from the shared arena and stay there
// when released. A small RunAndShrink afterwards must give most of it back
// to the system; a small Run must not (the arena keeps what it has).
func TestRunAndShrinkHandsTheArenaBack(t *testing.T) {
	s, err := runtimeForTest(t).NewSession(affineModel(t), ort.Options{IntraOpThreads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const side = 4096
	big := ort.Tensor{Shape: []int64{side, side}, Data: make([]float32, side*side)}
	small := map[string]ort.Tensor{"x": {Shape: []int64{1, 1}, Data: []float32{1}}}
	if _, err := s.Run(context.Background(), map[string]ort.Tensor{"x": big}); err != nil {
		t.Fatal(err)
	}
	afterBig := anonResident(t)
	if _, err := s.Run(context.Background(), small); err != nil {
		t.Fatal(err)
	}
	afterRun := anonResident(t)
	res, err := s.RunAndShrink(context.Background(), small, "y")
	if err != nil || len(res) != 1 || res[0].Data[0] != 3 {
		t.Fatalf("RunAndShrink: %+v, %v; want y = 3", res, err)
	}
	afterShrink := anonResident(t)
	runtime.KeepAlive(big.Data) // Go's heap stays as it was throughout
	t.Logf("resident anonymous memory: %d MB after the large run, %d MB after a small run, %d MB after a shrinking one", afterBig>>20, afterRun>>20, afterShrink>>20)
	if afterRun < afterBig-32<<20 {
		t.Errorf("a plain run gave %d MB back; the arena should keep its blocks", (afterBig-afterRun)>>20)
	}
	if afterShrink > afterRun-96<<20 {
		t.Errorf("RunAndShrink gave back %d MB of the 128 MB the outputs took, want at least 96", (afterRun-afterShrink)>>20)
	}
}

// TestSessionsShareOneArena runs the affine model on a 64 MB input in one
// session and then in a second one: the second run's tensors (its product
// and output, 128 MB) must come from the blocks the first run freed in the
// arena the sessions share, not from new memory.
func TestSessionsShareOneArena(t *testing.T) {
	rt := runtimeForTest(t)
	var sessions [2]*ort.Session
	for i := range sessions {
		s, err := rt.NewSession(affineModel(t), ort.Options{IntraOpThreads: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		sessions[i] = s
	}
	const side = 4096
	big := map[string]ort.Tensor{"x": {Shape: []int64{side, side}, Data: make([]float32, side*side)}}
	var resident [2]int64
	for i, s := range sessions {
		res, err := s.Run(context.Background(), big, "y")
		if err != nil || len(res) != 1 || len(res[0].Data) != side*side {
			t.Fatalf("session %d: %d outputs, %v", i, len(res), err)
		}
		res = nil
		debug.FreeOSMemory() // the output's Go copy
		resident[i] = anonResident(t)
	}
	runtime.KeepAlive(big)
	t.Logf("resident anonymous memory: %d MB after the first session's run, %d MB after the second's", resident[0]>>20, resident[1]>>20)
	if grew := resident[1] - resident[0]; grew > 32<<20 {
		t.Errorf("the second session's run took %d MB more; want its tensors from the first run's freed blocks", grew>>20)
	}
}
