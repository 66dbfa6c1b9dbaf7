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
	time.Sleep(30 * time.Millisecond)
	Do("slow update", func() { time.Sleep(150 * time.Millisecond) })
	time.Sleep(30 * time.Millisecond)
	cancel()
	<-done
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
