package gallery

import (
	"context"
	"math"
)

// scanParams says how to scan the index for one probe.
type scanParams struct {
	k         int
	threshold float32 // distance limit, +Inf for none
	nprobe    int     // lists to scan (approximate search)
	rerank    int     // candidates to hand to exact re-ranking (approximate)
	shortlist int     // product-quantizer candidates re-scored with int8 codes
	exact     bool    // scan every list and return every face that may be in the true top k
	// norm, when set, makes the approximate stages keep the faces of the
	// best estimated normalised score instead of the nearest (threshold
	// must then be +Inf).
	norm *normScore
	// fine, when set with norm, is how many faces the fine stage keeps for
	// exact re-ranking from the file (see index.rerankFine); 0: none.
	fine int
}

// listProbe is a probe prepared for one list: the weights that turn a list's
// int8 codes into distances with one integer dot product per face.
//
// For a face x = c + r (centroid plus residual) with decoded residual
// r' = scale*code, and u = q - c, the distance to the decoded point is
// |u - r'|^2 = |u|^2 - 2 u.r' + |r'|^2, and u.r' = sum_j (u_j scale_j) code_j.
// The weights u_j*scale_j are rounded to int16 (scaled by alpha); delta
// bounds the error that rounding adds to the squared distance.
type listProbe struct {
	w     [dim]int16
	du    float32 // |u|^2
	twoA  float32 // 2/alpha
	delta float32
}

func (p *listProbe) prepare(q *[dim]float32, c *[dim]float32, qz *quantizer) {
	var u [dim]float32
	var du, peak float32
	for j := range u {
		u[j] = q[j] - c[j]
		du += u[j] * u[j]
		peak = max(peak, abs32(u[j]*qz.scale[j]))
	}
	alpha := float32(1)
	if peak > 0 {
		alpha = 32767 / peak
	}
	for j := range u {
		v := u[j] * qz.scale[j] * alpha // within ±32767
		if v < 0 {
			v -= 0.5
		} else {
			v += 0.5
		}
		p.w[j] = int16(v) // rounds half away from zero
	}
	p.du, p.twoA = du, 2/alpha
	// Each weight is off by at most 0.5/alpha and |code| <= 127 over 128
	// dimensions; the factor 2 is the one of -2u.r'. The constant covers
	// float32 rounding of the sums.
	p.delta = 127*128/alpha + 1e-5*(du+1)
}

// unit is a stretch of one list that one worker scans.
type unit struct {
	list   uint32
	lo, hi int
}

// segment is the most faces of one list a worker takes at a time.
const segment = 4096

// scanWorker is one worker's state for a scan.
type scanWorker struct {
	dots  []int32
	best  topK  // approximate: by squared distance; exact: by upper bound
	cands []hit // exact: faces whose lower bound is within the limit
	lp    listProbe
}

// scan returns the rows to re-rank with exact distances. In approximate
// mode these are the rerank faces nearest by code among the nprobe nearest
// lists. In exact mode they are every face that could be among the true k
// nearest within the threshold, proven with per-face error bounds, so that
// re-ranking them gives the exact answer.
func (ix *index) scan(ctx context.Context, q *[dim]float32, p scanParams) ([]uint32, error) {
	if !p.exact && !ix.flat() && ix.pq != nil {
		return ix.scanPQ(ctx, q, p)
	}
	var units []unit
	if p.exact || ix.flat() {
		p.exact = true
		for li := range ix.lists {
			n := len(ix.lists[li].rows)
			for lo := 0; lo < n; lo += segment {
				units = append(units, unit{uint32(li), lo, min(lo+segment, n)})
			}
		}
	} else {
		var scratch []float32
		for _, h := range ix.coarse.nearest(q, p.nprobe, &scratch) {
			if n := len(ix.lists[h.row].rows); n > 0 {
				units = append(units, unit{h.row, 0, n})
			}
		}
	}
	keep := p.rerank
	if p.exact {
		keep = p.k
	}
	workers := make([]scanWorker, min(workerCount(), max(1, len(units))))
	for i := range workers {
		workers[i].best = newTopK(keep)
	}
	err := parallelFor(ctx, len(units), 1, func(w, lo, hi int) {
		for _, u := range units[lo:hi] {
			ix.scanUnit(q, u, &workers[w], &p)
		}
	})
	if err != nil {
		return nil, err
	}
	if !p.exact {
		best := newBestRows(keep)
		for i := range workers {
			best.add(&workers[i].best)
		}
		return best.rows(), nil
	}
	ub := newTopK(p.k)
	for i := range workers {
		for _, h := range workers[i].best.h {
			ub.push(h.d, h.row)
		}
	}
	limit := p.threshold
	if ub.full() {
		limit = min(limit, ub.worst())
	}
	var rows []uint32
	for i := range workers {
		for _, h := range workers[i].cands {
			if h.d <= limit {
				rows = append(rows, h.row)
			}
		}
	}
	return rows, nil
}

func (ix *index) scanUnit(q *[dim]float32, u unit, w *scanWorker, p *scanParams) {
	l := &ix.lists[u.list]
	w.lp.prepare(q, ix.coarse.centroid(u.list), &ix.quant)
	n := u.hi - u.lo
	dots := grow(&w.dots, n)
	dotCodes(&w.lp.w, l.codes[u.lo*dim:u.hi*dim], dots)
	du, twoA, delta := w.lp.du, w.lp.twoA, w.lp.delta
	norms, eps, rows := l.norms[u.lo:u.hi], l.eps[u.lo:u.hi], l.rows[u.lo:u.hi]
	thr := p.threshold
	if !p.exact && p.norm != nil {
		for i, dot := range dots {
			w.best.push(p.norm.score(du-twoA*float32(dot)+norms[i], l, u.lo+i), rows[i])
		}
		return
	}
	if !p.exact {
		for i, dot := range dots {
			d2 := du - twoA*float32(dot) + norms[i]
			if thr < float32(math.Inf(1)) {
				if lim := thr + eps[i]; d2-delta > lim*lim {
					continue
				}
			}
			w.best.push(d2, rows[i])
		}
		return
	}
	limit := thr
	if w.best.full() {
		limit = min(limit, w.best.worst())
	}
	for i, dot := range dots {
		d2 := du - twoA*float32(dot) + norms[i]
		lb2 := max(0, d2-delta)
		if lim := limit + eps[i]; lb2 > lim*lim {
			continue
		}
		w.cands = append(w.cands, hit{float32(math.Sqrt(float64(lb2))) - eps[i], rows[i]})
		ub := float32(math.Sqrt(float64(d2+delta))) + eps[i]
		if !w.best.full() || ub < w.best.worst() {
			w.best.push(ub, rows[i])
			if w.best.full() {
				limit = min(thr, w.best.worst())
			}
		}
	}
}
