package widgets

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"facecase/progress"
	"facecase/ui/async"
)

func TestTaskBarRunsAndCancels(t *testing.T) {
	test.NewTempApp(t)
	b := NewTaskBar()
	w := test.NewWindow(b)
	defer w.Close()
	if b.Visible() {
		t.Fatal("idle task bar is visible")
	}
	reported := make(chan struct{})
	doneErr := make(chan error, 1)
	task := b.Run(context.Background(), "Scanning", func(ctx context.Context, rep progress.Reporter) error {
		rep.Report(progress.Update{Stage: "detect", Done: 3, Total: 10, Unit: "frames", Item: "clip.mp4", Elapsed: time.Second})
		close(reported)
		<-ctx.Done()
		return ctx.Err()
	}, func(err error) { doneErr <- err })
	if task == nil || !b.Visible() || !b.Busy() {
		t.Fatal("task bar not showing a running task")
	}
	if b.Run(context.Background(), "second", nil, nil) != nil {
		t.Fatal("a second task started while one runs")
	}
	select {
	case <-reported:
	case <-time.After(60 * time.Second): // a safety net, as every wait here
		t.Fatal("the task never reported")
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var text string
		var value float64
		async.Locked(func() { text, value = b.detail.Text, b.bar.Value })
		if strings.Contains(text, "detect 3/10 frames") && value == 0.3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("progress not shown: %q %v", text, value)
		}
		time.Sleep(10 * time.Millisecond)
	}
	test.Tap(b.cancel)
	select {
	case err := <-doneErr:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("done with %v, want cancelled", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Cancel did not stop the task")
	}
	async.Locked(func() {
		if b.Visible() || b.Busy() {
			t.Fatal("task bar still showing after the task ended")
		}
	})
}

func TestDescribeProgress(t *testing.T) {
	u := progress.Update{Stage: "hash", Done: 50, Total: 100, Unit: "MB", Item: "a.mp4", Elapsed: 10 * time.Second}
	got := DescribeProgress(u)
	want := "hash 50/100 MB · a.mp4 · 5.0 MB/s · 10s left"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
