package gallery

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"facecase/progress"
)

// background runs index rebuilds that drift triggers.
type background struct {
	ctx        context.Context
	cancel     context.CancelFunc
	wg         sync.WaitGroup
	running    atomic.Bool // a rebuild
	lastErr    atomic.Pointer[error]
	upgrading  atomic.Bool // an upgrade of old-layout chunks (see upgrade.go)
	upgradeErr atomic.Pointer[error]
	filling    atomic.Bool // a FillStats (see stats_fill.go)
}

func (b *background) init() { b.ctx, b.cancel = context.WithCancel(context.Background()) }

func (b *background) stop() {
	b.cancel()
	b.wg.Wait()
}

// RebuildError is the error of the last background rebuild that failed (it
// is retried on the next change), or else of the background upgrade of an
// older file's chunks (retried on the next open), or nil.
func (g *Local) RebuildError() error {
	if p := g.bg.lastErr.Load(); p != nil {
		return *p
	}
	if p := g.bg.upgradeErr.Load(); p != nil {
		return *p
	}
	return nil
}

// WaitRebuild waits until no background rebuild, nor background upgrade of
// an older file's chunks, is running.
func (g *Local) WaitRebuild(ctx context.Context) error {
	for g.bg.running.Load() || g.bg.upgrading.Load() || g.bg.filling.Load() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

// drifted reports whether the index no longer fits the gallery: it was
// never trained for the gallery's size, it has no product quantizer (it
// was written by version 2), too many faces were added or
// removed since training, or one list grew far beyond the others (new faces
// all landing in one region of the space). writeMu is held.
func (g *Local) drifted() bool {
	ix, n := g.ix, g.live
	want := g.opts.listsFor(n)
	if ix.flat() {
		if want > 1 {
			return true
		}
		// A flat index is exact whatever its quantizer; retraining the
		// quantizer only keeps the error bounds, and so the search, tight.
		return n >= 1000 && ix.changes > max(ix.trainedOn, 1000)
	}
	if n < g.opts.MinIndexed/2 {
		return true
	}
	if ix.pq == nil { // an index of a version-2 file
		return true
	}
	if ix.changes > ix.trainedOn/2 {
		return true
	}
	mean := max(1, n/len(ix.lists))
	return ix.largestList() > max(256, 16*mean, 2*ix.baseLargest)
}

// maybeRebuild starts a background rebuild when the index drifted.
// writeMu is held.
func (g *Local) maybeRebuild() {
	if g.opts.ManualRebuild || g.closed.Load() || !g.drifted() {
		return
	}
	g.bg.start(&g.bg.running, func(ctx context.Context) {
		if err := g.Rebuild(ctx); err != nil && !errors.Is(err, context.Canceled) {
			g.bg.lastErr.Store(&err)
		} else if err == nil {
			g.bg.lastErr.Store(nil)
		}
	})
}

// start runs fn in a goroutine unless running says one runs already;
// running is true while it runs, and stop waits for it.
func (b *background) start(running *atomic.Bool, fn func(ctx context.Context)) {
	if !running.CompareAndSwap(false, true) {
		return
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer running.Store(false)
		fn(b.ctx)
	}()
}

// trainingSample is how many faces index training looks at, at most.
const trainingSample = 1 << 20

// Rebuild trains a new index on the enrolled faces and swaps it in.
// Searches, adds and removes go on meanwhile; changes made during the
// rebuild are carried into the new index before the swap. On a gallery
// file the new index is written beside the old one and replaces it in one
// transaction, so a crash leaves one complete index.
func (g *Local) Rebuild(ctx context.Context) (err error) {
	g.rebuildMu.Lock()
	defer g.rebuildMu.Unlock()
	if g.closed.Load() {
		return ErrClosed
	}
	if err := g.writable(); err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	start := time.Now()
	g.writeMu.Lock()
	g.rebuilds++
	g.dirty = nil
	rows, live := g.nextRow, g.live
	g.writeMu.Unlock()
	defer func() {
		g.writeMu.Lock()
		g.rebuilds--
		g.dirty = nil
		g.writeMu.Unlock()
	}()
	report := func(stage string, done, total int64) {
		g.opts.Progress.Report(progress.Update{Stage: stage, Done: done, Total: total, Unit: "faces", Elapsed: time.Since(start)})
	}

	ix, err := g.trainIndex(ctx, rows, live, report)
	if err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}

	var gen uint64
	if g.st != nil {
		if gen, err = g.beginIndex(ix); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
		defer func() {
			if err != nil && !g.closed.Load() {
				// A failed rebuild leaves no half-written index behind
				// (opening the file would drop it too).
				g.writeMu.Lock()
				g.st.dropIndex(gen)
				g.writeMu.Unlock()
			}
		}()
	}
	if err := g.encodeRows(ctx, ix, gen, rows, report); err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	return g.finishRebuild(ctx, ix, gen)
}

