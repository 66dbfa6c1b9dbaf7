package gallery

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// load reads the gallery into g: face ids and labels, and the int8 index,
// checking every chunk it reads against its sums. Chunks are read with
// positioned reads rather than through bbolt's memory map, so that the
// process keeps one copy (see fileVectors).
func (s *store) load(tx *bolt.Tx, g *Local) error {
	meta := values{b: tx.Bucket(bucketMeta), sealed: s.sealed}
	rows, err := meta.u32(keyRows)
	if err != nil {
		return fmt.Errorf("row count: %w", err)
	}
	nlabels, err := meta.u32(keyLabels)
	if err != nil {
		return fmt.Errorf("label count: %w", err)
	}
	if err := s.loadRows(tx, g, rows, nlabels); err != nil {
		return err
	}
	if g.labels, err = s.loadLabels(tx, nlabels); err != nil {
		return err
	}
	if g.ix, err = s.loadIndex(tx, g); err != nil {
		return err
	}
	g.fileVec, err = vectorsOf(tx, s.f, rows, s.legacy.Load())
	return err
}

// chunksFor is how many chunks n rows (or labels) take.
func chunksFor(n uint32) int { return int((n + chunkRows - 1) / chunkRows) }

func (s *store) loadRows(tx *bolt.Tx, g *Local, rows, nlabels uint32) error {
	spans, err := valueSpans(tx, s.f, tx.Bucket(bucketRows), rowsKind, s.legacy.Load(), chunksFor(rows))
	if err != nil {
		return err
	}
	g.nextRow = rows
	g.ids = make([]FaceID, rows)
	g.labelOf = make([]uint32, rows)
	var buf []byte
	for _, sp := range spans {
		body, err := sp.read(s.f, rowsKind, true, &buf)
		if err != nil {
			return err
		}
		for i := range chunkRows {
			r := sp.chunk*chunkRows + uint32(i)
			if r >= rows {
				break
			}
			id, label := getRow(body, i)
			if id != 0 && label >= nlabels {
				return fmt.Errorf("%w: row %d has label %d of %d", ErrCorrupt, r, label, nlabels)
			}
			g.ids[r], g.labelOf[r] = id, label
		}
	}
	for r := range rows {
		if g.ids[r] == 0 {
			g.free = append(g.free, r)
		} else {
			g.live++
		}
	}
	return nil
}

func (s *store) loadLabels(tx *bolt.Tx, n uint32) ([]string, error) {
	labels := make([]string, 0, n)
	c := tx.Bucket(bucketLabels).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != 4 || int(beU32(k)) != len(labels)/chunkRows || len(labels)%chunkRows != 0 || uint32(len(labels)) >= n {
			return nil, fmt.Errorf("%w: label chunk %x out of order", ErrCorrupt, k)
		}
		body, _, err := labelsKind.open(v, beU32(k), s.legacy.Load())
		if err != nil {
			return nil, err
		}
		for len(body) > 0 {
			if len(body) < 2 || len(body) < 2+int(binary.LittleEndian.Uint16(body)) || uint32(len(labels)) >= n {
				return nil, fmt.Errorf("%w: label %d is cut short or one too many", ErrCorrupt, len(labels))
			}
			l := int(binary.LittleEndian.Uint16(body))
			labels = append(labels, string(body[2:2+l]))
			body = body[2+l:]
		}
	}
	if uint32(len(labels)) != n {
		return nil, fmt.Errorf("%w: %d labels stored, %d expected", ErrCorrupt, len(labels), n)
	}
	return labels, nil
}

// loadCoarse reads the centroids and quantizer of an index generation.
func loadCoarse(vs values) (*coarse, quantizer, error) {
	var q quantizer
	scale, err := vs.f32s(keyQuant)
	if err != nil || len(scale) != dim {
		return nil, q, fmt.Errorf("%w: quantizer (%v)", ErrCorrupt, err)
	}
	copy(q.scale[:], scale)
	cents, err := vs.f32s(keyCents)
	if err != nil {
		return nil, q, err
	}
	tops, err := vs.f32s(keyTops)
	if err != nil {
		return nil, q, err
	}
	sb, err := vs.must(keyStart)
	if err != nil {
		return nil, q, err
	}
	c := &coarse{centroids: cents, tops: tops, start: make([]uint32, len(sb)/4)}
	for i := range c.start {
		c.start[i] = binary.LittleEndian.Uint32(sb[i*4:])
	}
	if len(cents) == 0 || len(cents)%dim != 0 || len(tops)%dim != 0 || len(c.start) != len(tops)/dim+1 ||
		c.start[len(c.start)-1] != uint32(c.nlist()) {
		return nil, q, fmt.Errorf("%w: index centroids", ErrCorrupt)
	}
	for i := 1; i < len(c.start); i++ {
		if c.start[i] < c.start[i-1] {
			return nil, q, fmt.Errorf("%w: index centroids", ErrCorrupt)
		}
	}
	for _, x := range append(append(scale, cents...), tops...) {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, q, fmt.Errorf("%w: an index value is not a finite number", ErrCorrupt)
		}
	}
	return c, q, nil
}

