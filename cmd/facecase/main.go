// Command facecase is the desktop workstation: case files, evidence,
// viewer, live camera, watchlist, candidate review, audit log and export.
//
//	facecase [--demo] [CASE.facecase ...]
//
// --demo opens the demo case (made on first use from the sample photos
// installed by `make models`). The hidden --tour DIR flag drives the app
// through its main views, saves a screenshot of each into DIR with the
// figures it measured, and exits (non-zero when something failed); CI runs
// it under Xvfb (.ci/screenshots.sh).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"facecase/internal/sched"
	"facecase/ui/app"
	"facecase/ui/async"
	"facecase/ui/dialogs"
)

// appID is the application id (also in FyneApp.toml).
const appID = "org.facecase.workstation"

func main() {
	flags := flag.NewFlagSet("facecase", flag.ExitOnError)
	demo := flags.Bool("demo", false, "open the demo case (made on first use)")
	tour := flags.String("tour", "", "")
	flags.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: facecase [--demo] [CASE.facecase ...]")
		fmt.Fprintln(os.Stderr, "  --demo   open the demo case (made on first use from the installed sample photos)")
	}
	flags.Parse(os.Args[1:])
	os.Exit(run(*demo, *tour, flags.Args()))
}

func run(demo bool, tourDir string, cases []string) int {
	// Fyne draws on the main thread; every other thread (scans, OpenCV's
	// pool) runs at a lower priority so the window stays responsive on a
	// 2-core laptop while a scan keeps the cores busy.
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	go sched.KeepBackgroundThreadsLow(bg, time.Second)

	fa := fyneapp.NewWithID(appID)
	a := app.New(fa)
	a.ShowStart()
	if demo && tourDir == "" {
		a.StartView().OpenDemo()
	}
	for _, c := range cases {
		a.StartView().Open(c)
	}
	code := 0
	if tourDir != "" {
		dialogs.UseNative = false
		go func() {
			fig, err := a.RunTour(context.Background(), tourDir)
			if err != nil {
				fmt.Fprintln(os.Stderr, "tour failed:", err)
				code = 1
			} else {
				fmt.Printf("tour: %d screenshots in %s\n", len(fig.Screenshots), tourDir)
				fmt.Printf("tour: playback of the 1280x720 demo video with overlays: %.1f frames/s (%d shown, %d dropped in %.1f s)\n",
					fig.PlaybackFPS, fig.PlaybackShown, fig.PlaybackDropped, fig.PlaybackSeconds)
				fmt.Printf("tour: viewer throughput (same video, unpaced): %.1f frames/s\n", fig.ThroughputFPS)
				fmt.Printf("tour: during a %.1f s scan the UI goroutine was blocked at most %.1f ms (%d probes, %d over 100 ms); longest UI callback %.1f ms (%s)\n",
					fig.ScanSeconds, fig.ScanBlockMaxMS, fig.ScanProbes, fig.ScanProbesOver, fig.ScanCallbackMaxMS, fig.ScanCallbackName)
			}
			async.Do("tour quit", fyne.CurrentApp().Quit)
		}()
	}
	fa.Run()
	a.Shutdown()
	return code
}
