// Package progress reports how far long work has got. Packages that do long
// work (scanning, exporting, evaluating) take a Reporter; the command line
// prints updates as text or JSON lines, the desktop app drives a progress bar.
package progress

import "time"

// Update is one report of progress.
type Update struct {
	// Stage names the step under way ("detect", "export", "hash").
	Stage string `json:"stage"`
	// Done and Total count units of work; Total is 0 when unknown.
	Done  int64 `json:"done"`
	Total int64 `json:"total"`
	// Unit names what is counted ("images", "frames", "bytes").
	Unit string `json:"unit,omitempty"`
	// Item names the current item (a file name, for example).
	Item string `json:"item,omitempty"`
	// Elapsed is the time since the work started.
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Fraction is Done/Total in [0, 1], or -1 when the total is unknown.
func (u Update) Fraction() float64 {
	if u.Total <= 0 {
		return -1
	}
	f := float64(u.Done) / float64(u.Total)
	if f > 1 {
		f = 1
	}
	return f
}

// Rate is units per second so far.
func (u Update) Rate() float64 {
	if u.Elapsed <= 0 {
		return 0
	}
	return float64(u.Done) / u.Elapsed.Seconds()
}

// Remaining estimates the time left, or -1 when it cannot be estimated.
func (u Update) Remaining() time.Duration {
	r := u.Rate()
	if u.Total <= 0 || r <= 0 {
		return -1
	}
	return time.Duration(float64(u.Total-u.Done) / r * float64(time.Second))
}

// Reporter receives updates. Implementations must be safe for concurrent use
// and must not block for long: the work waits for them.
type Reporter interface {
	Report(Update)
}

// Func adapts a function to a Reporter.
type Func func(Update)

// Report calls f.
func (f Func) Report(u Update) { f(u) }

// Discard is a Reporter that drops every update.
var Discard Reporter = Func(func(Update) {})
