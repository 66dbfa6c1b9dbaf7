package async

import (
	"context"
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"facecase/progress"
)

func TestTaskDeliversThrottledProgressThenDone(t *testing.T) {
	test.NewTempApp(t)
	Callbacks.Reset()
	var updates []progress.Update
	var doneErr error
	doneCalls := 0
	start := time.Now()
	task := Start(context.Background(), "count", func(ctx context.Context, rep progress.Reporter) error {
		for i := 1; i <= 2000; i++ {
			rep.Report(progress.Update{Stage: "count", Done: int64(i), Total: 2000})
			if i%100 == 0 {
				time.Sleep(5 * time.Millisecond)
			}
		}
		return nil
	}, TaskCallbacks{
		Progress: func(u progress.Update) { updates = append(updates, u) },
		Done:     func(err error) { doneErr = err; doneCalls++ },
	})
	select {
	case <-task.Finished():
	case <-time.After(60 * time.Second): // a safety net
		t.Fatal("task did not finish")
	}
	// At most one update per ProgressInterval of the time the task really
	// took (longer on a busy machine), plus the final one.
	allowed := int(time.Since(start)/ProgressInterval) + 2
	Locked(func() {
		if doneCalls != 1 || doneErr != nil {
			t.Fatalf("Done called %d times with %v, want once with nil", doneCalls, doneErr)
		}
		if len(updates) == 0 || len(updates) > allowed || len(updates) >= 2000 {
			t.Fatalf("got %d progress updates for 2000 reports, want a throttled few (at most %d)", len(updates), allowed)
		}
		if last := updates[len(updates)-1]; last.Done != 2000 {
			t.Fatalf("last update %+v, want Done 2000", last)
		}
	})
	if s := Callbacks.Stats(); s.Count < 2 {
		t.Fatalf("callbacks not measured: %v", s)
	}
}

func TestTaskCancel(t *testing.T) {
	test.NewTempApp(t)
	started := make(chan struct{})
	var got error
	task := Start(context.Background(), "wait", func(ctx context.Context, rep progress.Reporter) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}, TaskCallbacks{Done: func(err error) { got = err }})
	<-started
	task.Cancel()
	select {
	case <-task.Finished():
	case <-time.After(60 * time.Second): // a safety net
		t.Fatal("cancelled task did not finish")
	}
	Locked(func() {
		if !errors.Is(got, context.Canceled) {
			t.Fatalf("Done got %v, want context.Canceled", got)
		}
	})
	if !errors.Is(task.Err(), context.Canceled) {
		t.Fatalf("Err() = %v", task.Err())
	}
}

func TestMonitorCountsOverLimit(t *testing.T) {
	m := NewMonitor(10 * time.Millisecond)
	m.Record("fast", time.Millisecond)
	m.Record("slow", 20*time.Millisecond)
	s := m.Stats()
	if s.Count != 2 || s.Over != 1 || s.Max != 20*time.Millisecond || s.MaxName != "slow" {
		t.Fatalf("stats %+v", s)
	}
	if s.Mean() != 10500*time.Microsecond {
		t.Fatalf("mean %v", s.Mean())
	}
}

func TestMonitorOnSlowSeesOnlySlowOnes(t *testing.T) {
	m := NewMonitor(100 * time.Millisecond)
	var seen []time.Duration
	m.OnSlow(50*time.Millisecond, func(name string, d time.Duration) {
		// Called outside the monitor's lock: reading it must not deadlock.
		_ = m.Stats()
		seen = append(seen, d)
	})
	for _, d := range []time.Duration{10, 50, 49, 120} {
		m.Record("probe", d*time.Millisecond)
	}
	if len(seen) != 2 || seen[0] != 50*time.Millisecond || seen[1] != 120*time.Millisecond {
		t.Fatalf("OnSlow saw %v, want [50ms 120ms]", seen)
	}
	if s := m.Stats(); s.Count != 4 || s.Over != 1 {
		t.Fatalf("stats %+v", s)
	}
}
