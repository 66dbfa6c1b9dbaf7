package session

import (
	"fmt"
	"sync"

	"facecase/facedata"
	"facecase/recognition"
)

// Engines loads each detector's recognition engine once, on first use, and
// shares it between the cases open in the app (engines are safe for
// concurrent use). The engines share one aligner and one descriptor net
// (recognition.SharedModels): the photo and the video detector's engines
// would otherwise hold two of each, about 140 MB more.
type Engines struct {
	mu      sync.Mutex
	engines map[facedata.DetectorName]*recognition.Engine
	shared  *recognition.SharedModels
	people  *recognition.PeopleFinder
	closed  bool
}

// NewEngines makes an empty cache.
func NewEngines() *Engines {
	return &Engines{engines: map[facedata.DetectorName]*recognition.Engine{}, shared: recognition.NewSharedModels()}
}

// People returns the person finder (people from 50 px tall), loading its
// model the first time (call it off the UI goroutine).
func (e *Engines) People() (*recognition.PeopleFinder, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, fmt.Errorf("recognition engines are closed")
	}
	if e.people == nil {
		pf, err := recognition.NewPeopleFinder("", recognition.PersonOptions{})
		if err != nil {
			return nil, err
		}
		e.people = pf
	}
	return e.people, nil
}

// Get returns the engine for a detector, loading its models the first
// time (which takes a moment: call it off the UI goroutine).
func (e *Engines) Get(detector facedata.DetectorName) (*recognition.Engine, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, fmt.Errorf("recognition engines are closed")
	}
	if eng, ok := e.engines[detector]; ok {
		return eng, nil
	}
	opts := recognition.DefaultOptions()
	opts.Detector = detector
	opts.Shared = e.shared
	eng, err := recognition.NewEngine(opts)
	if err != nil {
		return nil, err
	}
	e.engines[detector] = eng
	return eng, nil
}

// Close releases every engine.
func (e *Engines) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, eng := range e.engines {
		eng.Close()
	}
	if e.people != nil {
		e.people.Close()
	}
	err := e.shared.Close()
	e.engines, e.people, e.closed = nil, nil, true
	return err
}
