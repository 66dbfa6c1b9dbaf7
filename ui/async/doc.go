// Package async keeps the desktop app responsive: it is the one way the rest
// of ui/ touches widgets from other goroutines and runs long work.
//
//   - Do hands a UI update to Fyne's UI goroutine (fyne.Do) and measures
//     how long the update ran, so a slow update is found by a test rather
//     than by a frozen window.
//   - Handler wraps an event handler (a button tap, a selection) with the
//     same measurement.
//   - A Task runs long work (intake, a video scan, an export) on its own
//     goroutine with a context the user can cancel, and delivers throttled
//     progress, the result and any error on the UI goroutine.
//   - A Probe posts an empty update every few milliseconds and records how
//     late it runs: the longest delay is the longest time the UI goroutine
//     was blocked, whatever blocked it (our code, Fyne's layout or
//     painting).
//
// Monitor collects the figures; the benchmarks and CI's screenshot tour
// (a build with the "tour" tag) report them.
package async
