package media

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"facecase/internal/fsutil"

	"gocv.io/x/gocv"
)

// liveConn is one connection to a live camera.
type liveConn interface {
	// read returns the next frame, 8-bit BGR, or an error: ErrTimeout
	// when nothing came within timeout, errBrokenFrame for a frame that
	// could not be decoded (the connection is still good), anything else
	// when the connection is lost.
	read(ctx context.Context, timeout time.Duration) (gocv.Mat, error)
	// close ends the connection. It does not wait for calls blocked in
	// OpenCV beyond a short grace period.
	close()
	// fps is the frame rate the camera announces, 0 when unknown.
	fps() float64
}

// dialFunc opens a connection; ctx carries the deadline.
type dialFunc func(ctx context.Context) (liveConn, error)

// errBrokenFrame marks one undecodable frame on a working connection.
var errBrokenFrame = errors.New("broken frame")

// liveSource reads a camera on its own goroutine, drops the oldest frames
// when the consumer falls behind, and reconnects with exponential back-off
// when the camera goes silent, until GiveUpAfter passes without a frame.
type liveSource struct {
	info  Info
	opts  SourceOptions
	dial  dialFunc
	start time.Time

	mu     sync.Mutex
	pump   *framePump
	closed bool

	delivered, broken, reconnects atomic.Int64
}

// openLive connects, waits for the first frame (both within OpenTimeout)
// and starts reading.
func openLive(ctx context.Context, info Info, opts SourceOptions, dial dialFunc) (Source, error) {
	octx, cancel := context.WithTimeout(ctx, opts.OpenTimeout)
	defer cancel()
	conn, err := dial(octx)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", fsutil.ShowPath(info.URI), openError(ctx, err, opts))
	}
	s := &liveSource{info: info, opts: opts, dial: dial}
	var first gocv.Mat
	for {
		first, err = conn.read(octx, time.Until(deadlineOf(octx)))
		if !errors.Is(err, errBrokenFrame) {
			break
		}
		s.broken.Add(1)
	}
	if err != nil {
		conn.close()
		return nil, fmt.Errorf("open %s: connected, but no frame arrived: %w", fsutil.ShowPath(info.URI), openError(ctx, err, opts))
	}
	s.info.Width, s.info.Height = first.Cols(), first.Rows()
	s.info.FPS = conn.fps()
	s.start = time.Now()
	s.pump = startPump(opts.Buffer, true, s.run(conn, first))
	return s, nil
}

// openError turns the open deadline into ErrTimeout; the caller's own
// cancellation stays context.Canceled.
func openError(ctx context.Context, err error, opts SourceOptions) error {
	if ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrTimeout)) {
		return fmt.Errorf("%w: no answer within %v", ErrTimeout, opts.OpenTimeout)
	}
	return err
}

func deadlineOf(ctx context.Context) time.Time {
	d, ok := ctx.Deadline()
	if !ok {
		return time.Now().Add(time.Hour)
	}
	return d
}

// Info describes the camera; the size is that of its first frame.
func (s *liveSource) Info() Info { return s.info }

// Stats counts delivered, dropped and broken frames and reconnections.
func (s *liveSource) Stats() Stats {
	s.mu.Lock()
	p := s.pump
	s.mu.Unlock()
	return Stats{
		Delivered:  int(s.delivered.Load()),
		Dropped:    int(p.dropped.Load()),
		Broken:     int(s.broken.Load()),
		Reconnects: int(s.reconnects.Load()),
	}
}

// Next returns the oldest frame still buffered (older ones were dropped).
func (s *liveSource) Next(ctx context.Context) (Frame, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return Frame{}, ErrClosed
	}
	p := s.pump
	s.mu.Unlock()
	f, err := p.next(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return Frame{}, err
		}
		return Frame{}, fmt.Errorf("read %s: %w", fsutil.ShowPath(s.info.URI), err)
	}
	s.delivered.Add(1)
	return f, nil
}

// Seek fails: a camera cannot go back.
func (s *liveSource) Seek(context.Context, int) error {
	return fmt.Errorf("seek %s: %w: it is live", fsutil.ShowPath(s.info.URI), ErrNotSeekable)
}

// Close stops reading and closes the connection.
func (s *liveSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.pump.stop()
	return nil
}

// run is the reading loop: deliver frames, and on silence or loss
// reconnect with back-off until GiveUpAfter passes without a frame.
func (s *liveSource) run(conn liveConn, first gocv.Mat) decodeFunc {
	return func(ctx context.Context, push func(Frame) bool) error {
		index := 0
		deliver := func(m gocv.Mat) bool {
			f := Frame{Index: index, Time: time.Since(s.start), Width: m.Cols(), Height: m.Rows(), Mat: m}
			index++
			return push(f)
		}
		defer func() {
			if conn != nil {
				conn.close()
			}
		}()
		if !deliver(first) {
			return ctx.Err()
		}
		lastFrame := time.Now()
		backoff := s.opts.MinBackoff
		attempts := 0
		var lastErr error
		for {
			if conn != nil {
				m, err := conn.read(ctx, s.opts.ReadTimeout)
				switch {
				case err == nil:
					lastFrame, backoff, attempts = time.Now(), s.opts.MinBackoff, 0
					if !deliver(m) {
						return ctx.Err()
					}
					continue
				case errors.Is(err, errBrokenFrame):
					s.broken.Add(1)
					index++ // the broken frame keeps its place
					continue
				}
				conn.close()
				conn = nil
				if ctx.Err() != nil {
					return ctx.Err()
				}
				lastErr = err
			}
			silent := time.Since(lastFrame)
			if silent >= s.opts.GiveUpAfter {
				return fmt.Errorf("%w: no frame for %v after %d reconnection attempts (last error: %v)",
					ErrTimeout, silent.Round(time.Second), attempts, lastErr)
			}
			wait := min(backoff, s.opts.GiveUpAfter-silent)
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return ctx.Err()
			}
			backoff = min(2*backoff, s.opts.MaxBackoff)
			attempts++
			left := s.opts.GiveUpAfter - time.Since(lastFrame)
			dctx, cancel := context.WithTimeout(ctx, max(min(s.opts.OpenTimeout, left), time.Millisecond))
			c, err := s.dial(dctx)
			cancel()
			if err != nil {
				lastErr = err
				continue
			}
			conn = c
			s.reconnects.Add(1)
		}
	}
}
