package async

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

func TestProbeSeesABlockedUI(t *testing.T) {
	test.NewTempApp(t)
	Callbacks.Reset()
	m := NewMonitor(UILimit)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		Probe(ctx, 5*time.Millisecond, m)
		close(done)
	}()
	// waitProbes waits for n probes in all (bounded: a safety net).
	waitProbes := func(n int) {
		deadline := time.Now().Add(60 * time.Second)
		for m.Stats().Count < n {
			if time.Now().After(deadline) {
				t.Fatalf("only %d probes after 60 s, want %d", m.Stats().Count, n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitProbes(3)
	// The probe sees the block only if it posts while the update runs; on a
	// busy machine its goroutine may not get a turn in 150 ms, so the update
	// is repeated (counted, at most 20 times) until a probe has waited on it.
	for attempt := 1; m.Stats().Max < 100*time.Millisecond; attempt++ {
		if attempt > 20 {
			t.Fatalf("20 slow updates, none seen by the probe: %v", m.Stats())
		}
		before := m.Stats().Count
		Do("slow update", func() { time.Sleep(150 * time.Millisecond) })
		waitProbes(before + 2)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("Probe did not return after its context ended")
	}
	s := m.Stats()
	if s.Count < 3 {
		t.Fatalf("only %d probes", s.Count)
	}
	if s.Max < 100*time.Millisecond || s.Over == 0 {
		t.Fatalf("probe did not see the 150 ms update: %v", s)
	}
	if c := Callbacks.Stats(); c.MaxName != "slow update" || c.Max < 150*time.Millisecond {
		t.Fatalf("callback not measured: %v", c)
	}
}
