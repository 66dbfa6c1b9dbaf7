package recognition

import (
	"context"
	"errors"
	"runtime"
	"sync"
)

// errPoolClosed is returned by a pool used after Close.
var errPoolClosed = errors.New("recognition: model closed")

// resourcePool hands out resources that are not safe for concurrent use
// (OpenCV nets, cascades) one goroutine at a time. Resources are created on
// demand up to max; callers beyond that wait for one to be returned.
type resourcePool[T any] struct {
	newFn   func() (T, error)
	closeFn func(T)
	free    chan T
	slots   chan struct{} // one token per resource that may still be created

	mu     sync.Mutex
	all    []T
	closed bool
}

// newResourcePool makes a pool of at most max resources (GOMAXPROCS when max <= 0).
func newResourcePool[T any](max int, newFn func() (T, error), closeFn func(T)) *resourcePool[T] {
	if max <= 0 {
		max = runtime.GOMAXPROCS(0)
	}
	p := &resourcePool[T]{newFn: newFn, closeFn: closeFn, free: make(chan T, max), slots: make(chan struct{}, max)}
	for i := 0; i < max; i++ {
		p.slots <- struct{}{}
	}
	return p
}

// get returns a free resource, creating one when allowed, or waits.
func (p *resourcePool[T]) get(ctx context.Context) (T, error) {
	var zero T
	if p.isClosed() {
		return zero, errPoolClosed
	}
	select {
	case r := <-p.free:
		return p.checked(r)
	default:
	}
	select {
	case r := <-p.free:
		return p.checked(r)
	case <-p.slots:
		r, err := p.newFn()
		if err != nil {
			p.slots <- struct{}{}
			return zero, err
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.closed {
			p.closeFn(r)
			return zero, errPoolClosed
		}
		p.all = append(p.all, r)
		return r, nil
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// checked hands out a resource taken from the free list unless the pool
// was closed meanwhile; then the resource goes back for close to release.
func (p *resourcePool[T]) checked(r T) (T, error) {
	if p.isClosed() {
		p.free <- r
		var zero T
		return zero, errPoolClosed
	}
	return r, nil
}

func (p *resourcePool[T]) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// prime creates one resource now, so that a broken model fails at load time.
func (p *resourcePool[T]) prime() error {
	r, err := p.get(context.Background())
	if err != nil {
		return err
	}
	p.put(r)
	return nil
}

// put returns a resource taken with get.
func (p *resourcePool[T]) put(r T) {
	p.free <- r
}

// with runs fn with a resource from the pool.
func (p *resourcePool[T]) with(ctx context.Context, fn func(T) error) error {
	r, err := p.get(ctx)
	if err != nil {
		return err
	}
	defer p.put(r)
	return fn(r)
}

// close waits until every resource created so far is back in the pool,
// then releases them all. Later calls to get fail with errPoolClosed.
func (p *resourcePool[T]) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	all := p.all
	p.all = nil
	p.mu.Unlock()
	for range all {
		p.closeFn(<-p.free)
	}
}
