package gallery

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelFor runs fn over [0, n) in blocks of at most block items on all
// cores, and returns ctx's error when it was cancelled. Blocks are handed out
// in order, so uneven work balances itself.
func parallelFor(ctx context.Context, n, block int, fn func(worker, lo, hi int)) error {
	workers := runtime.GOMAXPROCS(0)
	if blocks := (n + block - 1) / block; blocks < workers {
		workers = blocks
	}
	if workers <= 1 {
		for lo := 0; lo < n; lo += block {
			if err := ctx.Err(); err != nil {
				return err
			}
			fn(0, lo, min(lo+block, n))
		}
		return ctx.Err()
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				lo := int(next.Add(int64(block))) - block
				if lo >= n {
					return
				}
				fn(w, lo, min(lo+block, n))
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// workerCount is how many workers parallelFor may use.
func workerCount() int { return runtime.GOMAXPROCS(0) }
