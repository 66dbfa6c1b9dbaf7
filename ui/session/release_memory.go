package session

import (
	"errors"
	"time"

	"facecase/internal/cmalloc"
)

// trimCAllocator hands the C allocator's free pages back to the system
// (cmalloc.Trim); a variable so that tests can count the calls.
var trimCAllocator = cmalloc.Trim

// ReleaseWorkMemory hands back what the loaded engines' and the person
// finder's finished runs hold for the next run (UltraFace's arena: 200-300
// MB after a few photos; BlazeFace's about 250 MB after a 720p video),
// then the C allocator's free pages: the frames, resized copies and net
// inputs of the work done, which glibc would otherwise keep in its
// per-thread arenas. Runs in flight keep what they use. It takes a few
// milliseconds: call it off the UI goroutine.
func (e *Engines) ReleaseWorkMemory() error {
	e.mu.Lock() // no engine is closed meanwhile
	defer e.mu.Unlock()
	var errs []error
	for _, eng := range e.engines {
		errs = append(errs, eng.ReleaseWorkMemory())
	}
	if e.people != nil {
		errs = append(errs, e.people.ReleaseWorkMemory())
	}
	trimCAllocator()
	return errors.Join(errs...)
}

// startAnalysis is called as an item's analysis starts. When the item is
// of another kind than the last one analysed, the engines' working memory
// is handed back first: a photo's UltraFace arena would otherwise stay
// through a video's scan, and a video's BlazeFace arena through the
// photos. Between items of one kind it stays: the next photo would take
// it again page by page, which took the six demo photos' processor time
// from 1.3-1.4 to 4.7-5.1 s.
//
// The first item of an intake trims the C allocator: what the app did
// since the last intake (a video played in the viewer, its frames and
// their copies) lies free in glibc's per-thread heaps, which only a trim
// hands back, and the scan would otherwise grow on top of it (the
// screenshot tour's second case started 50-100 MB higher).
func (s *Session) startAnalysis(kind string) {
	s.mu.Lock()
	last := s.lastKind
	s.lastKind = kind
	s.mu.Unlock()
	switch {
	case last == "":
		trimCAllocator()
	case last != kind:
		s.engines.ReleaseWorkMemory() // a failure changes no result
	}
}

// endAnalyses hands the engines' working memory back when an intake that
// analysed anything ends, however it ends: the case may then sit open for
// hours.
func (s *Session) endAnalyses() {
	s.mu.Lock()
	last := s.lastKind
	s.lastKind = ""
	s.mu.Unlock()
	if last != "" {
		s.engines.ReleaseWorkMemory() // a failure changes no result
	}
}

// videoTrimEvery is the least time between two trims of the C allocator
// while a video is analysed: its frames, resized copies and net inputs
// are freed by the thousand, and glibc keeps their pages in its heaps
// until trimmed. A trim takes a few milliseconds.
const videoTrimEvery = 5 * time.Second

// cTrimmer trims the C allocator at most once per interval.
type cTrimmer struct {
	every time.Duration
	last  time.Time
}

// maybe trims when the interval has passed since the last trim.
func (t *cTrimmer) maybe() {
	if now := time.Now(); now.Sub(t.last) >= t.every {
		trimCAllocator()
		t.last = now
	}
}
