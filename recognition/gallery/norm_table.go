package gallery

import (
	"context"
	"errors"
	"fmt"
	"math"

	"facecase/facedata"
	"facecase/recognition/scorenorm"
)

// Score-ordered shortlists for SearchNormalised.
//
// A normalised ranking differs much from the distance ranking: a face far
// from everyone (small σ, large μ) ranks near the top at a distance beyond
// the nearest few thousand. So the approximate stages of a normalised
// search rank by an estimate of the score, from their distance estimate and
// the candidate's μ and σ, which every inverted list keeps in memory beside
// its codes (invList.stats, 8 bytes a face). They are read from the face
// records in the background after opening (0.3–0.7 s a million faces, on a
// loaded machine), and again after a rebuild; adds and removes keep them
// up to date. Records whose statistics are not current (a fill pending)
// get theirs computed with the cohort, as the fill will store them. Until
// they are in place a normalised search shortlists by distance, as before.

// invSigma is 1/σ as scorenorm.Score divides by it (σ bounded below).
func invSigma(st facedata.CohortStats) float32 {
	return float32(scorenorm.Score(1, facedata.CohortStats{Sigma: st.Sigma}, facedata.CohortStats{Sigma: st.Sigma}))
}

// insertStats appends a face's statistics to list l, when the index keeps
// them.
func (ix *index) insertStats(l *invList, st facedata.CohortStats) {
	if !ix.normReady {
		return
	}
	mu, inv := st.Mu, invSigma(st)
	l.stats = append(l.stats, mu, inv)
	l.bound.add(mu, inv)
}

// removeStats moves list l's last face's statistics to place i, as remove
// moves its codes.
func (ix *index) removeStats(l *invList, i, last int) {
	if !ix.normReady {
		return
	}
	l.stats[2*i], l.stats[2*i+1] = l.stats[2*last], l.stats[2*last+1]
	l.stats = l.stats[:2*last]
}

// normReadyFor reports whether the index keeps its faces' statistics, and
// starts reading them in the background when it does not; mu is held.
func (g *Local) normReadyFor() bool {
	if g.distanceShortlist {
		return false
	}
	if g.ix.normReady {
		if g.ix.wantsFine() && g.ix.fine == nil {
			g.startNormStats() // the fine codes (see fine_table.go)
		}
		return true
	}
	g.startNormStats()
	return false
}

// startNormStats reads the lists' statistics in the background unless a
// reading runs or the gallery has no cohort.
func (g *Local) startNormStats() {
	if g.opts.Cohort == nil || g.closed.Load() {
		return
	}
	g.bg.start(&g.normReading, func(ctx context.Context) {
		_ = g.readNormStats(ctx) // retried by the next normalised search
	})
}

// errStatsChanged stops a reading of the statistics that changes overtook.
var errStatsChanged = errors.New("cohort statistics changed while read")

// readNormStats reads every live row's statistics from the face records
// (computing those not current with the cohort) and puts them in the
// index's lists. It holds mu for one block of rows at a time, so changes
// and searches go on; an add meanwhile (statsGen) makes it return
// errStatsChanged. The index in place at the end gets
// them, whatever rebuild replaced the one at the start.
func (g *Local) readNormStats(ctx context.Context) error {
	g.mu.RLock()
	gen, n := g.statsGen, int(g.nextRow)
	fb := newFineBuilder(g.ix, n, &g.fineBuilding)
	g.mu.RUnlock()
	defer fb.done()
	rowMu, rowInv := make([]float32, n), make([]float32, n)
	const block = 4096
	rows := make([]uint32, 0, block)
	vecs := make([]float32, block*dim)
	stats := make([]facedata.CohortStats, block)
	var raw []float32
	for lo := 0; lo < n; lo += block {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := func() error {
			g.mu.RLock()
			defer g.mu.RUnlock()
			if g.closed.Load() {
				return ErrClosed
			}
			if g.statsGen != gen {
				return errStatsChanged
			}
			rows = rows[:0]
			for r := lo; r < min(lo+block, n); r++ {
				if g.ids[r] != 0 {
					rows = append(rows, uint32(r))
				}
			}
			if err := g.readRecords(rows, vecs[:len(rows)*dim], stats[:len(rows)], &raw); err != nil {
				return err
			}
			for i, r := range rows {
				st := stats[i]
				if !g.statsCurrent(r, st) {
					st = g.opts.Cohort.Stats((*facedata.Descriptor)(vecs[i*dim : i*dim+dim]))
				}
				rowMu[r], rowInv[r] = st.Mu, invSigma(st)
			}
			if fb != nil && !fb.add(g.ix, rows, vecs[:len(rows)*dim]) {
				fb = nil // a rebuild replaced the index: the next search reads again
			}
			return nil
		}()
		if err != nil {
			return fmt.Errorf("read the faces' cohort statistics: %w", err)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.statsGen != gen {
		return fmt.Errorf("read the faces' cohort statistics: %w", errStatsChanged)
	}
	ix := g.ix
	fb.install(ix)
	if ix.normReady {
		return nil
	}
	for li := range ix.lists {
		l := &ix.lists[li]
		l.stats = make([]float32, 0, 2*len(l.rows))
		for _, r := range l.rows {
			l.stats = append(l.stats, rowMu[r], rowInv[r])
		}
		l.bound = boundOf(l.stats)
	}
	ix.normReady = true
	return nil
}

// normScore estimates twice the normalised score of a face from an
// estimate of its squared distance to the probe and its list's
// statistics.
type normScore struct {
	pmu, pinv float32 // the probe's μ and 1/σ
}

// score is the estimate for face i of list l at squared distance d2.
func (n *normScore) score(d2 float32, l *invList, i int) float32 {
	d := float32(math.Sqrt(float64(max(d2, 0))))
	st := l.stats[2*i : 2*i+2]
	return (d-n.pmu)*n.pinv + (d-st[0])*st[1]
}
