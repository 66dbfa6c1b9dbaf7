package gallery

import (
	"context"
	"math"
	"math/bits"
	"slices"
	"sync"
)

// pqUnit is one list an approximate search scans with product-quantizer
// codes: first is the number of the list's first face in the search's own
// numbering of every face it scans.
type pqUnit struct {
	list  uint32
	base  float32 // |q - centroid|^2
	first uint32
}

// pqScratch is one worker's buffers for scanPQ, reused between searches.
type pqScratch struct {
	sums    []uint16
	masks   []uint64
	buf     []hit
	best    topK
	refs    []pqRef
	flagged []int32 // places scanList flags
	sink    int8
}

// pqRef is where a shortlisted face is: its list and place in it.
type pqRef struct {
	unit *pqUnit
	i    int
}

var pqScratchPool = sync.Pool{New: func() any { return new(pqScratch) }}

// pqTablePool holds lookup tables between searches.
var pqTablePool = sync.Pool{New: func() any { return new(pqTable) }}

// scanPQ is the approximate scan of an index with a product quantizer, in
// three stages: (1) the product-quantizer estimate of every face of the
// nprobe nearest lists, keeping the p.shortlist nearest; (2) the int8-code
// distance of each of those, keeping the p.rerank nearest (faces the int8
// error bound puts beyond the threshold are dropped); (3) exact float
// distances, which the caller computes for the rows returned.
func (ix *index) scanPQ(ctx context.Context, q *[dim]float32, p scanParams) ([]uint32, error) {
	units := ix.pqUnits(q, p.nprobe)
	table := pqTablePool.Get().(*pqTable)
	defer pqTablePool.Put(table)
	table.fill(ix.pq, q)
	workers := getPQScratch(workerCount())
	defer putPQScratch(workers)

	short, err := ix.pqShortlist(ctx, units, table, workers, p)
	if err != nil {
		return nil, err
	}
	if !ix.resident {
		// No int8 codes in memory: the caller re-ranks the whole shortlist
		// with float descriptors from the file, or the best of it by
		// fine estimate.
		if p.norm != nil && p.fine > 0 && ix.fineReady() {
			return ix.rerankFine(ctx, q, short, units, workers, p)
		}
		return ix.shortlistRows(short, units), nil
	}
	return ix.rerankInt8(ctx, q, short, units, workers, p)
}

// pqUnits are the non-empty lists among the nprobe nearest to q, numbered
// for the scan.
func (ix *index) pqUnits(q *[dim]float32, nprobe int) []pqUnit {
	var scratch []float32
	probes := ix.coarse.nearest(q, nprobe, &scratch)
	units := make([]pqUnit, 0, len(probes))
	var total uint32
	for _, h := range probes {
		if n := len(ix.lists[h.row].rows); n > 0 {
			units = append(units, pqUnit{list: h.row, base: h.d, first: total})
			total += uint32(n)
		}
	}
	return units
}

// getPQScratch takes n workers' buffers from the pool, with empty hit
// buffers; putPQScratch gives them back.
func getPQScratch(n int) []*pqScratch {
	workers := make([]*pqScratch, n)
	for i := range workers {
		workers[i] = pqScratchPool.Get().(*pqScratch)
		workers[i].buf = workers[i].buf[:0]
	}
	return workers
}

func putPQScratch(workers []*pqScratch) {
	for _, s := range workers {
		pqScratchPool.Put(s)
	}
}

