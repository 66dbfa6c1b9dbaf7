package media

import (
	"context"
	"sync"
	"sync/atomic"
)

// framePump runs a decoder on its own goroutine and hands its frames to the
// consumer through a bounded buffer. When the buffer is full, a file's
// decoder waits; a live source's decoder drops the oldest waiting frame
// (and counts it), so the consumer always gets recent frames and memory
// stays bounded.
type framePump struct {
	frames     chan Frame
	dropOldest bool
	dropped    atomic.Int64
	cancel     context.CancelFunc
	done       chan struct{}
	errMu      sync.Mutex
	err        error // why the decoder stopped; valid once frames is closed
}

// decodeFunc produces frames by calling push until it returns an error
// (io.EOF at the end of a file). push returns false when the pump is
// stopping; the decoder must then return.
type decodeFunc func(ctx context.Context, push func(Frame) bool) error

func startPump(buffer int, dropOldest bool, decode decodeFunc) *framePump {
	ctx, cancel := context.WithCancel(context.Background())
	p := &framePump{
		frames:     make(chan Frame, buffer),
		dropOldest: dropOldest,
		cancel:     cancel,
		done:       make(chan struct{}),
	}
	go func() {
		defer close(p.done)
		err := decode(ctx, func(f Frame) bool { return p.push(ctx, f) })
		p.errMu.Lock()
		p.err = err
		p.errMu.Unlock()
		close(p.frames)
	}()
	return p
}

// push hands f to the consumer; it closes f and returns false when the
// pump is stopping.
func (p *framePump) push(ctx context.Context, f Frame) bool {
	if ctx.Err() != nil {
		f.Close()
		return false
	}
	if !p.dropOldest {
		select {
		case p.frames <- f:
			return true
		case <-ctx.Done():
			f.Close()
			return false
		}
	}
	for {
		select {
		case p.frames <- f:
			return true
		default:
		}
		select {
		case old := <-p.frames:
			old.Close()
			p.dropped.Add(1)
		default:
		}
	}
}

// next returns the next frame, or the decoder's final error once every
// buffered frame has been taken.
func (p *framePump) next(ctx context.Context) (Frame, error) {
	select {
	case f, ok := <-p.frames:
		if !ok {
			p.errMu.Lock()
			defer p.errMu.Unlock()
			return Frame{}, p.err
		}
		return f, nil
	case <-ctx.Done():
		return Frame{}, ctx.Err()
	}
}

// stop ends the decoder, waits for it and closes every frame still
// buffered.
func (p *framePump) stop() {
	p.cancel()
	<-p.done
	for f := range p.frames {
		f.Close()
	}
}
