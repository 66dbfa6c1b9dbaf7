package async

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
)

// Probe measures how long the UI goroutine stays blocked: every interval
// it posts an empty update with fyne.Do and records, in m, how long the
// update waited before it started to run. The time is taken inside the
// update, on the UI goroutine, so the probe's own goroutine being slow to
// wake afterwards (it runs at background priority, see internal/sched)
// does not count as a blocked UI. It returns when ctx ends. Run it on its
// own goroutine beside a running app (the --tour run does).
func Probe(ctx context.Context, interval time.Duration, m *Monitor) {
	t := time.NewTicker(interval)
	defer t.Stop()
	ran := make(chan time.Time, 1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		posted := time.Now()
		fyne.Do(func() {
			// Taking the update lock (in tests) makes the probe wait for
			// running updates on Fyne's test driver too, where updates
			// run on the goroutines that post them.
			lockUI()()
			ran <- time.Now()
		})
		select {
		case started := <-ran:
			m.Record("probe", started.Sub(posted))
		case <-ctx.Done():
			return
		}
	}
}
