package widgets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/progress"
	"facecase/ui/async"
)

// TaskBar is the status line at the foot of a window: while long work
// runs it shows what the work is, its progress and a Cancel button; while
// idle it says "Ready" and how the last task ended. It is always shown and
// its minimum size is the same in every state, so a task starting or
// ending never changes the window content's minimum size (which would make
// Fyne set the window's size again and repaint it, a stall on the UI
// goroutine). Use it on the UI goroutine only.
type TaskBar struct {
	widget.BaseWidget

	title  *widget.Label
	detail *widget.Label
	bar    *widget.ProgressBar
	cancel *widget.Button
	busy   atomic.Bool // a task is running, readable from any goroutine
	// cancelMin is the Cancel button's largest minimum size seen while
	// shown: a button made hidden leaves its icon out of its minimum size.
	cancelMin fyne.Size

	// mu guards task and the run counters: on Fyne's test driver a task
	// can finish on its own goroutine before Run has returned.
	mu    sync.Mutex
	task  *async.Task
	run   uint64 // the latest Run
	ended uint64 // the latest Run whose task has finished
}

// TaskBarIdle is the task bar's title while no task runs.
const TaskBarIdle = "Ready"

// NewTaskBar makes an idle task bar.
func NewTaskBar() *TaskBar {
	b := &TaskBar{
		title:  widget.NewLabelWithStyle(TaskBarIdle, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		detail: widget.NewLabel(""),
		bar:    widget.NewProgressBar(),
	}
	b.title.Truncation = fyne.TextTruncateEllipsis
	b.detail.Truncation = fyne.TextTruncateEllipsis
	b.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if b.busy.Load() {
			b.cancel.Disable()
			b.detail.SetText("cancelling…")
			b.Cancel()
		}
	})
	b.cancelMin = b.cancel.MinSize()
	b.bar.Hide()
	b.cancel.Hide()
	b.ExtendBaseWidget(b)
	return b
}

// Status is what the bar says: its title (the running task's, or
// TaskBarIdle) and its detail (progress, or how the last task ended).
func (b *TaskBar) Status() (title, detail string) { return b.title.Text, b.detail.Text }

// Busy reports whether a task is running (any goroutine).
func (b *TaskBar) Busy() bool { return b.busy.Load() }

// Run starts work as an async.Task shown in the bar; done (may be nil) gets
// its error on the UI goroutine after the bar has gone back to idle. It
// returns nil and starts nothing when a task is already running.
func (b *TaskBar) Run(ctx context.Context, title string, work async.Work, done func(error)) *async.Task {
	if b.busy.Load() {
		return nil
	}
	b.title.SetText(title)
	b.detail.SetText("starting…")
	b.showBar(false)
	b.cancel.Enable()
	b.cancel.Show()
	b.Refresh() // the title's width
	b.busy.Store(true)
	b.mu.Lock()
	b.run++
	run := b.run
	b.mu.Unlock()
	began := time.Now()
	t := async.Start(ctx, title, work, async.TaskCallbacks{
		Progress: b.update,
		Done: func(err error) {
			b.mu.Lock()
			b.task, b.ended = nil, run
			b.mu.Unlock()
			b.busy.Store(false)
			b.idle(DescribeOutcome(title, err, time.Since(began)))
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

// idle puts the bar back to its idle state, saying outcome.
func (b *TaskBar) idle(outcome string) {
	b.bar.Hide()
	b.cancel.Hide()
	b.title.SetText(TaskBarIdle)
	b.detail.SetText(outcome)
	b.Refresh()
}

// DescribeOutcome is the idle bar's line about how a task ended; tasks of
// 10 s or more say how long they took.
func DescribeOutcome(title string, err error, took time.Duration) string {
	var how string
	switch {
	case err == nil:
		how = "finished"
	case errors.Is(err, context.Canceled):
		how = "stopped on request"
	default:
		how = "failed"
	}
	if took >= 10*time.Second {
		how += " after " + took.Round(time.Second).String()
	}
	return "last task: " + title + " " + how
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

// showBar shows the progress bar; while the share done is not known it
// stands still at zero saying "working…". It is not animated (Fyne's
// infinite progress bar is): an animation repaints the whole window every
// frame, costly under software OpenGL, and the detail line already shows
// the work moving.
func (b *TaskBar) showBar(known bool) {
	switch {
	case known && b.bar.TextFormatter != nil:
		b.bar.TextFormatter = nil
		b.bar.Refresh()
	case !known && (b.bar.TextFormatter == nil || b.bar.Value != 0):
		b.bar.TextFormatter = workingText
		b.bar.SetValue(0)
	}
	if !b.bar.Visible() {
		b.bar.Show()
	}
}

func workingText() string { return "working…" }

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
	return &taskBarRenderer{b: b, objects: []fyne.CanvasObject{b.title, b.detail, b.bar, b.cancel}}
}
