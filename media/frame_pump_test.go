package media

import (
	"context"
	"errors"
	"io"
	"testing"

	"gocv.io/x/gocv"
)

func TestFramePumpWaitsForFileConsumer(t *testing.T) {
	// A file decoder never loses frames: it waits when the buffer is full.
	p := startPump(2, false, func(ctx context.Context, push func(Frame) bool) error {
		for i := 0; i < 20; i++ {
			if !push(Frame{Index: i, Mat: gocv.NewMat()}) {
				return ctx.Err()
			}
		}
		return io.EOF
	})
	for i := 0; i < 20; i++ {
		f, err := p.next(context.Background())
		if err != nil || f.Index != i {
			t.Fatalf("frame %d: index %d, %v", i, f.Index, err)
		}
		f.Close()
	}
	if _, err := p.next(context.Background()); !errors.Is(err, io.EOF) {
		t.Fatalf("end: %v", err)
	}
	p.stop()
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
	<-pushed
	// The three newest frames wait; seven were dropped.
	for want := 7; want < 10; want++ {
		f, err := p.next(context.Background())
		if err != nil || f.Index != want {
			t.Fatalf("got %d (%v), want %d", f.Index, err, want)
		}
		f.Close()
	}
	if d := p.dropped.Load(); d != 7 {
		t.Fatalf("dropped %d, want 7", d)
	}
	p.stop()
}

func TestFramePumpStopUnblocksDecoder(t *testing.T) {
	p := startPump(1, false, func(ctx context.Context, push func(Frame) bool) error {
		for i := 0; ; i++ {
			if !push(Frame{Index: i, Mat: gocv.NewMat()}) {
				return ctx.Err()
			}
		}
	})
	f, _ := p.next(context.Background())
	f.Close()
	p.stop() // returns although the decoder is blocked on a full buffer
}