// encodeRows encodes every row below rows that is live now into ix and,
// on a gallery file, writes the codes as index generation gen, 64 chunks a
// transaction. Rows changed later are redone from the dirty list
// (finishRebuild).
func (g *Local) encodeRows(ctx context.Context, ix *index, gen uint64, rows uint32, report func(string, int64, int64)) error {
	buf := make([]float32, chunkRows*dim)
	var raw []float32
	codes := make([]code, chunkRows)
	var batch []codeChunk
	for c0 := uint32(0); c0 < rows; c0 += chunkRows {
		n := min(chunkRows, int(rows-c0))
		cc, err := g.encodeChunk(ctx, ix, c0, n, buf, &raw, codes)
		if err != nil {
			return err
		}
		if g.st != nil {
			batch = append(batch, cc)
			if len(batch) == 64 {
				if err := g.writeCodes(gen, batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		report("index: encode", int64(c0)+int64(n), int64(rows))
	}
	if len(batch) > 0 {
		return g.writeCodes(gen, batch)
	}
	return nil
}

// encodeChunk encodes the live rows among the n rows from c0 (one chunk)
// on all cores and inserts them into ix; it returns the chunk's codes, of
// list noList for the rows that are not live. buf, raw and codes are
// scratch space for one chunk.
func (g *Local) encodeChunk(ctx context.Context, ix *index, c0 uint32, n int, buf []float32, raw *[]float32, codes []code) (codeChunk, error) {
	liveRows, err := g.readChunk(c0, n, buf, raw)
	if err != nil {
		return codeChunk{}, err
	}
	if err := parallelFor(ctx, n, 128, func(_, lo, hi int) {
		var scratch []float32
		for i := lo; i < hi; i++ {
			if liveRows[i] {
				codes[i] = ix.encode((*[dim]float32)(buf[i*dim:]), &scratch)
			}
		}
	}); err != nil {
		return codeChunk{}, err
	}
	cc := codeChunk{chunk: c0 / chunkRows, codes: make([]code, chunkRows)}
	for i := range n {
		cc.codes[i].list = noList
		if liveRows[i] {
			ix.insert(c0+uint32(i), &codes[i])
			cc.codes[i] = codes[i]
		}
	}
	for i := n; i < chunkRows; i++ {
		cc.codes[i].list = noList
	}
	return cc, nil
}

// finishRebuild carries the changes made during the rebuild into ix and
// swaps it in.
func (g *Local) finishRebuild(ctx context.Context, ix *index, gen uint64) error {
	g.writeMu.Lock()
	defer g.writeMu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	dirty := slices.Compact(slices.Sorted(slices.Values(g.dirty)))
	vec := make([]float32, dim)
	var scratch, raw []float32
	patch := make(map[uint32]code, len(dirty))
	for _, r := range dirty {
		ix.remove(r)
		e := code{list: noList}
		if int(r) < len(g.ids) && g.ids[r] != 0 {
			if err := g.readVectors([]uint32{r}, vec, &raw); err != nil {
				return fmt.Errorf("rebuild index: %w", err)
			}
			e = ix.encode((*[dim]float32)(vec), &scratch)
			ix.insert(r, &e)
		}
		patch[r] = e
	}
	ix.changes = len(dirty)
	ix.baseLargest = ix.largestList()
	var fv *fileVectors
	if g.st != nil {
		var err error
		if fv, err = g.st.switchIndex(gen, patch, ix.changes); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
	}
	g.mu.Lock()
	g.ix = ix
	if fv != nil {
		g.fileVec = fv
	}
	g.mu.Unlock()
	return nil
}

// readSample reads up to n live faces chosen at random among rows [0, rows).
func (g *Local) readSample(rows uint32, n int, seed uint64) ([]float32, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	var pick []uint32
	for r := range rows {
		if g.ids[r] != 0 {
			pick = append(pick, r)
		}
	}
	if len(pick) > n {
		rng := rand.New(rand.NewPCG(seed, 7))
		rng.Shuffle(len(pick), func(i, j int) { pick[i], pick[j] = pick[j], pick[i] })
		pick = pick[:n]
		slices.Sort(pick)
	}
	out := make([]float32, len(pick)*dim)
	var raw []float32
	return out, g.readVectors(pick, out, &raw)
}

// readChunk reads rows c0..c0+n-1 (c0 starts a chunk) into buf and says
// which are live; raw is scratch.
func (g *Local) readChunk(c0 uint32, n int, buf []float32, raw *[]float32) ([]bool, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	live := make([]bool, n)
	for i := range n {
		live[i] = g.ids[c0+uint32(i)] != 0
	}
	return live, g.readChunkVectors(c0/chunkRows, n, buf, raw)
}

// trainIndex trains a new, empty index on a sample of the live faces among
// rows [0, rows). The sample and its residuals (up to about 1 GB) are let go
// when it returns, before the faces are encoded.
func (g *Local) trainIndex(ctx context.Context, rows uint32, live int, report func(string, int64, int64)) (*index, error) {
	nlist := g.opts.listsFor(live)
	sample, err := g.readSample(rows, min(live, max(trainingSample/4, min(trainingSample, 64*nlist))), g.opts.Seed)
	if err != nil {
		return nil, err
	}
	n := int64(len(sample) / dim)
	report("index: train", 0, n)
	c, err := trainCoarse(ctx, sample, nlist, g.opts.Seed)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	res := residualsOf(c, sample)
	ix := newIndex(c, trainQuantizer(res), live)
	ix.resident = g.residentFor(live)
	if !c.flat() {
		if ix.pq, err = trainPQ(ctx, res, sample, g.opts.Seed); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	report("index: train", n, n)
	return ix, nil
}

// residualsOf is each face of sample minus the centroid of its list in c.
func residualsOf(c *coarse, sample []float32) []float32 {
	res := make([]float32, len(sample))
	var scratch []float32
	for i := 0; i+dim <= len(sample); i += dim {
		x := (*[dim]float32)(sample[i:])
		cen := c.centroid(c.assign(x, &scratch))
		for j := range dim {
			res[i+j] = x[j] - cen[j]
		}
	}
	return res
}

// codeChunk is the codes of one chunk of rows, for the gallery file.
type codeChunk struct {
	chunk uint32
	codes []code // chunkRows entries; list noList for rows not indexed
}

// beginIndex stores a new index's centroids under a new generation.
func (g *Local) beginIndex(ix *index) (uint64, error) {
	g.writeMu.Lock()
	defer g.writeMu.Unlock()
	gen, fv, err := g.st.beginIndex(ix)
	if err != nil {
		return 0, err
	}
	g.swapVectors(fv)
	return gen, nil
}

// writeCodes stores codes of a new index generation.
func (g *Local) writeCodes(gen uint64, batch []codeChunk) error {
	g.writeMu.Lock()
	defer g.writeMu.Unlock()
	fv, err := g.st.writeCodes(gen, batch)
	if err != nil {
		return err
	}
	g.swapVectors(fv)
	return nil
}

// swapVectors installs where the float chunks are after a commit.
func (g *Local) swapVectors(fv *fileVectors) {
	g.mu.Lock()
	g.fileVec = fv
	g.mu.Unlock()
}
