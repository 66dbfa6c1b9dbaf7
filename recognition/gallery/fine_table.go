package gallery

import "sync/atomic"

// The fine codes of an index (see fine.go) are computed by the reading of
// the faces' statistics after opening (readNormStats), which reads every
// face's descriptor anyway: the first block of faces read trains the
// levels, and every face gets its code from its descriptor and its list's
// centroid. They are kept by row (64 bytes and a float a face: 0.68 GB at
// ten million), so removes leave them as they are and adds put the new
// faces' codes in place (insertFine). They belong to one index: a rebuild
// makes an index without them, and the next normalised search reads them
// again in the background.

// fineTrainFaces is how many faces the fine quantizer's levels are trained
// on, at most (the first block the reading reads).
const fineTrainFaces = 4096

// wantsFine says whether the index should keep fine codes: when its int8
// codes stay in the file and a normalised search would otherwise re-rank
// its whole product-quantizer shortlist from the file.
func (ix *index) wantsFine() bool {
	return !ix.resident && ix.pq != nil && !ix.flat()
}

// fineReady says whether a search can use the index's fine codes.
func (ix *index) fineReady() bool { return ix.fine != nil && !ix.resident }

// insertFine stores the fine code of row (already inserted, with
// descriptor x) when the index keeps fine codes.
func (ix *index) insertFine(row uint32, x *[dim]float32) {
	if ix.fine == nil || int(row) >= len(ix.where) || ix.where[row] == noList {
		return
	}
	if int(row) >= len(ix.fineBeta) {
		ix.growFine(max(int(row)+1, len(ix.fineBeta)+len(ix.fineBeta)/4))
	}
	c := ix.coarse.centroid(ix.where[row])
	ix.fineBeta[row] = ix.fine.encode(x, c, ix.fineCodes[int(row)*fineBytes:])
}

// growFine makes room for the fine codes of n rows; mu is held for
// writing, so no search reads the old memory, which goes when nothing
// refers to it.
func (ix *index) growFine(n int) {
	codes, beta := newOffHeap(n*fineBytes), newOffHeap(n*4)
	copy(codes.b, ix.fineCodes)
	copy(beta.floats(), ix.fineBeta)
	ix.fineCodes, ix.fineBeta, ix.fineMem = codes.b, beta.floats(), [2]*offHeap{codes, beta}
}

// fineBuilder computes the fine codes of an index during a reading of the
// faces' records, one block at a time (see readNormStats).
type fineBuilder struct {
	ix    *index // the index the codes are for
	fq    *fineQuantizer
	mem   [2]*offHeap // of codes and beta
	codes []byte
	beta  []float32
	// Before the levels are trained: the faces to train them on, and
	// their residuals.
	pending []uint32
	resid   []float32
	busy    *atomic.Bool
}

// newFineBuilder prepares the fine codes of n rows of ix, or returns nil
// when ix does not want them or another reading builds them (busy is
// taken until done is called).
func newFineBuilder(ix *index, n int, busy *atomic.Bool) *fineBuilder {
	if !ix.wantsFine() || ix.fine != nil || !busy.CompareAndSwap(false, true) {
		return nil
	}
	mem := [2]*offHeap{newOffHeap(n * fineBytes), newOffHeap(n * 4)}
	return &fineBuilder{ix: ix, mem: mem, codes: mem[0].b, beta: mem[1].floats(), busy: busy}
}

// done lets another reading build fine codes.
func (fb *fineBuilder) done() {
	if fb != nil {
		fb.busy.Store(false)
	}
}

// add computes the codes of rows, whose descriptors are vecs (len(rows)*128
// values). The levels are trained on the first fineTrainFaces indexed
// faces of the first call, or of the first calls together when they hold
// fewer than fineLevels. It reports false when the builder's index is no
// longer ix (a rebuild replaced it): the codes would be for other lists.
// mu is held.
func (fb *fineBuilder) add(ix *index, rows []uint32, vecs []float32) bool {
	if ix != fb.ix {
		return false
	}
	if fb.fq == nil {
		start := len(fb.pending)
		for i, r := range rows {
			if li := ix.listOf(r); li != noList && len(fb.pending) < fineTrainFaces {
				fb.pending = append(fb.pending, r)
				c := ix.coarse.centroid(li)
				for j, v := range vecs[i*dim : i*dim+dim] {
					fb.resid = append(fb.resid, v-c[j])
				}
			}
		}
		if len(fb.pending) < fineLevels {
			// Too few faces to train on yet: keep them for later (the
			// residuals and the centroids give their descriptors back).
			return true
		}
		fb.fq = trainFine(fb.resid)
		for i, r := range fb.pending[:start] { // faces of earlier calls
			c := ix.coarse.centroid(ix.listOf(r))
			var x [dim]float32
			for j := range x {
				x[j] = fb.resid[i*dim+j] + c[j]
			}
			fb.beta[r] = fb.fq.encode(&x, c, fb.codes[int(r)*fineBytes:])
		}
		fb.pending, fb.resid = nil, nil
	}
	fb.encodeRows(ix, rows, vecs)
	return true
}

// encodeRows computes the codes of rows once the levels are trained.
func (fb *fineBuilder) encodeRows(ix *index, rows []uint32, vecs []float32) {
	for i, r := range rows {
		if li := ix.listOf(r); li != noList {
			fb.beta[r] = fb.fq.encode((*[dim]float32)(vecs[i*dim:]), ix.coarse.centroid(li), fb.codes[int(r)*fineBytes:])
		}
	}
}

// install gives the codes to ix when they are its own and complete;
// mu is held for writing.
func (fb *fineBuilder) install(ix *index) {
	if fb == nil || ix != fb.ix || fb.fq == nil || ix.fine != nil || !ix.wantsFine() {
		return
	}
	ix.fine, ix.fineCodes, ix.fineBeta, ix.fineMem = fb.fq, fb.codes, fb.beta, fb.mem
}

// listOf is row's list, noList when it is not indexed.
func (ix *index) listOf(r uint32) uint32 {
	if int(r) >= len(ix.where) {
		return noList
	}
	return ix.where[r]
}
