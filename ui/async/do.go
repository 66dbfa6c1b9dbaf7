package async

import (
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// On the desktop driver every UI update runs on the one UI goroutine, so
// the shipped app takes no lock. Fyne's test driver runs fyne.Do
// callbacks on the goroutines that post them instead; tests make updates
// take uiMu (SerialiseForTests) so that they never overlap there.
var (
	serialised atomic.Bool
	uiMu       sync.Mutex
)

// SerialiseForTests makes updates posted with Do and DoAndWait, the
// Probe's empty updates and Locked take one lock, as Fyne's test driver
// needs. The app never calls it; tests that run UI code on the test
// driver call it from TestMain, before any test runs.
func SerialiseForTests() { serialised.Store(true) }

// lockUI takes the update lock when tests asked for it and returns what
// releases it.
func lockUI() (unlock func()) {
	if !serialised.Load() {
		return func() {}
	}
	uiMu.Lock()
	return uiMu.Unlock
}

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
// widgets that background work updates; it needs SerialiseForTests.
func Locked(fn func()) {
	if !serialised.Load() {
		panic("async.Locked without async.SerialiseForTests: call it in TestMain")
	}
	defer lockUI()()
	fn()
}

func run(name string, fn func()) {
	defer lockUI()()
	measure(name, fn)
}

func measure(name string, fn func()) {
	start := time.Now()
	defer func() { Callbacks.Record(name, time.Since(start)) }()
	fn()
}
