package views

import (
	"sync"
	"time"

	"facecase/ui/async"
)

// refreshThrottle runs a UI refresh at most once per interval however
// often background work asks for one.
type refreshThrottle struct {
	name     string
	interval time.Duration
	apply    func() // runs on the UI goroutine

	mu      sync.Mutex
	pending bool
}

func newRefreshThrottle(name string, interval time.Duration, apply func()) *refreshThrottle {
	return &refreshThrottle{name: name, interval: interval, apply: apply}
}

// Request asks for a refresh from any goroutine.
func (t *refreshThrottle) Request() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pending {
		return
	}
	t.pending = true
	time.AfterFunc(t.interval, func() {
		t.mu.Lock()
		t.pending = false
		t.mu.Unlock()
		async.Do(t.name, t.apply)
	})
}
