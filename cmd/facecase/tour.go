//go:build tour

package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"facecase/ui/app"
	"facecase/ui/dialogs"
)

// tourFlag registers the hidden --tour DIR flag of CI's screenshot tour:
// after parsing, the driver it gives goes through the app's main views,
// saves a screenshot of each into DIR with the figures it measured, and
// exits non-zero when something failed (.ci/screenshots.sh runs it under
// Xvfb). It is nil when --tour was not given.
func tourFlag(flags *flag.FlagSet) func() driver {
	dir := flags.String("tour", "", "")
	return func() driver {
		if *dir == "" {
			return nil
		}
		return func(a *app.App) int { return runTour(a, *dir) }
	}
}

func runTour(a *app.App, dir string) int {
	dialogs.UseNative = false
	fig, err := a.RunTour(context.Background(), dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tour failed:", err)
		return 1
	}
	fmt.Printf("tour: %d screenshots in %s\n", len(fig.Screenshots), dir)
	fmt.Printf("tour: playback of the 1280x720 demo video with overlays: %.1f frames/s (%d shown, %d dropped in %.1f s)\n",
		fig.PlaybackFPS, fig.PlaybackShown, fig.PlaybackDropped, fig.PlaybackSeconds)
	fmt.Printf("tour: viewer throughput (same video, unpaced): %.1f frames/s\n", fig.ThroughputFPS)
	fmt.Printf("tour: during a %.1f s scan the UI goroutine was blocked at most %.1f ms (%d probes, %d over 100 ms); longest UI callback %.1f ms (%s)\n",
		fig.ScanSeconds, fig.ScanBlockMaxMS, fig.ScanProbes, fig.ScanProbesOver, fig.ScanCallbackMaxMS, fig.ScanCallbackName)
	return 0
}
