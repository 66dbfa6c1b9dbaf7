package async

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// uiMu serialises UI updates. On the desktop driver they all run on the one
// UI goroutine anyway; Fyne's test driver runs fyne.Do callbacks on the
// calling goroutine, and the lock keeps them from overlapping there.
var uiMu sync.Mutex

// Do runs fn on the UI goroutine without waiting for it, and records how
// long it ran under name in Callbacks. Call it from goroutines you started,
// never from the UI goroutine itself (call fn directly there).
func Do(name string, fn func()) {
	fyne.Do(func() { run(name, fn) })
}

// DoAndWait is Do that returns once fn has run.
func DoAndWait(name string, fn func()) {
	fyne.DoAndWait(func() { run(name, fn) })
}

// Handler wraps an event handler so that its running time is recorded
// under name. Handlers run on the UI goroutine already; they may call Do
// (never the other way round: a Do callback must not call Do or DoAndWait,
// Fyne's test driver would run the inner one at once and deadlock).
func Handler(name string, fn func()) func() {
	return func() { measure(name, fn) }
}

// Locked runs fn while no update posted with Do runs. Tests use it to read
// widgets that background work updates.
func Locked(fn func()) {
	uiMu.Lock()
	defer uiMu.Unlock()
	fn()
}

func run(name string, fn func()) {
	uiMu.Lock()
	defer uiMu.Unlock()
	measure(name, fn)
}

func measure(name string, fn func()) {
	start := time.Now()
	defer func() { Callbacks.Record(name, time.Since(start)) }()
	fn()
}
