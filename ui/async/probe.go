package async

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
)

// Probe measures how long the UI goroutine stays blocked: every interval
// it posts an empty update with fyne.Do and records, in m, how long the
// update waited before it ran. It returns when ctx ends. Run it on its own
// goroutine beside a running app (the --tour run does).
func Probe(ctx context.Context, interval time.Duration, m *Monitor) {
	t := time.NewTicker(interval)
	defer t.Stop()
	ran := make(chan struct{}, 1)
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
			ran <- struct{}{}
		})
		select {
		case <-ran:
			m.Record("probe", time.Since(posted))
		case <-ctx.Done():
			return
		}
	}
}
