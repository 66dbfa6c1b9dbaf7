package gallery

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
	"facecase/progress"
)

// Cohort statistics in a gallery file (version 5). Each face record holds
// its face's statistics (see record.go); meta "cohort" names the cohort
// they come from, and meta "statsfill", while present, says that the
// records from its chunk number on may still hold another cohort's (or a
// version 4 file's zeros). Opening a file for writing with Options.Cohort
// set and another cohort (or none) recorded sets both, and FillStats
// recomputes every face's statistics in batches of transactions, in the
// background, while searches and changes go on. Until a chunk is filled,
// a normalised search computes its faces' statistics as it reads them
// (0.1 ms a face), so its results are right all along.
var (
	keyCohort    = []byte("cohort")
	keyStatsFill = []byte("statsfill")
)

// statsState is what a file says about its faces' statistics.
type statsState struct {
	cohort  string // "": none recorded
	pending bool   // statsfill present
	next    uint32 // statsfill's chunk
}

// readStatsState reads meta's cohort and statsfill values.
func readStatsState(tx *bolt.Tx, sealedValues bool) (statsState, error) {
	vs := values{b: tx.Bucket(bucketMeta), sealed: sealedValues}
	var st statsState
	c, err := vs.get(keyCohort)
	if err != nil {
		return st, err
	}
	st.cohort = string(c)
	f, err := vs.get(keyStatsFill)
	if err != nil || f == nil {
		return st, err
	}
	st.pending = true
	st.next, err = getU32(f)
	return st, err
}

// statsCurrent reports whether st, row's stored statistics, come from the
// gallery's cohort; mu is held.
func (g *Local) statsCurrent(row uint32, st facedata.CohortStats) bool {
	return st.Valid() && (g.statsAll || row/chunkRows < g.statsDone)
}

// useStats sets which stored statistics are current from the file's
// state, and says whether they must be recomputed (another cohort's, or
// none, on a file that has faces). Called while opening.
func (g *Local) useStats(st statsState) (refill bool) {
	c := g.opts.Cohort
	switch {
	case g.st == nil:
		g.statsAll = c != nil
	case c == nil:
	case st.cohort == c.ID() && !st.pending:
		g.statsAll = true
	case st.cohort == c.ID():
		g.statsDone = st.next
	default:
		return true
	}
	return false
}

// startStatsFill records the gallery's cohort in the file and, when it
// holds faces, marks their statistics for recomputing (see FillStats).
// writeMu is held, or the gallery is being opened.
func (g *Local) startStatsFill() (*fileVectors, error) {
	pending := g.nextRow > 0
	fv, err := g.st.commit(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if err := putValue(meta, keyCohort, []byte(g.opts.Cohort.ID())); err != nil {
			return err
		}
		if !pending {
			return meta.Delete(keyStatsFill)
		}
		return putValue(meta, keyStatsFill, u32(0))
	})
	if err != nil {
		return nil, fmt.Errorf("record the score normalisation cohort: %w", err)
	}
	g.statsAll, g.statsDone = !pending, 0
	return fv, nil
}

// FillStats recomputes the cohort statistics a gallery file's faces carry
// with Options.Cohort, in batches of transactions, where the file holds
// another cohort's or none (see startStatsFill); searches and changes go
// on meanwhile. A gallery opened without ManualRebuild does this in the
// background. It returns at once when nothing is left to fill.
func (g *Local) FillStats(ctx context.Context) error {
	if g.closed.Load() {
		return ErrClosed
	}
	if g.st == nil || g.opts.Cohort == nil {
		return nil
	}
	if err := g.writable(); err != nil {
		return fmt.Errorf("cohort statistics: %w", err)
	}
	g.fillMu.Lock()
	defer g.fillMu.Unlock()
	start := time.Now()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		g.writeMu.Lock()
		if g.closed.Load() {
			g.writeMu.Unlock()
			return ErrClosed
		}
		g.mu.RLock()
		all, from := g.statsAll, g.statsDone
		g.mu.RUnlock()
		if all {
			g.writeMu.Unlock()
			return nil
		}
		total := int64(g.nextRow)
		next, done, fv, err := g.fillStatsBatch(ctx, from, upgradeBatchChunks)
		if err == nil {
			g.mu.Lock()
			g.fileVec = fv
			g.statsDone, g.statsAll = next, done
			g.mu.Unlock()
		}
		g.writeMu.Unlock()
		if err != nil {
			return fmt.Errorf("cohort statistics: %w", err)
		}
		g.opts.Progress.Report(progress.Update{Stage: "cohort statistics", Done: min(total, int64(next)*chunkRows),
			Total: total, Unit: "faces", Elapsed: time.Since(start)})
		if done {
			return nil
		}
	}
}

// fillStatsBatch recomputes the statistics of the faces of chunks from to
// from+n-1 in one transaction and records the next chunk (or, after the
// last, that none is left). writeMu is held, so the rows do not change.
func (g *Local) fillStatsBatch(ctx context.Context, from, n uint32) (next uint32, done bool, fv *fileVectors, err error) {
	end := uint32(chunksFor(g.nextRow))
	next = min(end, from+n)
	done = next >= end
	cohort := g.opts.Cohort
	fv, err = g.st.commit(func(tx *bolt.Tx) error {
		ed := newChunkEditor(tx.Bucket(bucketVectors), vectorsKind, g.st.legacy.Load(), blankVectors)
		for c := from; c < next; c++ {
			body, err := ed.chunk(c)
			if err != nil {
				return err
			}
			err = parallelFor(ctx, chunkRows, 128, func(_, lo, hi int) {
				var d [dim]float32
				for slot := lo; slot < hi; slot++ {
					r := c*chunkRows + uint32(slot)
					if r >= g.nextRow || g.ids[r] == 0 {
						continue
					}
					rec := body[slot*recordBytes : (slot+1)*recordBytes]
					bytesF32(rec[:vectorBytes], d[:])
					putRecord(body, slot, r, &d, cohort.Stats((*facedata.Descriptor)(&d)))
				}
			})
			if err != nil {
				return err
			}
		}
		if err := ed.flush(); err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		if done {
			return meta.Delete(keyStatsFill)
		}
		return putValue(meta, keyStatsFill, u32(next))
	})
	return next, done, fv, err
}

// maybeFillStats starts the background FillStats. writeMu is held.
func (g *Local) maybeFillStats() {
	if g.opts.ManualRebuild || g.closed.Load() || g.st == nil || g.st.readOnly || g.opts.Cohort == nil || g.statsAll {
		return
	}
	g.bg.start(&g.bg.filling, func(ctx context.Context) {
		if err := g.FillStats(ctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, ErrClosed) {
			g.bg.upgradeErr.Store(&err)
		}
	})
}