func (s *store) loadIndex(tx *bolt.Tx, g *Local) (*index, error) {
	b := tx.Bucket(bucketIndex).Bucket(genKey(s.gen))
	ix, err := loadIndexHeader(values{b: b, sealed: s.sealed})
	if err != nil {
		return nil, err
	}
	nchunks := chunksFor(uint32(len(g.ids)))
	var pqSpans []span
	if ix.pq != nil {
		if pqSpans, err = valueSpans(tx, s.f, b.Bucket(bucketPQ), pqKind, s.legacy.Load(), nchunks); err != nil {
			return nil, err
		}
	}
	if b.Bucket(bucketCodes) == nil {
		return nil, fmt.Errorf("%w: index generation %d has no codes", ErrCorrupt, s.gen)
	}
	spans, err := valueSpans(tx, s.f, b.Bucket(bucketCodes), codesKind, s.legacy.Load(), nchunks)
	if err != nil {
		return nil, err
	}
	// First the list of every row, to size the lists exactly; then the codes.
	counts, err := listCounts(s.f, spans, ix.coarse.nlist())
	if err != nil {
		return nil, err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	ix.resident = g.residentFor(total)
	ix.reserve(counts)
	ix.where = make([]uint32, len(g.ids))
	for i := range ix.where {
		ix.where[i] = noList
	}
	if err := ix.loadChunks(g, s.f, spans, pqSpans); err != nil {
		return nil, err
	}
	ix.baseLargest = ix.largestList()
	if ix.count != g.live {
		return nil, fmt.Errorf("%w: index holds %d faces, gallery %d", ErrCorrupt, ix.count, g.live)
	}
	return ix, nil
}

// loadIndexHeader makes an empty index from an index generation's values:
// the coarse quantizer, the int8 quantizer, the training and change
// counts and the product quantizer's codebook (if any).
func loadIndexHeader(vs values) (*index, error) {
	c, q, err := loadCoarse(vs)
	if err != nil {
		return nil, err
	}
	trained, err := vs.u64(keyTrained)
	if err != nil {
		return nil, err
	}
	changes, err := vs.u64(keyChanges)
	if err != nil {
		return nil, err
	}
	ix := newIndex(c, q, int(trained))
	ix.changes = int(changes)
	if ix.pq, err = getPQBook(vs); err != nil {
		return nil, err
	}
	return ix, nil
}

// listCounts is the number of rows in each of nlist lists, read from the
// list numbers at the start of every code chunk.
func listCounts(f *os.File, spans []span, nlist int) ([]int, error) {
	counts := make([]int, nlist)
	var buf []byte
	for _, sp := range spans {
		body, err := sp.read(f, codesKind, false, &buf)
		if err != nil {
			return nil, err
		}
		for i := range chunkRows {
			l := binary.LittleEndian.Uint32(body[i*4:])
			if l != noList && int(l) >= len(counts) {
				return nil, fmt.Errorf("%w: list %d of %d", ErrCorrupt, l, len(counts))
			}
			if l != noList {
				counts[l]++
			}
		}
	}
	return counts, nil
}

// loadChunks puts the rows of every code chunk (and its pq chunk, with a
// product quantizer) in their lists.
func (ix *index) loadChunks(g *Local, f *os.File, spans, pqSpans []span) error {
	var buf, pqBuf []byte
	var pe code
	for i, sp := range spans {
		body, err := sp.read(f, codesKind, ix.resident, &buf)
		if err != nil {
			return err
		}
		var pqBody []byte
		if ix.pq != nil {
			if i >= len(pqSpans) || pqSpans[i].chunk != sp.chunk {
				return fmt.Errorf("%w: pq chunk %d is missing", ErrCorrupt, sp.chunk)
			}
			if pqBody, err = pqSpans[i].read(f, pqKind, true, &pqBuf); err != nil {
				return err
			}
		}
		if err := ix.loadChunk(g, sp.chunk, body, pqBody, &pe); err != nil {
			return err
		}
	}
	return nil
}

// loadChunk puts the rows of code chunk c in their lists: body is the
// chunk's body (its lists only when the codes stay in the file), pqBody
// the pq chunk's (nil without a product quantizer).
func (ix *index) loadChunk(g *Local, c uint32, body, pqBody []byte, pe *code) error {
	for i := range chunkRows {
		r := c*chunkRows + uint32(i)
		list := binary.LittleEndian.Uint32(body[i*4:])
		if list == noList {
			continue
		}
		if int(r) >= len(g.ids) || g.ids[r] == 0 {
			return fmt.Errorf("%w: index holds free row %d", ErrCorrupt, r)
		}
		l := &ix.lists[list]
		l.rows = append(l.rows, r)
		if ix.resident {
			o := chunkRows*12 + i*dim
			l.codes = append(l.codes, int8s(body[o:o+dim])...)
			l.norms = append(l.norms, math.Float32frombits(binary.LittleEndian.Uint32(body[chunkRows*4+i*4:])))
			l.eps = append(l.eps, math.Float32frombits(binary.LittleEndian.Uint32(body[chunkRows*8+i*4:])))
		}
		if pqBody != nil {
			getPQ(pqBody, i, pe)
			l.pq = appendPQ(l.pq, len(l.rows)-1, &pqEntry{pe.pq, ix.pq.quantBeta(pe.beta)})
		}
		ix.where[r] = list
		ix.count++
	}
	return nil
}

// int8s is b's memory as int8 (the int8 codes as stored).
func int8s(b []byte) []int8 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}
