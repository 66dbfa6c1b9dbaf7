package gallery

import (
	"context"
	"sync"
)

// chunkScratch is one worker's buffers for scanFile.
type chunkScratch struct {
	vecs  []float32
	raw   []float32 // records as read from the file
	dists []float32
}

var chunkScratchPool = sync.Pool{New: func() any { return new(chunkScratch) }}

// scanFile is exact search over a gallery file whose int8 codes are not in
// memory: it reads every float descriptor from the file, chunk by chunk on
// all cores, and returns the rows of the k nearest within thr (a brute-force
// scan, exact by construction). mu is held.
func (g *Local) scanFile(ctx context.Context, q *[dim]float32, k int, thr float32) ([]uint32, error) {
	next := int(g.nextRow)
	chunks := (next + chunkRows - 1) / chunkRows
	type worker struct {
		best topK
		err  error
		s    *chunkScratch
	}
	workers := make([]worker, workerCount())
	for i := range workers {
		workers[i].best = newTopK(k)
		workers[i].s = chunkScratchPool.Get().(*chunkScratch)
		defer chunkScratchPool.Put(workers[i].s)
	}
	limit := thr * thr
	err := parallelFor(ctx, chunks, 1, func(w, lo, hi int) {
		wk := &workers[w]
		for c := lo; c < hi && wk.err == nil; c++ {
			first := c * chunkRows
			n := min(chunkRows, next-first)
			vecs := grow(&wk.s.vecs, n*dim)
			if wk.err = g.fileVec.readChunk(uint32(c), n, vecs, &wk.s.raw); wk.err != nil {
				return
			}
			d := grow(&wk.s.dists, n)
			sqDists(q, vecs, d)
			for i, v := range d {
				if v > limit || g.ids[first+i] == 0 {
					continue
				}
				if len(wk.best.h) < k || v < wk.best.h[0].d {
					wk.best.push(v, uint32(first+i))
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	best := newBestRows(k)
	for i := range workers {
		if workers[i].err != nil {
			return nil, workers[i].err
		}
		best.add(&workers[i].best)
	}
	return best.rows(), nil
}
