package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"facecase/progress"
)

// textProgress prints a one-line status at most every interval, overwriting
// the line on a terminal-like stream.
type textProgress struct {
	mu       sync.Mutex
	w        io.Writer
	interval time.Duration
	last     time.Time
	pending  *progress.Update
}

func newTextProgress(w io.Writer) *textProgress {
	return &textProgress{w: w, interval: 250 * time.Millisecond}
}

// Report prints the update unless one was printed within the interval; the
// final update (Done == Total) is always printed.
func (p *textProgress) Report(u progress.Update) {
	p.mu.Lock()
	defer p.mu.Unlock()
	final := u.Total > 0 && u.Done >= u.Total
	if !final && time.Since(p.last) < p.interval {
		p.pending = &u
		return
	}
	p.print(u)
}

func (p *textProgress) print(u progress.Update) {
	p.last = time.Now()
	p.pending = nil
	line := fmt.Sprintf("%s: %d", u.Stage, u.Done)
	if u.Total > 0 {
		line += fmt.Sprintf("/%d %s (%.0f%%)", u.Total, u.Unit, 100*u.Fraction())
	} else if u.Unit != "" {
		line += " " + u.Unit
	}
	if r := u.Rate(); r > 0 {
		line += fmt.Sprintf(", %.1f %s/s", r, u.Unit)
	}
	if left := u.Remaining(); left >= 0 {
		line += ", " + left.Round(time.Second).String() + " left"
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
	if u.Total > 0 && u.Done >= u.Total {
		fmt.Fprintln(p.w)
	}
}

// Finish prints the last held-back update and ends the line.
func (p *textProgress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending != nil {
		p.print(*p.pending)
	}
	fmt.Fprintln(p.w)
}

// jsonProgress writes each update as one JSON line.
type jsonProgress struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func newJSONProgress(w io.Writer) *jsonProgress { return &jsonProgress{enc: json.NewEncoder(w)} }

// Report writes the update as {"progress": {...}}.
func (p *jsonProgress) Report(u progress.Update) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.enc.Encode(struct {
		Progress progress.Update `json:"progress"`
	}{u})
}
