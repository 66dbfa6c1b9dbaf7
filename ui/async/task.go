package async

import (
	"context"
	"sync"
	"time"

	"facecase/progress"
)

// ProgressInterval is how often a Task passes progress to the UI at most:
// workers may report thousands of times a second, the bar needs 20.
const ProgressInterval = 50 * time.Millisecond

// Work is long work run by a Task. It must return soon after ctx ends, and
// may report progress as often as it likes.
type Work func(ctx context.Context, rep progress.Reporter) error

// TaskCallbacks receive a task's progress and end on the UI goroutine.
// Either may be nil.
type TaskCallbacks struct {
	// Progress gets the latest update, at most every ProgressInterval.
	Progress func(progress.Update)
	// Done gets the work's error (nil on success, ctx's error when it was
	// cancelled). It runs once, after the last Progress call.
	Done func(error)
}

// Task is long work running off the UI goroutine.
type Task struct {
	name   string
	cancel context.CancelFunc
	done   chan struct{}
	err    error

	mu     sync.Mutex
	latest progress.Update
	fresh  bool
}

// Start runs work on its own goroutine under a context derived from ctx
// (cancel ctx, or call Cancel, to stop it) and reports to cb on the UI
// goroutine. name labels its UI updates in Callbacks.
func Start(ctx context.Context, name string, work Work, cb TaskCallbacks) *Task {
	ctx, cancel := context.WithCancel(ctx)
	t := &Task{name: name, cancel: cancel, done: make(chan struct{})}
	workDone := make(chan error, 1)
	go func() { workDone <- work(ctx, progress.Func(t.report)) }()
	go t.deliver(workDone, cb)
	return t
}

// Cancel asks the work to stop; Done still runs.
func (t *Task) Cancel() { t.cancel() }

// Finished is closed once the Done callback has run.
func (t *Task) Finished() <-chan struct{} { return t.done }

// Err is the work's error; valid once Finished is closed.
func (t *Task) Err() error {
	<-t.done
	return t.err
}

func (t *Task) report(u progress.Update) {
	t.mu.Lock()
	t.latest, t.fresh = u, true
	t.mu.Unlock()
}

// take returns the latest update if it was not delivered yet.
func (t *Task) take() (progress.Update, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u, ok := t.latest, t.fresh
	t.fresh = false
	return u, ok
}

// deliver passes progress to the UI every ProgressInterval until the work
// ends, then the last update and the result.
func (t *Task) deliver(workDone <-chan error, cb TaskCallbacks) {
	tick := time.NewTicker(ProgressInterval)
	defer tick.Stop()
	post := func() {
		if u, ok := t.take(); ok && cb.Progress != nil {
			DoAndWait(t.name+" progress", func() { cb.Progress(u) })
		}
	}
	for {
		select {
		case <-tick.C:
			post()
		case err := <-workDone:
			t.cancel()
			post()
			t.err = err
			DoAndWait(t.name+" done", func() {
				if cb.Done != nil {
					cb.Done(err)
				}
			})
			close(t.done)
			return
		}
	}
}
