//go:build tour

package app

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"time"

	"fyne.io/fyne/v2"

	"facecase/ui/async"
)

// processStart is close to the time the Go runtime started, which
// GODEBUG=gctrace=1 counts its "@N s" from: slow probes are printed on the
// same clock so that they can be set beside the collector's lines.
var processStart = time.Now()

// slowProbe is the wait from which the tour prints a probe and marks it
// in the execution trace.
const slowProbe = 50 * time.Millisecond

// startTourTrace prints every probe of m that waited slowProbe or longer,
// with its time since the process started, and, when
// $FACECASE_TOUR_TRACE names a file, writes an execution trace
// (runtime/trace) of the scan into it, each slow probe logged in it as a
// "ui-wait" event (`go tool trace` shows them), with a CPU profile of the
// scan beside it (the same name with ".cpu" added), whose samples the
// trace holds too: what each goroutine was running while a probe waited,
// and a heap profile as the scan ends (".heap").
// The function it returns stops both.
func startTourTrace(ctx context.Context, m *async.Monitor) (stop func(), err error) {
	m.OnSlow(slowProbe, func(name string, d time.Duration) {
		at := time.Since(processStart) - d
		trace.Log(ctx, "ui-wait", fmt.Sprintf("%s waited %.1f ms from +%.3f s", name, ms(d), at.Seconds()))
		fmt.Printf("tour: %s waited %.1f ms from +%.3f s\n", name, ms(d), at.Seconds())
	})
	path := os.Getenv("FACECASE_TOUR_TRACE")
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("tour trace: %w", err)
	}
	cpu, err := os.Create(path + ".cpu")
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("tour trace: %w", err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		f.Close()
		cpu.Close()
		return nil, fmt.Errorf("tour trace: %w", err)
	}
	if err := trace.Start(f); err != nil {
		pprof.StopCPUProfile()
		f.Close()
		cpu.Close()
		return nil, fmt.Errorf("tour trace: %w", err)
	}
	return func() {
		trace.Stop()
		pprof.StopCPUProfile()
		f.Close()
		cpu.Close()
		// What the Go heap holds as the scan ends (the same name with
		// ".heap" added): the live heap decides the collector's goal.
		if h, err := os.Create(path + ".heap"); err == nil {
			runtime.GC()
			pprof.Lookup("heap").WriteTo(h, 0)
			h.Close()
		}
	}, nil
}

// windowSizes are the open windows' canvas sizes by title.
func windowSizes() map[string]fyne.Size {
	out := map[string]fyne.Size{}
	async.DoAndWait("tour window sizes", func() {
		for _, w := range fyne.CurrentApp().Driver().AllWindows() {
			out[w.Title()] = w.Canvas().Size()
		}
	})
	return out
}

// reportGrownWindows prints the windows that grew between two
// windowSizes: a window growing to fit its content means a resize and a
// full repaint on the UI goroutine.
func reportGrownWindows(before, after map[string]fyne.Size) {
	for title, b := range before {
		if a, ok := after[title]; ok && (a.Width > b.Width || a.Height > b.Height) {
			fmt.Printf("tour: window %q grew during the scan from %vx%v to %vx%v\n", title, b.Width, b.Height, a.Width, a.Height)
		}
	}
}
