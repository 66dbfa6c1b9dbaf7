package gallery

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// Product quantization, the first stage of an approximate search.
//
// A residual r (descriptor minus its list's centroid) is split into pqSubs
// sub-vectors of pqSubDim dimensions; each is replaced by the nearest of 16
// centroids trained for its subspace, so a face's code is pqSubs 4-bit
// numbers, two to a byte: pqBytes bytes against 128 for the int8 code.
// (Measured on synthetic dlib-like faces at 1 million: with a shortlist of
// 2048, 64 subspaces of 2 dimensions give recall@50 0.994; 32 subspaces of
// 4, or 16 of 8 with 256 centroids, only 0.93-0.94.) A search reads these
// short codes for every face of the lists it scans, keeps a shortlist of
// the nearest by estimate, and only then looks at the shortlist's int8
// codes or float descriptors (see index.scanPQ). Jégou, Douze and Schmid,
// "Product quantization for nearest neighbor search", IEEE TPAMI 33(1),
// 2011.
//
// The estimate of |q - x|^2 for x = c + r, with r' the decoded residual, is
//
//	|q - c|^2 - 2 q.r' + beta,  beta = |r|^2 + 2 c.r'
//
// which is |q-c|^2 - 2(q-c).r' + |r|^2: the cross term uses the decoded
// residual, the norm the true one. |q - c|^2 comes free from choosing the
// lists, q.r' is a sum of table lookups (one table per probe, shared by all
// lists), and beta is stored with the code.
const (
	pqSubDim   = 2              // nearestSub and tableEntry assume 2
	pqSubs     = dim / pqSubDim // 64
	pqCents    = 16
	pqBytes    = pqSubs / 2 // 32
	pqTrainMax = 1 << 15    // residuals the codebooks are trained on, at most
	pqIters    = 12
)

// productQuantizer holds the codebooks: for subspace m, centroid k has the
// pqSubDim values at cents[(m*pqCents+k)*pqSubDim:].
type productQuantizer struct {
	cents [pqSubs * pqCents * pqSubDim]float32
	// step is the unit of the byte tables and of the stored betas, fixed
	// per index so that a face's beta can be added to its table sum in
	// the scan kernel; betaRef is the beta stored as 0 (see quantBeta).
	step, betaRef float32
}

// pqBetaMax is the largest stored beta: a table sum (at most 64*255) plus
// a stored beta must fit 16 bits.
const pqBetaMax = math.MaxUint16 - pqSubs*255

// quantBeta is beta in units of step above betaRef, clamped to
// [0, pqBetaMax] (the scale training chose leaves room for every beta it
// saw and more).
func (pq *productQuantizer) quantBeta(beta float32) uint16 {
	v := math.Round(float64((beta - pq.betaRef) / pq.step))
	return uint16(max(0, min(pqBetaMax, v)))
}

// trainPQ fits the codebooks to residuals (n*128 values) with k-means in
// each subspace, then the step of the byte tables to the faces of sample
// used as probes (see fitStep).
func trainPQ(ctx context.Context, residuals, sample []float32, seed uint64) (*productQuantizer, error) {
	n := len(residuals) / dim
	if n > pqTrainMax {
		n = pqTrainMax
	}
	pq := &productQuantizer{step: 1e-3}
	if n == 0 {
		return pq, nil
	}
	err := parallelFor(ctx, pqSubs, 1, func(_, lo, hi int) {
		for m := lo; m < hi; m++ {
			pq.trainSub(residuals, n, m, seed)
		}
	})
	if err != nil {
		return nil, err
	}
	pq.fitStep(residuals[:n*dim], sample)
	return pq, nil
}

// fitStep chooses the table step so that, for 99 % of the faces of sample
// searched as probes, no table entry is clipped at 255 (the rest have a few
// far entries clipped, which only makes far faces look a little nearer),
// and betaRef so that every beta of the residuals' faces, and a margin,
// is stored exactly.
func (pq *productQuantizer) fitStep(residuals, sample []float32) {
	const probes = 2048
	var widest []float32
	for i := 0; i+dim <= len(sample) && len(widest) < probes; i += dim {
		q := (*[dim]float32)(sample[i:])
		var w float32
		for m := range pqSubs {
			lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
			for k := range pqCents {
				v := pq.tableEntry(q, m, k)
				lo, hi = min(lo, v), max(hi, v)
			}
			w = max(w, hi-lo)
		}
		widest = append(widest, w)
	}
	if len(widest) == 0 {
		return
	}
	slices.Sort(widest)
	pq.step = max(widest[len(widest)*99/100], 1e-9) / 255
	// |beta| = ||r|^2 + 2c.r'| <= |r|^2 + 2|c||r'|; |c| is at most about
	// the longest face, and |r'| about |r| (1.5 |r| leaves room).
	rmax, cmax := longest(residuals), longest(sample)
	bound := float32(rmax*rmax + 3*cmax*rmax + 0.5)
	pq.betaRef = -bound
	if 2*bound/pq.step > pqBetaMax {
		pq.step = 2 * bound / pqBetaMax // very spread faces: coarser tables
	}
}