// pqShortlist is scanPQ's first stage: the product-quantizer estimate of
// every face of the units, on all cores, keeping the max(p.shortlist,
// p.rerank) nearest (by estimated normalised score when p.norm is set).
// Hits are numbered as the units number faces.
func (ix *index) pqShortlist(ctx context.Context, units []pqUnit, table *pqTable, workers []*pqScratch, p scanParams) ([]hit, error) {
	keep := max(p.shortlist, p.rerank)
	taus := make([]float32, len(workers))
	for i := range taus {
		taus[i] = float32(math.Inf(1))
	}
	err := parallelFor(ctx, len(units), 4, func(w, lo, hi int) {
		s, tau := workers[w], taus[w]
		for _, u := range units[lo:hi] {
			l := &ix.lists[u.list]
			// A face's estimate is base + step*(table sum + stored beta);
			// the kernel flags the faces whose total is below the limit
			// that tau sets, and only those are looked at here.
			base := u.base + table.bias + ix.pq.betaRef
			if p.norm != nil {
				scanPQListByScore(s, &u, l, table, base, tau, p.norm)
			} else {
				scanPQListByDistance(s, &u, l, table, base, tau)
			}
			if len(s.buf) >= 2*keep {
				tau = keepSmallest(&s.buf, keep)
			}
		}
		taus[w] = tau
	})
	if err != nil {
		return nil, err
	}
	var short []hit
	for _, s := range workers {
		short = append(short, s.buf...)
	}
	if len(short) > keep {
		keepSmallest(&short, keep)
	}
	return short, nil
}

// shortlistRows are the gallery rows of the shortlisted faces, in file
// order (neighbours in the file are read together).
func (ix *index) shortlistRows(short []hit, units []pqUnit) []uint32 {
	rows := make([]uint32, len(short))
	for i, h := range short {
		k, _ := slices.BinarySearchFunc(units, h.row, unitOf)
		rows[i] = ix.lists[units[k-1].list].rows[h.row-units[k-1].first]
	}
	slices.Sort(rows)
	return rows
}

// rerankInt8 is scanPQ's second stage: the int8-code distance (or
// normalised score) of every shortlisted face, on all cores, keeping the
// p.rerank best rows.
func (ix *index) rerankInt8(ctx context.Context, q *[dim]float32, short []hit, units []pqUnit, workers []*pqScratch, p scanParams) ([]uint32, error) {
	for _, s := range workers {
		s.best.k, s.best.h = p.rerank, s.best.h[:0]
	}
	err := parallelFor(ctx, len(short), 256, func(w, lo, hi int) {
		ix.rerankChunk(workers[w], q, short[lo:hi], units, p)
	})
	if err != nil {
		return nil, err
	}
	best := newBestRows(p.rerank)
	for _, s := range workers {
		best.add(&s.best)
	}
	return best.rows(), nil
}

// rerankChunk pushes the int8-code distance (or score) of each face of
// short into s.best; faces the int8 error bound puts beyond p.threshold
// are dropped.
func (ix *index) rerankChunk(s *pqScratch, q *[dim]float32, short []hit, units []pqUnit, p scanParams) {
	refs := grow(&s.refs, len(short))
	// First find every face and touch both cache lines of its code: the
	// loads are independent, so the memory system fetches many at once,
	// and the distances below find the codes in cache.
	var touch int8
	for j, h := range short {
		k, _ := slices.BinarySearchFunc(units, h.row, unitOf)
		un := &units[k-1]
		i := int(h.row - un.first)
		refs[j] = pqRef{un, i}
		c := ix.lists[un.list].codes[i*dim : i*dim+dim]
		touch ^= c[0] ^ c[dim/2]
	}
	s.sink ^= touch
	best := &s.best
	for _, ref := range refs {
		l := &ix.lists[ref.unit.list]
		i := ref.i
		d2 := int8Dist(q, ix.coarse.centroid(ref.unit.list), l.codes[i*dim:i*dim+dim], &ix.quant)
		if p.norm != nil {
			best.push(p.norm.score(d2, l, i), l.rows[i])
			continue
		}
		if p.threshold < float32(math.Inf(1)) {
			if lim := p.threshold + l.eps[i]; d2 > lim*lim {
				continue
			}
		}
		best.push(d2, l.rows[i])
	}
}

