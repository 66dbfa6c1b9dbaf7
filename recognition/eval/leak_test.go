package eval

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"facecase/progress"
)

// Cancelling a run in any stage returns context.Canceled and leaves no
// goroutine behind.
func TestRunCancelledLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, stage := range []string{"enrol", "score", "search", "bootstrap"} {
		ds, emb := handDataset(t)
		ctx, cancel := context.WithCancel(context.Background())
		cfg := DefaultConfig()
		cfg.Bootstrap = 2000
		cfg.Workers = 3
		cfg.Progress = progress.Func(func(u progress.Update) {
			if u.Stage == stage {
				cancel()
			}
		})
		_, err := Run(ctx, ds, emb, cfg)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled in %s: err = %v, want context.Canceled", stage, err)
		}
	}
	deadline := time.Now().Add(60 * time.Second) // a safety net: goroutines wind down asynchronously
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after the runs, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
