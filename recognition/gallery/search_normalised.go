package gallery

import (
	"context"
	"errors"
	"fmt"
	"math"

	"facecase/facedata"
	"facecase/recognition/scorenorm"
)

// ErrNoCohort is returned by SearchNormalised on a gallery opened without
// Options.Cohort: normalised scores need the cohort the faces' statistics
// come from.
var ErrNoCohort = errors.New("the gallery has no score normalisation cohort (Options.Cohort)")

// SearchNormalised returns up to k candidates whose normalised score
// against probe (see package facecase/recognition/scorenorm) is at most
// threshold (+Inf or NaN: no limit), best first, ties by face id; each
// carries its Euclidean distance beside the score. Small galleries are
// scored exactly; indexed ones shortlist by the score estimated from the
// index's distance estimates and the faces' statistics kept in memory
// (see norm_table.go; by distance, as Search, until those are read) and
// re-rank the Options.NormRerank best by exact normalised score (its
// recall against SearchNormalisedExact is measured, see
// BenchmarkSearchNormalised).
// The probe's statistics are computed with the gallery's cohort when it
// has none.
func (g *Local) SearchNormalised(ctx context.Context, probe facedata.Template, k int, threshold float64) ([]Candidate, error) {
	return g.searchNormalised(ctx, probe, k, threshold, false)
}

// SearchNormalisedExact is SearchNormalised over every face: the
// reference the re-ranking of the shortlist is measured against.
func (g *Local) SearchNormalisedExact(ctx context.Context, probe facedata.Template, k int, threshold float64) ([]Candidate, error) {
	return g.searchNormalised(ctx, probe, k, threshold, true)
}

// normShortlistFactor widens the product-quantizer shortlist of a search
// by estimated normalised score: its estimate adds the product quantizer's
// distance error, magnified by 1/σ. Measured (BenchmarkSearchNormalised,
// synthetic faces, DefaultNProbe, 100 probes): at 1 million faces,
// recall@50 0.9888 with the distance search's shortlist (2048), 0.9942
// with twice it, 0.9954 with four times (8.5 and 10.7 ms of processor time
// a search); at 10 million, with fine codes (see fineKeepFactor), 0.9890
// with twice, 0.9920 with four, 0.9926 with six, 0.9928 with eight times
// (the lists scanned hold at least 99.28 %), at 22-24, 25.5-30, 33 and
// 33-37 ms of processor time (two sessions; docs/benchmarks.md).
const normShortlistFactor = 4

// fineKeepFactor times Options.NormRerank is how many faces of the
// shortlist the fine stage keeps for re-ranking from the file, when the
// index has fine codes (see fine.go). Measured at 10 million faces (four
// times the distance search's shortlist): recall@50 0.9912 keeping 1024,
// 0.9920 keeping 2048, as many as re-ranking the whole shortlist of
// 16,344 from the file would find.
const fineKeepFactor = 2

func (g *Local) searchNormalised(ctx context.Context, probe facedata.Template, k int, threshold float64, exact bool) ([]Candidate, error) {
	if g.closed.Load() {
		return nil, ErrClosed
	}
	if k <= 0 {
		return nil, fmt.Errorf("search: k = %d, want at least 1", k)
	}
	if err := checkDescriptor(&probe.Descriptor); err != nil {
		return nil, fmt.Errorf("search: probe: %w", err)
	}
	cohort := g.opts.Cohort
	if cohort == nil {
		return nil, fmt.Errorf("search%s: %w", g.fileName(), ErrNoCohort)
	}
	if math.IsNaN(threshold) {
		threshold = math.Inf(1)
	}
	ps := probe.Cohort
	if !ps.Valid() {
		ps = cohort.Stats(&probe.Descriptor)
	}
	q := (*[dim]float32)(&probe.Descriptor)
	g.mu.RLock()
	defer g.mu.RUnlock()
	var rows []uint32
	if exact || g.ix.flat() {
		rows = g.liveRows()
	} else {
		rerank := max(g.opts.NormRerank, k)
		p := scanParams{k: k, threshold: float32(math.Inf(1)), nprobe: g.nprobe(), rerank: rerank,
			shortlist: max(g.shortlist(), rerank)}
		if g.normReadyFor() {
			p.norm = &normScore{pmu: ps.Mu, pinv: invSigma(ps)}
			p.shortlist = max(normShortlistFactor*g.shortlist(), rerank)
			p.fine = fineKeepFactor * rerank
		}
		var err error
		if !g.ix.resident && g.ix.pq == nil {
			rows = g.liveRows()
		} else if rows, err = g.ix.scan(ctx, q, p); err != nil {
			return nil, fmt.Errorf("search%s: %w", g.fileName(), err)
		}
	}
	dist, stats, err := g.rerankRecords(ctx, q, rows)
	if err != nil {
		return nil, fmt.Errorf("search%s: %w", g.fileName(), err)
	}
	found := make([]rankedRow, 0, len(rows))
	for i, r := range rows {
		if s := scorenorm.Score(dist[i], ps, stats[i]); s <= threshold {
			found = append(found, rankedRow{key: s, dist: dist[i], row: r})
		}
	}
	return g.topCandidates(found, k, true), nil
}

// liveRows lists every enrolled face's row; mu is held.
func (g *Local) liveRows() []uint32 {
	rows := make([]uint32, 0, g.live)
	for r, id := range g.ids[:g.nextRow] {
		if id != 0 {
			rows = append(rows, uint32(r))
		}
	}
	return rows
}

// rerankRecords returns the exact distance from q to each row's float
// descriptor and the row's cohort statistics, reading them on all cores;
// statistics not current (see statsCurrent) are computed from the
// descriptor with the gallery's cohort. mu is held.
func (g *Local) rerankRecords(ctx context.Context, q *[dim]float32, rows []uint32) ([]float64, []facedata.CohortStats, error) {
	dist := make([]float64, len(rows))
	stats := make([]facedata.CohortStats, len(rows))
	const block = 256
	errs := make([]error, workerCount())
	err := parallelFor(ctx, len(rows), block, func(w, lo, hi int) {
		if errs[w] != nil {
			return
		}
		s := chunkScratchPool.Get().(*chunkScratch)
		defer chunkScratchPool.Put(s)
		vecs := grow(&s.vecs, (hi-lo)*dim)
		if errs[w] = g.readRecords(rows[lo:hi], vecs, stats[lo:hi], &s.raw); errs[w] != nil {
			return
		}
		for i := lo; i < hi; i++ {
			v := (*[dim]float32)(vecs[(i-lo)*dim:])
			d := math.Sqrt(float64(sqDist(q, v)))
			if math.IsNaN(d) || math.IsInf(d, 0) {
				errs[w] = fmt.Errorf("%w: the descriptor of row %d is not finite", ErrCorrupt, rows[i])
				return
			}
			dist[i] = d
			if !g.statsCurrent(rows[i], stats[i]) {
				stats[i] = g.opts.Cohort.Stats((*facedata.Descriptor)(v))
			}
		}
	})
	if err != nil {
		return nil, nil, err
	}
	for _, e := range errs {
		if e != nil {
			return nil, nil, e
		}
	}
	return dist, stats, nil
}
