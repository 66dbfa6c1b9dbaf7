package media

import (
	"context"
	"errors"
	"io"
	"testing"

	"gocv.io/x/gocv"
)

// Every wait on the pump below is bounded by boundedContext or within: a
// pump that loses a frame or never ends fails with a message instead of
// hanging the test binary.

func TestFramePumpWaitsForFileConsumer(t *testing.T) {
	// A file decoder never loses frames: it waits when the buffer is full.
	ctx := boundedContext(t)
	p := startPump(2, false, func(ctx context.Context, push func(Frame) bool) error {
		for i := 0; i < 20; i++ {
			if !push(Frame{Index: i, Mat: gocv.NewMat()}) {
				return ctx.Err()
			}
		}
		return io.EOF
	})
	for i := 0; i < 20; i++ {
		f, err := p.next(ctx)
		if err != nil || f.Index != i {
			t.Fatalf("frame %d: index %d, %v", i, f.Index, err)
		}
		f.Close()
	}
	if _, err := p.next(ctx); !errors.Is(err, io.EOF) {
		t.Fatalf("end: %v", err)
	}
	within(t, "stopping the pump", func() error { p.stop(); return nil })
}

func TestFramePumpDropsOldestWhenLive(t *testing.T) {
	pushed := make(chan struct{})
	p := startPump(3, true, func(ctx context.Context, push func(Frame) bool) error {
		for i := 0; i < 10; i++ {
			push(Frame{Index: i, Mat: gocv.NewMat()})
		}
		close(pushed)
		<-ctx.Done()
		return ctx.Err()
	})
	within(t, "the decoder pushing 10 frames", func() error { <-pushed; return nil })
	// The three newest frames wait; seven were dropped.
	ctx := boundedContext(t)
	for want := 7; want < 10; want++ {
		f, err := p.next(ctx)
		if err != nil || f.Index != want {
			t.Fatalf("got %d (%v), want %d", f.Index, err, want)
		}
		f.Close()
	}
	if d := p.dropped.Load(); d != 7 {
		t.Fatalf("dropped %d, want 7", d)
	}
	within(t, "stopping the pump", func() error { p.stop(); return nil })
}

func TestFramePumpStopUnblocksDecoder(t *testing.T) {
	p := startPump(1, false, func(ctx context.Context, push func(Frame) bool) error {
		for i := 0; ; i++ {
			if !push(Frame{Index: i, Mat: gocv.NewMat()}) {
				return ctx.Err()
			}
		}
	})
	f, err := p.next(boundedContext(t))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	// stop returns although the decoder is blocked on a full buffer.
	within(t, "stopping a pump whose decoder is blocked", func() error { p.stop(); return nil })
}
