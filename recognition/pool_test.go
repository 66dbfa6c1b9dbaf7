package recognition

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestResourcePoolBoundsAndCloses(t *testing.T) {
	var created, closed atomic.Int32
	p := newResourcePool(2, func() (*int, error) {
		created.Add(1)
		return new(int), nil
	}, func(*int) { closed.Add(1) })
	var wg sync.WaitGroup
	var inUse, peak atomic.Int32
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := p.with(context.Background(), func(*int) error {
				n := inUse.Add(1)
				for {
					old := peak.Load()
					if n <= old || peak.CompareAndSwap(old, n) {
						break
					}
				}
				time.Sleep(5 * time.Millisecond)
				inUse.Add(-1)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if created.Load() > 2 || peak.Load() > 2 {
		t.Fatalf("created %d, peak use %d; want at most 2", created.Load(), peak.Load())
	}
	p.close()
	if closed.Load() != created.Load() {
		t.Fatalf("closed %d of %d resources", closed.Load(), created.Load())
	}
	if _, err := p.get(context.Background()); !errors.Is(err, errPoolClosed) {
		t.Fatalf("get after close: %v", err)
	}
}

func TestResourcePoolCloseWaitsForUsers(t *testing.T) {
	var closed atomic.Bool
	p := newResourcePool(1, func() (*int, error) { return new(int), nil }, func(*int) { closed.Store(true) })
	r, err := p.get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { p.close(); close(done) }()
	time.Sleep(20 * time.Millisecond) // gives a wrong close the chance to show; a slow machine cannot make this fail
	if closed.Load() {
		t.Fatal("close released a resource still in use")
	}
	p.put(r)
	select {
	case <-done:
	case <-time.After(60 * time.Second): // a safety net: close returns once the resource is back
		t.Fatal("close still waiting 60 s after the resource came back")
	}
	if !closed.Load() {
		t.Fatal("resource not released after it came back")
	}
}

func TestResourcePoolGetHonoursContext(t *testing.T) {
	p := newResourcePool(1, func() (*int, error) { return new(int), nil }, func(*int) {})
	r, _ := p.get(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := p.get(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want deadline exceeded", err)
	}
	p.put(r)
	p.close()
}
