package gallery

import "math"

// noList marks a row that is in no list (free, or not indexed yet).
const noList = math.MaxUint32

// invList is one inverted list: the faces whose nearest centroid is the
// list's, each stored as its quantized residual.
type invList struct {
	rows  []uint32
	codes []int8    // len(rows)*128
	norms []float32 // squared length of each decoded residual
	eps   []float32 // bound of each face's quantization error (see quantizer.encode)
}

// index is the in-memory search structure: coarse centroids and the
// inverted lists of int8 codes. With one list it is an exact flat index
// over int8 codes; with many it is an inverted-file (IVF) index.
type index struct {
	quant  quantizer
	coarse *coarse
	lists  []invList
	where  []uint32 // row -> list, noList when the row is not indexed
	count  int      // faces indexed
	// trainedOn is how many faces the centroids were trained on (0 for an
	// untrained flat index); changes counts adds and removes since.
	trainedOn int
	changes   int
	// baseLargest is the longest list right after training or loading:
	// some data makes one long list however the index is trained, and
	// that alone must not trigger rebuild after rebuild.
	baseLargest int
}

func newIndex(c *coarse, q quantizer, trainedOn int) *index {
	return &index{quant: q, coarse: c, lists: make([]invList, c.nlist()), trainedOn: trainedOn}
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
}

// encode computes x's list and code.
func (ix *index) encode(x *[dim]float32, scratch *[]float32) code {
	var e code
	e.list = ix.coarse.assign(x, scratch)
	e.norm, e.eps = ix.quant.encode(x, ix.coarse.centroid(e.list), e.c[:])
	return e
}

// insert puts row into its list; the row must not be indexed.
func (ix *index) insert(row uint32, e *code) {
	for int(row) >= len(ix.where) {
		ix.where = append(ix.where, noList)
	}
	l := &ix.lists[e.list]
	l.rows = append(l.rows, row)
	l.codes = append(l.codes, e.c[:]...)
	l.norms = append(l.norms, e.norm)
	l.eps = append(l.eps, e.eps)
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
		copy(l.codes[i*dim:i*dim+dim], l.codes[last*dim:])
		l.norms[i], l.eps[i] = l.norms[last], l.eps[last]
		l.rows, l.codes = l.rows[:last], l.codes[:last*dim]
		l.norms, l.eps = l.norms[:last], l.eps[:last]
		return
	}
}

// reserve sizes each list for the counts given, so that loading does not
// over-allocate by growing slices.
func (ix *index) reserve(counts []int) {
	for i, n := range counts {
		l := &ix.lists[i]
		l.rows = make([]uint32, 0, n)
		l.codes = make([]int8, 0, n*dim)
		l.norms = make([]float32, 0, n)
		l.eps = make([]float32, 0, n)
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
