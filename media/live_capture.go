package media

import (
	"context"
	"fmt"
	"sync"
	"time"

	"gocv.io/x/gocv"
)

// captureGrace is how long closing an OpenCV capture waits for a read in
// progress to return. A read blocked longer (a dead network camera) is
// left to finish on its own: OpenCV's FFmpeg backend interrupts it after
// its own 30-second timeout and V4L2 after 10 seconds, and the capture is
// closed then.
const captureGrace = 2 * time.Second

// captureConn reads an OpenCV capture (USB camera or RTSP) on a goroutine
// of its own, because OpenCV's reads cannot be interrupted: read gives up
// after its timeout while the goroutine stays blocked in OpenCV, and no
// one else ever touches the capture.
type captureConn struct {
	rate     float64
	frames   chan gocv.Mat
	failed   chan struct{} // closed when a read fails
	stop     chan struct{}
	exited   chan struct{}
	stopOnce sync.Once
}

func startCaptureConn(vc *gocv.VideoCapture) *captureConn {
	c := &captureConn{
		rate:   vc.Get(gocv.VideoCaptureFPS),
		frames: make(chan gocv.Mat),
		failed: make(chan struct{}),
		stop:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	go func() {
		defer close(c.exited)
		defer vc.Close()
		for {
			m := gocv.NewMat()
			if !vc.Read(&m) || m.Empty() {
				m.Close()
				close(c.failed)
				return
			}
			select {
			case c.frames <- m:
			case <-c.stop:
				m.Close()
				return
			}
		}
	}()
	return c
}

func (c *captureConn) read(ctx context.Context, timeout time.Duration) (gocv.Mat, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case m := <-c.frames:
		if m.Type() != gocv.MatTypeCV8UC3 {
			if err := toBGR(&m); err != nil {
				m.Close()
				return gocv.Mat{}, errBrokenFrame
			}
		}
		return m, nil
	case <-c.failed:
		return gocv.Mat{}, fmt.Errorf("the camera stopped sending frames")
	case <-t.C:
		return gocv.Mat{}, fmt.Errorf("%w: no frame for %v", ErrTimeout, timeout)
	case <-ctx.Done():
		return gocv.Mat{}, ctx.Err()
	}
}

func (c *captureConn) fps() float64 {
	if c.rate <= 0 || c.rate >= 1000 {
		return 0
	}
	return c.rate
}

func (c *captureConn) close() {
	c.stopOnce.Do(func() { close(c.stop) })
	select {
	case <-c.exited:
	case <-time.After(captureGrace):
	}
}

// openCapture runs OpenCV's blocking open on a goroutine and gives up when
// ctx ends; an open that completes later is closed then.
func openCapture(ctx context.Context, open func() (*gocv.VideoCapture, error)) (*gocv.VideoCapture, error) {
	type result struct {
		vc  *gocv.VideoCapture
		err error
	}
	done := make(chan result, 1)
	go func() {
		vc, err := open()
		if err == nil && !vc.IsOpened() {
			err = fmt.Errorf("OpenCV could not open it")
		}
		if err != nil && vc != nil {
			vc.Close()
			vc = nil
		}
		done <- result{vc, err}
	}()
	select {
	case r := <-done:
		return r.vc, r.err
	case <-ctx.Done():
		go func() {
			if r := <-done; r.vc != nil {
				r.vc.Close()
			}
		}()
		if ctx.Err() == context.DeadlineExceeded {
			return nil, ErrTimeout
		}
		return nil, ctx.Err()
	}
}
