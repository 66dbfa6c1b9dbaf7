package session

import (
	"errors"

	"facecase/internal/cmalloc"
)

// trimCAllocator hands the C allocator's free pages back to the system
// (cmalloc.Trim); a variable so that tests can count the calls.
var trimCAllocator = cmalloc.Trim

// ReleaseWorkMemory hands back what the loaded engines' and the person
// finder's finished runs hold for the next run (UltraFace's arena: 200-300
// MB after a few photos; NanoDet's about 200 MB after a 720p video), then the C allocator's free pages: the frames, resized copies
// and net inputs of the work done, which glibc would otherwise keep in
// its per-thread arenas. Runs in flight keep what they use. It takes a
// few milliseconds: call it off the UI goroutine.
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
