package sched

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

func TestTuneRuntimeForUIAddsAProcessorAndSpacesOutGC(t *testing.T) {
	if os.Getenv("GOMAXPROCS") != "" || os.Getenv("GOGC") != "" {
		t.Skip("GOMAXPROCS or GOGC set in the environment: they win, nothing to check")
	}
	procs := runtime.GOMAXPROCS(0)
	gc := debug.SetGCPercent(100)
	debug.SetGCPercent(gc)
	defer func() {
		runtime.GOMAXPROCS(procs)
		debug.SetGCPercent(gc)
	}()
	if got := TuneRuntimeForUI(); got != procs+1 || runtime.GOMAXPROCS(0) != procs+1 {
		t.Fatalf("GOMAXPROCS %d (returned %d), want %d", runtime.GOMAXPROCS(0), got, procs+1)
	}
	if now := debug.SetGCPercent(gc); now != UIGCPercent {
		t.Fatalf("GC percent %d, want %d", now, UIGCPercent)
	}
}
