package sched

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestTuneRuntimeForUIAddsAProcessor checks that the desktop app gets one
// processor more than the cores and that the collector's target is left
// as it was.
func TestTuneRuntimeForUIAddsAProcessor(t *testing.T) {
	if os.Getenv("GOMAXPROCS") != "" {
		t.Skip("GOMAXPROCS set in the environment: it wins, nothing to check")
	}
	procs := runtime.GOMAXPROCS(0)
	gc := debug.SetGCPercent(137) // a value of our own, to see it left alone
	defer func() {
		runtime.GOMAXPROCS(procs)
		debug.SetGCPercent(gc)
	}()
	if got := TuneRuntimeForUI(); got != procs+1 || runtime.GOMAXPROCS(0) != procs+1 {
		t.Fatalf("GOMAXPROCS %d (returned %d), want %d", runtime.GOMAXPROCS(0), got, procs+1)
	}
	if now := debug.SetGCPercent(gc); now != 137 {
		t.Fatalf("GC percent %d after TuneRuntimeForUI, want it left at 137", now)
	}
}
