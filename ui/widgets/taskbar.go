package widgets

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/progress"
	"facecase/ui/async"
)

// TaskBar shows long work in progress: what it does, a progress bar and a
// Cancel button. It is hidden while idle. Use it on the UI goroutine only.
type TaskBar struct {
	widget.BaseWidget

	title   *widget.Label
	detail  *widget.Label
	bar     *widget.ProgressBar
	spinner *widget.ProgressBarInfinite
	cancel  *widget.Button
	busy    atomic.Bool // a task is running, readable from any goroutine

	// mu guards task and the run counters: on Fyne's test driver a task
	// can finish on its own goroutine before Run has returned.
	mu    sync.Mutex
	task  *async.Task
	run   uint64 // the latest Run
	ended uint64 // the latest Run whose task has finished
}

// NewTaskBar makes an idle (hidden) task bar.
func NewTaskBar() *TaskBar {
	b := &TaskBar{
		title:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		detail:  widget.NewLabel(""),
		bar:     widget.NewProgressBar(),
		spinner: widget.NewProgressBarInfinite(),
	}
	b.detail.Truncation = fyne.TextTruncateEllipsis
	b.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if b.busy.Load() {
			b.cancel.Disable()
			b.detail.SetText("cancelling…")
			b.Cancel()
		}
	})
	b.spinner.Stop()
	b.spinner.Hide()
	b.ExtendBaseWidget(b)
	b.Hide()
	return b
}

// Busy reports whether a task is running (any goroutine).
func (b *TaskBar) Busy() bool { return b.busy.Load() }

// Run starts work as an async.Task shown in the bar; done (may be nil) gets
// its error on the UI goroutine after the bar is hidden. It returns nil
// and starts nothing when a task is already running.
func (b *TaskBar) Run(ctx context.Context, title string, work async.Work, done func(error)) *async.Task {
	if b.busy.Load() {
		return nil
	}
	b.title.SetText(title)
	b.detail.SetText("starting…")
	b.bar.SetValue(0)
	b.showBar(false)
	b.cancel.Enable()
	b.Show()
	b.busy.Store(true)
	b.mu.Lock()
	b.run++
	run := b.run
	b.mu.Unlock()
	t := async.Start(ctx, title, work, async.TaskCallbacks{
		Progress: b.update,
		Done: func(err error) {
			b.mu.Lock()
			b.task, b.ended = nil, run
			b.mu.Unlock()
			b.busy.Store(false)
			b.spinner.Stop()
			b.Hide()
			if done != nil {
				done(err)
			}
		},
	})
	b.mu.Lock()
	if b.ended != run { // still running: Cancel may reach it
		b.task = t
	}
	b.mu.Unlock()
	return t
}

// Cancel stops the running task, if any.
func (b *TaskBar) Cancel() {
	b.mu.Lock()
	t := b.task
	b.mu.Unlock()
	if t != nil {
		t.Cancel()
	}
}

func (b *TaskBar) showBar(known bool) {
	if known {
		b.spinner.Stop()
		b.spinner.Hide()
		b.bar.Show()
		return
	}
	b.bar.Hide()
	b.spinner.Show()
	b.spinner.Start()
}

func (b *TaskBar) update(u progress.Update) {
	f := u.Fraction()
	b.showBar(f >= 0)
	if f >= 0 {
		b.bar.SetValue(f)
	}
	b.detail.SetText(DescribeProgress(u))
}

// DescribeProgress is one line about an update: stage, count, item, rate
// and time left.
func DescribeProgress(u progress.Update) string {
	var parts []string
	count := fmt.Sprintf("%d", u.Done)
	if u.Total > 0 {
		count += fmt.Sprintf("/%d", u.Total)
	}
	if u.Unit != "" {
		count += " " + u.Unit
	}
	if u.Stage != "" {
		parts = append(parts, u.Stage+" "+count)
	} else {
		parts = append(parts, count)
	}
	if u.Item != "" {
		parts = append(parts, u.Item)
	}
	if r := u.Rate(); r > 0 && u.Unit != "" {
		parts = append(parts, fmt.Sprintf("%.1f %s/s", r, u.Unit))
	}
	if left := u.Remaining(); left > 0 {
		parts = append(parts, left.Round(time.Second).String()+" left")
	}
	return strings.Join(parts, " · ")
}

// CreateRenderer is part of fyne.Widget.
func (b *TaskBar) CreateRenderer() fyne.WidgetRenderer {
	bars := container.NewStack(b.bar, b.spinner)
	top := container.NewBorder(nil, nil, b.title, b.cancel, b.detail)
	return widget.NewSimpleRenderer(container.NewVBox(top, bars))
}