// longest is the largest norm of the 128-value vectors in v.
func longest(v []float32) float64 {
	var m float64
	for i := 0; i+dim <= len(v); i += dim {
		var s float64
		for _, x := range v[i : i+dim] {
			s += float64(x) * float64(x)
		}
		m = max(m, s)
	}
	return math.Sqrt(m)
}

// tableEntry is -2 q.r' over subspace m when its code is k.
func (pq *productQuantizer) tableEntry(q *[dim]float32, m, k int) float32 {
	c := pq.cents[(m*pqCents+k)*pqSubDim:]
	return -2 * (q[m*pqSubDim]*c[0] + q[m*pqSubDim+1]*c[1])
}

// trainSub runs k-means on subspace m of the first n residuals.
func (pq *productQuantizer) trainSub(residuals []float32, n, m int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x7071+uint64(m)))
	sub := make([]float32, n*pqSubDim)
	{
		for i := range n {
			copy(sub[i*pqSubDim:(i+1)*pqSubDim], residuals[i*dim+m*pqSubDim:])
		}
		cents := pq.cents[m*pqCents*pqSubDim : (m+1)*pqCents*pqSubDim]
		for k := range pqCents { // start from distinct random residuals
			copy(cents[k*pqSubDim:(k+1)*pqSubDim], sub[rng.IntN(n)*pqSubDim:])
		}
		for range pqIters {
			var sum [pqCents * pqSubDim]float64
			var count [pqCents]int
			for i := range n {
				k := nearestSub(cents, sub[i*pqSubDim:])
				count[k]++
				for j := range pqSubDim {
					sum[k*pqSubDim+j] += float64(sub[i*pqSubDim+j])
				}
			}
			for k := range pqCents {
				if count[k] == 0 { // an empty centroid restarts on a random point
					copy(cents[k*pqSubDim:(k+1)*pqSubDim], sub[rng.IntN(n)*pqSubDim:])
					continue
				}
				for j := range pqSubDim {
					cents[k*pqSubDim+j] = float32(sum[k*pqSubDim+j] / float64(count[k]))
				}
			}
		}
	}
}

// nearestSub is the centroid of cents (pqCents of pqSubDim) nearest v.
func nearestSub(cents []float32, v []float32) int {
	c := (*[pqCents * pqSubDim]float32)(cents)
	x, y := v[0], v[1]
	// The bits of a non-negative float32 order as the numbers do; with the
	// centroid number below them, min finds the nearest without a branch
	// to mispredict (ties go to the lower number).
	best := uint64(math.MaxUint64)
	for k := range pqCents {
		dx, dy := x-c[2*k], y-c[2*k+1]
		best = min(best, uint64(math.Float32bits(dx*dx+dy*dy))<<4|uint64(k))
	}
	return int(best & (pqCents - 1))
}

// encode writes the code of x's residual from centroid c and returns beta
// (see the comment at the top of this file).
func (pq *productQuantizer) encode(x, c *[dim]float32, out *[pqBytes]byte) float32 {
	var r [dim]float32
	var norm, cross float64
	for j := range r {
		r[j] = x[j] - c[j]
		norm += float64(r[j]) * float64(r[j])
	}
	for m := range pqSubs {
		cents := pq.cents[m*pqCents*pqSubDim : (m+1)*pqCents*pqSubDim]
		k := nearestSub(cents, r[m*pqSubDim:])
		if m%2 == 0 {
			out[m/2] = byte(k)
		} else {
			out[m/2] |= byte(k) << 4
		}
		for j := range pqSubDim {
			cross += float64(c[m*pqSubDim+j]) * float64(cents[k*pqSubDim+j])
		}
	}
	return float32(norm + 2*cross)
}

// pqTable is one probe's lookup tables, quantized to bytes for the
// fast scan (André, Kermarrec and Le Scouarnec, "Cache locality is not
// enough: high-performance nearest neighbor search with product
// quantization fast scan", VLDB 2015): -2 q.r' over subspace m when its code
// is k is about bias_m + scale*q[m][k] (each 16-entry table is stored twice,
// one copy per 128-bit lane of an AVX2 register), and the sum over all
// subspaces about bias + scale*(sum of the q entries). scale is the index's
// fixed step, so the scan can add each face's stored beta (in the same
// unit) to its sum and compare the total with one limit per list.
type pqTable struct {
	q     [pqSubs][2 * pqCents]uint8
	bias  float32
	scale float32
}

// fill computes the tables for probe q.
func (t *pqTable) fill(pq *productQuantizer, q *[dim]float32) {
	t.bias, t.scale = 0, pq.step
	for m := range pqSubs {
		var row [pqCents]float32
		lo := float32(math.Inf(1))
		for k := range pqCents {
			row[k] = pq.tableEntry(q, m, k)
			lo = min(lo, row[k])
		}
		t.bias += lo
		for k := range pqCents {
			b := uint8(min(255, math.Round(float64((row[k]-lo)/pq.step))))
			t.q[m][k], t.q[m][pqCents+k] = b, b
		}
	}
}
