package widgets

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"facecase/progress"
	"facecase/ui/async"
	"facecase/ui/internal/uitest"
)

func TestTaskBarRunsAndCancels(t *testing.T) {
	test.NewTempApp(t)
	b := NewTaskBar()
	w := test.NewWindow(b)
	defer w.Close()
	idleMin := b.MinSize()
	if title, _ := b.Status(); !b.Visible() || title != TaskBarIdle || b.cancel.Visible() || b.bar.Visible() {
		t.Fatalf("idle task bar: visible %v, title %q, Cancel shown %v, progress shown %v", b.Visible(), title, b.cancel.Visible(), b.bar.Visible())
	}
	reported := make(chan struct{})
	doneErr := make(chan error, 1)
	task := b.Run(context.Background(), "Scanning", func(ctx context.Context, rep progress.Reporter) error {
		rep.Report(progress.Update{Stage: "detect", Done: 3, Total: 10, Unit: "frames", Item: "clip.mp4", Elapsed: time.Second})
		close(reported)
		<-ctx.Done()
		return ctx.Err()
	}, func(err error) { doneErr <- err })
	if title, _ := b.Status(); task == nil || !b.Busy() || title != "Scanning" || !b.cancel.Visible() {
		t.Fatalf("task bar not showing a running task: title %q", title)
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
			if got := b.MinSize(); got != idleMin {
				t.Fatalf("minimum size %v while busy, %v idle", got, idleMin)
			}
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
		title, detail := b.Status()
		if b.Busy() || title != TaskBarIdle || b.cancel.Visible() || b.bar.Visible() {
			t.Fatalf("task bar still showing the task after it ended: title %q", title)
		}
		if detail != "last task: Scanning stopped on request" {
			t.Fatalf("idle detail %q", detail)
		}
		if got := b.MinSize(); got != idleMin {
			t.Fatalf("minimum size %v after the task, %v before", got, idleMin)
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

// TestTaskBarMinSizeSteady: whatever the bar says, its minimum size stays
// the same, so a task starting never changes a window's minimum size.
func TestTaskBarMinSizeSteady(t *testing.T) {
	test.NewTempApp(t)
	b := NewTaskBar()
	w := test.NewWindow(b)
	defer w.Close()
	w.Resize(b.MinSize().AddWidthHeight(300, 0))
	want := b.MinSize()
	states := map[string]func(){
		"long title": func() {
			b.title.SetText("Searching every usable face of the whole case, all 1,000 items of it")
			b.cancel.Show()
		},
		"known progress": func() {
			b.showBar(true)
			b.update(progress.Update{Stage: "detect", Done: 3, Total: 10, Unit: "frames", Item: strings.Repeat("long name ", 30)})
		},
		"unknown progress": func() { b.showBar(false) },
		"idle":             func() { b.idle(DescribeOutcome("Adding evidence", errors.New("disk full"), time.Minute)) },
		"empty":            func() { b.title.SetText(""); b.detail.SetText("") },
	}
	for name, set := range states {
		var got fyne.Size
		async.Locked(func() {
			set()
			got = b.MinSize()
		})
		if got != want {
			t.Errorf("%s: minimum size %v, want %v", name, got, want)
		}
	}
	async.Locked(func() { b.idle("") })
	title, _ := b.Status()
	if title != TaskBarIdle {
		t.Fatalf("idle title %q", title)
	}
}

func TestDescribeOutcome(t *testing.T) {
	for _, c := range []struct {
		err  error
		took time.Duration
		want string
	}{
		{nil, time.Second, "last task: Adding evidence finished"},
		{nil, 75 * time.Second, "last task: Adding evidence finished after 1m15s"},
		{context.Canceled, 12 * time.Second, "last task: Adding evidence stopped on request after 12s"},
		{errors.New("disk full"), 0, "last task: Adding evidence failed"},
	} {
		if got := DescribeOutcome("Adding evidence", c.err, c.took); got != c.want {
			t.Errorf("%v after %v: %q, want %q", c.err, c.took, got, c.want)
		}
	}
}

// TestTaskBarGolden shows the bar idle after a task, starting one (share
// done not known yet) and with known progress, in a window as wide as a narrow case window.
func TestTaskBarGolden(t *testing.T) {
	test.NewTempApp(t)
	b := NewTaskBar()
	w := test.NewWindow(b)
	defer w.Close()
	w.Resize(fyne.NewSize(800, b.MinSize().Height))
	async.Locked(func() {
		b.idle(DescribeOutcome("Adding evidence", nil, 95*time.Second))
		uitest.AssertGolden(t, "taskbar/idle.png", w.Canvas().Capture())
		b.title.SetText("Adding evidence")
		b.detail.SetText("starting…")
		b.cancel.Show()
		b.showBar(false)
		b.Refresh()
		uitest.AssertGolden(t, "taskbar/starting.png", w.Canvas().Capture())
		b.update(progress.Update{Stage: "analyse", Done: 120, Total: 400, Unit: "frames", Item: "street/vtest.avi", Elapsed: 12 * time.Second})
		uitest.AssertGolden(t, "taskbar/busy.png", w.Canvas().Capture())
	})
}
