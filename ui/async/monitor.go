package async

import (
	"fmt"
	"sync"
	"time"
)

// Stats summarises how long work ran on the UI goroutine.
type Stats struct {
	// Count is the number of callbacks (or probe ticks) measured.
	Count int
	// Max is the longest one; MaxName says which it was.
	Max     time.Duration
	MaxName string
	// Total is the sum of all measured durations.
	Total time.Duration
	// Over counts those longer than the Monitor's limit.
	Over int
}

// Mean is the average duration, or 0 when nothing was measured.
func (s Stats) Mean() time.Duration {
	if s.Count == 0 {
		return 0
	}
	return s.Total / time.Duration(s.Count)
}

func (s Stats) String() string {
	return fmt.Sprintf("%d measured, longest %v (%s), mean %v, %d over the limit",
		s.Count, s.Max.Round(time.Microsecond), s.MaxName, s.Mean().Round(time.Microsecond), s.Over)
}

// Monitor records durations. It is safe for concurrent use.
type Monitor struct {
	limit time.Duration
	mu    sync.Mutex
	stats Stats
	// slow and onSlow: see OnSlow.
	slow   time.Duration
	onSlow func(name string, d time.Duration)
}

// UILimit is the longest the UI goroutine may be kept busy by one update or
// event handler (issue 5: never blocked for more than 100 ms).
const UILimit = 100 * time.Millisecond

// NewMonitor records durations and counts those longer than limit.
func NewMonitor(limit time.Duration) *Monitor { return &Monitor{limit: limit} }

// OnSlow makes Record call f, outside the monitor's lock, with every
// duration of at least d. The screenshot tour uses it to mark long waits
// in an execution trace.
func (m *Monitor) OnSlow(d time.Duration, f func(name string, d time.Duration)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.slow, m.onSlow = d, f
}

// Record adds one measured duration.
func (m *Monitor) Record(name string, d time.Duration) {
	if f := m.record(name, d); f != nil {
		f(name, d)
	}
}

// record adds d and returns the OnSlow function when d calls for it.
func (m *Monitor) record(name string, d time.Duration) func(string, time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stats.Count++
	m.stats.Total += d
	if d > m.stats.Max {
		m.stats.Max, m.stats.MaxName = d, name
	}
	if d > m.limit {
		m.stats.Over++
	}
	if m.onSlow != nil && d >= m.slow {
		return m.onSlow
	}
	return nil
}

// Stats returns the figures so far.
func (m *Monitor) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stats
}

// Reset forgets everything recorded.
func (m *Monitor) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stats = Stats{}
}

// Callbacks measures every update run through Do and every handler
// wrapped by Handler.
var Callbacks = NewMonitor(UILimit)
