package eval

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"facecase/progress"
)

// runReplicates draws the identity weights of replicates 0..replicates-1
// and calls replicate(b, weight) for each, on workers goroutines (GOMAXPROCS
// when <= 0). Replicate b draws, with a PCG generator seeded (seed, b),
// as many identities as set has enrolled ones, with replacement: weight[k]
// is how often identity k was drawn. Results do not depend on the number
// of workers. It stops early when ctx is cancelled and returns ctx's error.
func runReplicates(ctx context.Context, set *scoringSet, replicates int, seed uint64, workers int, rep progress.Reporter, stage string,
	replicate func(b int, weight []float64)) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if rep == nil {
		rep = progress.Discard
	}
	// Only identities with an enrolled image are drawn.
	var pool []int32
	for e, k := range set.ident {
		if e == 0 || k != set.ident[e-1] {
			pool = append(pool, k)
		}
	}
	var (
		next atomic.Int64
		mu   sync.Mutex
		done int64
		wg   sync.WaitGroup
	)
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			weight := make([]float64, len(set.identities))
			for {
				b := int(next.Add(1) - 1)
				if b >= replicates || ctx.Err() != nil {
					return
				}
				rng := rand.New(rand.NewPCG(seed, uint64(b)))
				clear(weight)
				for range pool {
					weight[pool[rng.IntN(len(pool))]]++
				}
				replicate(b, weight)
				mu.Lock()
				done++
				rep.Report(progress.Update{Stage: stage, Done: done, Total: int64(replicates), Unit: "replicates", Elapsed: time.Since(start)})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
