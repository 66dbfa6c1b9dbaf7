package gallery

import (
	"math"

	"facecase/facedata"
)

// noList marks a row that is in no list (free, or not indexed yet).
const noList = math.MaxUint32

// invList is one inverted list: the faces whose nearest centroid is the
// list's, each stored as its quantized residual.
type invList struct {
	rows  []uint32
	codes []int8    // len(rows)*128
	norms []float32 // squared length of each decoded residual
	eps   []float32 // bound of each face's quantization error (see quantizer.encode)
	// With a product quantizer (index.pq): each face's short code and
	// beta, for the first stage of approximate search (see pq.go), in
	// blocks of pqBlock faces (see pq_layout.go).
	pq []byte
	// With index.normReady: each face's cohort μ and 1/σ (two floats a
	// face) and their bound, for ranking by estimated normalised score
	// (see norm_table.go).
	stats []float32
	bound listBound
}

// index is the in-memory search structure: coarse centroids and the
// inverted lists of int8 codes. With one list it is an exact flat index
// over int8 codes; with many it is an inverted-file (IVF) index.
type index struct {
	quant quantizer
	// pq is the product quantizer of the first search stage; nil in a flat
	// index and in an index of a version-2 file (searched with int8 codes
	// only until it is rebuilt).
	pq     *productQuantizer
	coarse *coarse
	lists  []invList
	where  []uint32 // row -> list, noList when the row is not indexed
	count  int      // faces indexed
	// trainedOn is how many faces the centroids were trained on (0 for an
	// untrained flat index); changes counts adds and removes since.
	trainedOn int
	changes   int
	// resident says whether the int8 codes (codes, norms, eps) are kept
	// in memory. A gallery file larger than Options.MaxResidentCodes keeps
	// them in the file only (see Local.search).
	resident bool
	// baseLargest is the longest list right after training or loading:
	// some data makes one long list however the index is trained, and
	// that alone must not trigger rebuild after rebuild.
	baseLargest int
	// normReady says that the lists keep their faces' cohort statistics.
	normReady bool
	// fine, when set, is the fine quantizer of the index's fine codes,
	// kept by row (fineBytes a row in fineCodes, one fineBeta each) when
	// the int8 codes stay in the file (see fine.go, fine_table.go), in
	// fineMem, outside the heap (see offheap.go): fineMem holds the memory
	// as long as the index refers to it.
	fine      *fineQuantizer
	fineCodes []byte
	fineBeta  []float32
	fineMem   [2]*offHeap
}

func newIndex(c *coarse, q quantizer, trainedOn int) *index {
	return &index{quant: q, coarse: c, lists: make([]invList, c.nlist()), trainedOn: trainedOn, resident: true}
}

// defaultScale is the quantizer of an index trained on nothing: it covers
// residuals up to 0.6 per dimension, beyond the range of real descriptors.
func defaultQuantizer() quantizer {
	var q quantizer
	for j := range q.scale {
		q.scale[j] = 0.6 / 127
	}
	return q
}

// emptyIndex is the flat index of a new gallery.
func emptyIndex() *index {
	var zero [dim]float32
	return newIndex(flatCoarse(&zero), defaultQuantizer(), 0)
}

// code is one face's entry in a list.
type code struct {
	list uint32
	norm float32
	eps  float32
	c    [dim]int8
	pq   [pqBytes]byte // with index.pq only
	beta float32
	// stats are the face's cohort statistics, for an index that keeps
	// them (index.normReady).
	stats facedata.CohortStats
}

// encode computes x's list and code.
func (ix *index) encode(x *[dim]float32, scratch *[]float32) code {
	var e code
	e.list = ix.coarse.assign(x, scratch)
	c := ix.coarse.centroid(e.list)
	e.norm, e.eps = ix.quant.encode(x, c, e.c[:])
	if ix.pq != nil {
		e.beta = ix.pq.encode(x, c, &e.pq)
	}
	return e
}

// insert puts row into its list; the row must not be indexed.
func (ix *index) insert(row uint32, e *code) {
	for int(row) >= len(ix.where) {
		ix.where = append(ix.where, noList)
	}
	l := &ix.lists[e.list]
	if ix.pq != nil {
		l.pq = appendPQ(l.pq, len(l.rows), &pqEntry{e.pq, ix.pq.quantBeta(e.beta)})
	}
	l.rows = append(l.rows, row)
	if ix.resident {
		l.codes = append(l.codes, e.c[:]...)
		l.norms = append(l.norms, e.norm)
		l.eps = append(l.eps, e.eps)
	}
	ix.insertStats(l, e.stats)
	ix.where[row] = e.list
	ix.count++
}

// remove takes row out of its list (moving the list's last entry into its
// place); a row that is not indexed is ignored.
func (ix *index) remove(row uint32) {
	if int(row) >= len(ix.where) || ix.where[row] == noList {
		return
	}
	l := &ix.lists[ix.where[row]]
	ix.where[row] = noList
	ix.count--
	last := len(l.rows) - 1
	for i, r := range l.rows {
		if r != row {
			continue
		}
		l.rows[i] = l.rows[last]
		l.rows = l.rows[:last]
		ix.removeStats(l, i, last)
		if ix.resident {
			copy(l.codes[i*dim:i*dim+dim], l.codes[last*dim:])
			l.norms[i], l.eps[i] = l.norms[last], l.eps[last]
			l.codes, l.norms, l.eps = l.codes[:last*dim], l.norms[:last], l.eps[:last]
		}
		if ix.pq != nil {
			moved := pqAt(l.pq, last)
			setPQ(l.pq, i, &moved)
			l.pq = truncatePQ(l.pq, last+1)
		}
		return
	}
}

// reserve sizes each list for the counts given, so that loading does not
// over-allocate by growing slices.
func (ix *index) reserve(counts []int) {
	for i, n := range counts {
		l := &ix.lists[i]
		l.rows = make([]uint32, 0, n)
		if ix.resident {
			l.codes = make([]int8, 0, n*dim)
			l.norms = make([]float32, 0, n)
			l.eps = make([]float32, 0, n)
		}
		if ix.pq != nil {
			l.pq = make([]byte, 0, pqBlocksFor(n)*pqBlockBytes)
		}
	}
}

// largestList is the length of the longest list.
func (ix *index) largestList() int {
	m := 0
	for i := range ix.lists {
		m = max(m, len(ix.lists[i].rows))
	}
	return m
}

// flat reports whether the index is a single list (exact search).
func (ix *index) flat() bool { return len(ix.lists) == 1 }

// dropCodes lets go of the int8 codes in memory; searches then read what
// they need from the gallery file.
func (ix *index) dropCodes() {
	ix.resident = false
	for i := range ix.lists {
		l := &ix.lists[i]
		l.codes, l.norms, l.eps = nil, nil, nil
	}
}
