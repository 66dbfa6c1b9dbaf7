// Command facecase is the desktop workstation: case files, evidence,
// viewer, live camera, watchlist, candidate review, audit log and export.
//
//	facecase [--demo] [CASE.facecase ...]
//
// --demo opens the demo case (made on first use from the sample photos
// installed by `make models`). A binary built with the "tour" tag also
// takes a hidden --tour DIR flag (tour.go): CI's screenshot tour
// (.ci/screenshots.sh); the app built without the tag has none of it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	_ "facecase/internal/cmalloc/arenacap" // one malloc arena a core, set as the program loads
	"facecase/internal/sched"
	"facecase/ui/app"
	"facecase/ui/async"
)

// appID is the application id (also in FyneApp.toml).
const appID = "org.facecase.workstation"

func main() {
	flags := flag.NewFlagSet("facecase", flag.ExitOnError)
	demo := flags.Bool("demo", false, "open the demo case (made on first use)")
	drive := tourFlag(flags)
	flags.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: facecase [--demo] [CASE.facecase ...]")
		fmt.Fprintln(os.Stderr, "  --demo   open the demo case (made on first use from the installed sample photos)")
	}
	flags.Parse(os.Args[1:])
	os.Exit(run(*demo, drive(), flags.Args()))
}

// A driver runs on its own goroutine beside the started app, drives it and
// returns the process's exit status; the app quits when it returns. The
// only one is CI's screenshot tour, in builds with the "tour" tag.
type driver func(a *app.App) int

func run(demo bool, drive driver, cases []string) int {
	// Fyne draws on the main thread; every other thread (scans, OpenCV's
	// pool) runs at a lower priority so the window stays responsive on a
	// 2-core laptop while a scan keeps the cores busy, and the Go runtime
	// keeps a processor free for the interface goroutine.
	sched.TuneRuntimeForUI()
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	go sched.KeepBackgroundThreadsLow(bg, time.Second)

	fa := fyneapp.NewWithID(appID)
	a := app.New(fa)
	a.ShowStart()
	if demo && drive == nil {
		a.StartView().OpenDemo()
	}
	for _, c := range cases {
		a.StartView().Open(c)
	}
	code := 0
	if drive != nil {
		go func() {
			code = drive(a)
			async.Do("driver quit", fyne.CurrentApp().Quit)
		}()
	}
	fa.Run()
	a.Shutdown()
	return code
}
