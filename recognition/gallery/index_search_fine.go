package gallery

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"
)

// fineTablePool holds fine lookup tables between searches.
var fineTablePool = sync.Pool{New: func() any { return new(fineTable) }}

// rerankFine is scanPQ's second stage for a normalised search of an index
// whose int8 codes are in the file but whose fine codes are in memory (see
// fine.go): the fine estimate of the normalised score of every
// shortlisted face, on all cores, keeping the p.fine best rows, in file
// order, for the caller to re-rank from the file.
func (ix *index) rerankFine(ctx context.Context, q *[dim]float32, short []hit, units []pqUnit, workers []*pqScratch, p scanParams) ([]uint32, error) {
	table := fineTablePool.Get().(*fineTable)
	defer fineTablePool.Put(table)
	table.fill(ix.fine, q)
	// In scan order, faces of one list are looked at together: their
	// list, rows and statistics are then read from memory in order.
	slices.SortFunc(short, func(a, b hit) int { return cmp.Compare(a.row, b.row) })
	keep := max(p.fine, p.k)
	for _, s := range workers {
		s.best.k, s.best.h = keep, s.best.h[:0]
	}
	err := parallelFor(ctx, len(short), 256, func(w, lo, hi int) {
		ix.fineChunk(workers[w], table, short[lo:hi], units, p.norm)
	})
	if err != nil {
		return nil, err
	}
	best := newBestRows(keep)
	for _, s := range workers {
		best.add(&s.best)
	}
	rows := best.rows()
	slices.Sort(rows)
	return rows, nil
}

// fineChunk pushes the fine estimate of the score of each face of short
// into s.best.
func (ix *index) fineChunk(s *pqScratch, table *fineTable, short []hit, units []pqUnit, ns *normScore) {
	refs := grow(&s.refs, len(short))
	// Find every face and touch its code and beta first: the loads are
	// independent, so the memory system fetches many at once.
	var touch byte
	k := 0
	for j, h := range short {
		if j == 0 || (k < len(units) && units[k].first <= h.row) {
			// short is in scan order: the unit only moves forward.
			k, _ = slices.BinarySearchFunc(units, h.row, unitOf)
		}
		un := &units[k-1]
		i := int(h.row - un.first)
		refs[j] = pqRef{un, i}
		r := ix.lists[un.list].rows[i]
		touch ^= ix.fineCodes[int(r)*fineBytes] ^ byte(math.Float32bits(ix.fineBeta[r]))
	}
	s.sink ^= int8(touch)
	for _, ref := range refs {
		l := &ix.lists[ref.unit.list]
		r := l.rows[ref.i]
		d2 := ref.unit.base + table.sum(ix.fineCodes[int(r)*fineBytes:]) + ix.fineBeta[r]
		s.best.push(ns.score(d2, l, ref.i), r)
	}
}