// int8Dist is the squared distance between q and the point c + the residual
// an int8 code decodes to.
func int8Dist(q, c *[dim]float32, code []int8, qz *quantizer) float32 {
	code = code[:dim]
	var s0, s1, s2, s3 float32
	for j := 0; j < dim; j += 4 {
		d0 := q[j] - c[j] - qz.scale[j]*float32(code[j])
		d1 := q[j+1] - c[j+1] - qz.scale[j+1]*float32(code[j+1])
		d2 := q[j+2] - c[j+2] - qz.scale[j+2]*float32(code[j+2])
		d3 := q[j+3] - c[j+3] - qz.scale[j+3]*float32(code[j+3])
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	return (s0 + s1) + (s2 + s3)
}

// unitOf orders units against a scan number for a binary search: the
// search returns one past the unit that holds the number.
func unitOf(u pqUnit, r uint32) int {
	if u.first > r {
		return 1
	}
	return -1
}

// scanPQListByDistance is the first stage of scanPQ for one list when it
// ranks by distance: the faces whose estimate is below tau are kept in
// s.buf.
func scanPQListByDistance(s *pqScratch, u *pqUnit, l *invList, table *pqTable, base, tau float32) {
	room := tau - base
	if room <= 0 {
		return // the totals are not negative
	}
	sums, flagged := s.scanList(l, table, room)
	for _, i := range flagged {
		if d := base + table.scale*float32(sums[i]); d < tau {
			s.buf = append(s.buf, hit{d, u.first + uint32(i)})
		}
	}
}

// scanPQListByScore is the first stage of scanPQ for one list when it
// ranks by estimated normalised score: the faces whose score estimate is
// below tau are kept in s.buf (by score). The list's bound (see
// listBound) skips lists none of whose faces can score below tau; in the
// others every face is tested without a square root, since
//
//	score < tau  <=>  d (1/σp + 1/σ) < tau + μp/σp + μ/σ,
//
// and only those that pass have their score computed. (At ten million
// faces about half the faces of a list lie within its bound, so flagging
// them for the test costs more than testing all.)
func scanPQListByScore(s *pqScratch, u *pqUnit, l *invList, table *pqTable, base, tau float32, ns *normScore) {
	lim2 := ns.maxDist2(l, tau)
	room := lim2 - base
	if !(room > 0) {
		return // NaN too: no face of the list can score below tau
	}
	n := len(l.rows)
	sums, _ := s.runKernel(l, table, math.MaxUint16)
	sums, st := sums[:n], l.stats[:2*n]
	c := tau + ns.pmu*ns.pinv
	for i, sum := range sums {
		d2 := base + table.scale*float32(sum)
		mu, inv := st[2*i], st[2*i+1]
		r, w := c+mu*inv, ns.pinv+inv
		if r > 0 && d2*w*w < r*r*(1+1e-5) {
			if sc := ns.score(d2, l, i); sc < tau {
				s.buf = append(s.buf, hit{sc, u.first + uint32(i)})
			}
		}
	}
}

// scanList runs the kernel over list l: every face's table sum, and the
// places of the faces whose estimate may be below base + room (the
// estimate is base + table.scale*sum).
func (s *pqScratch) scanList(l *invList, table *pqTable, room float32) (sums []uint16, flagged []int32) {
	limit := uint16(math.MaxUint16)
	if lim := room / table.scale; lim < math.MaxUint16-2 {
		limit = uint16(lim) + 2 // above every total that may pass, despite rounding
	}
	n := len(l.rows)
	sums, masks := s.runKernel(l, table, limit)
	flagged = s.flagged[:0]
	for b, m := range masks {
		for m &= 0x5555555555555555; m != 0; m &= m - 1 {
			i := b*pqBlock + bits.TrailingZeros64(m)/2
			if i >= n {
				break
			}
			flagged = append(flagged, int32(i))
		}
	}
	s.flagged = flagged
	return sums, flagged
}

// runKernel runs the kernel over list l with limit (see pqScan), into the
// scratch buffers.
func (s *pqScratch) runKernel(l *invList, table *pqTable, limit uint16) (sums []uint16, masks []uint64) {
	nb := pqBlocksFor(len(l.rows))
	sums, masks = grow(&s.sums, nb*pqBlock), grow(&s.masks, nb)
	pqScan(table, l.pq, limit, sums, masks)
	return sums, masks
}
