package gallery

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// load reads the gallery into g: face ids and labels, and the int8 index.
// Chunks are read with positioned reads rather than through bbolt's memory
// map, so that the process keeps one copy (see fileVectors).
func (s *store) load(tx *bolt.Tx, g *Local) error {
	meta := tx.Bucket(bucketMeta)
	rows, err := getU32(meta.Get(keyRows))
	if err != nil {
		return fmt.Errorf("row count: %w", err)
	}
	nlabels, err := getU32(meta.Get(keyLabels))
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
	g.fileVec, err = vectorsOf(tx, s.f, rows)
	return err
}

func (s *store) loadRows(tx *bolt.Tx, g *Local, rows, nlabels uint32) error {
	spans, err := valueSpans(tx, s.f, tx.Bucket(bucketRows), tagRows, rowsChunkBytes, "rows")
	if err != nil {
		return err
	}
	g.nextRow = rows
	g.ids = make([]FaceID, rows)
	g.labelOf = make([]uint32, rows)
	buf := make([]byte, rowsChunkBytes-chunkHeader)
	for _, sp := range spans {
		if _, err := s.f.ReadAt(buf, sp.off); err != nil {
			return fmt.Errorf("read rows: %w", err)
		}
		for i := range chunkRows {
			r := sp.chunk*chunkRows + uint32(i)
			if r >= rows {
				break
			}
			id, label := getRow(buf, i)
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
	for k, v := c.First(); k != nil && uint32(len(labels)) < n; k, v = c.Next() {
		if len(k) != 4 || beU32(k) != uint32(len(labels))/chunkRows {
			return nil, fmt.Errorf("%w: label chunk %x out of order", ErrCorrupt, k)
		}
		for len(v) > 0 && uint32(len(labels)) < n {
			if len(v) < 2 || len(v) < 2+int(binary.LittleEndian.Uint16(v)) {
				return nil, fmt.Errorf("%w: label %d is cut short", ErrCorrupt, len(labels))
			}
			l := int(binary.LittleEndian.Uint16(v))
			labels = append(labels, string(v[2:2+l]))
			v = v[2+l:]
		}
	}
	if uint32(len(labels)) != n {
		return nil, fmt.Errorf("%w: %d labels stored, %d expected", ErrCorrupt, len(labels), n)
	}
	return labels, nil
}

func (s *store) loadIndex(tx *bolt.Tx, g *Local) (*index, error) {
	b := tx.Bucket(bucketIndex).Bucket(genKey(s.gen))
	scale, err := getF32s(b.Get(keyQuant), "quantizer")
	if err != nil || len(scale) != dim {
		return nil, fmt.Errorf("%w: quantizer", ErrCorrupt)
	}
	cents, err := getF32s(b.Get(keyCents), "centroids")
	if err != nil {
		return nil, err
	}
	tops, err := getF32s(b.Get(keyTops), "tops")
	if err != nil {
		return nil, err
	}
	sb := b.Get(keyStart)
	c := &coarse{centroids: cents, tops: tops, start: make([]uint32, len(sb)/4)}
	for i := range c.start {
		c.start[i] = binary.LittleEndian.Uint32(sb[i*4:])
	}
	if len(cents) == 0 || len(cents)%dim != 0 || len(tops)%dim != 0 || len(c.start) != len(tops)/dim+1 ||
		c.start[len(c.start)-1] != uint32(c.nlist()) {
		return nil, fmt.Errorf("%w: index centroids", ErrCorrupt)
	}
	trained, err := getU64(b.Get(keyTrained))
	if err != nil {
		return nil, err
	}
	changes, err := getU64(b.Get(keyChanges))
	if err != nil {
		return nil, err
	}
	var q quantizer
	copy(q.scale[:], scale)
	ix := newIndex(c, q, int(trained))
	ix.changes = int(changes)
	if ix.pq, err = getPQBook(b); err != nil {
		return nil, err
	}
	pqOff := map[uint32]int64{}
	if ix.pq != nil {
		pqSpans, err := valueSpans(tx, s.f, b.Bucket(bucketPQ), tagPQ, pqChunkBytes, "pq")
		if err != nil {
			return nil, err
		}
		for _, sp := range pqSpans {
			pqOff[sp.chunk] = sp.off
		}
	}
	spans, err := valueSpans(tx, s.f, b.Bucket(bucketCodes), tagCodes, codeChunkBytes, "codes")
	if err != nil {
		return nil, err
	}
	// First the list of every row, to size the lists exactly; then the codes.
	counts := make([]int, c.nlist())
	buf := make([]byte, codeChunkBytes-chunkHeader)
	for _, sp := range spans {
		if _, err := s.f.ReadAt(buf[:chunkRows*4], sp.off); err != nil {
			return nil, fmt.Errorf("read codes: %w", err)
		}
		for i := range chunkRows {
			l := binary.LittleEndian.Uint32(buf[i*4:])
			if l != noList && int(l) >= len(counts) {
				return nil, fmt.Errorf("%w: list %d of %d", ErrCorrupt, l, len(counts))
			}
			if l != noList {
				counts[l]++
			}
		}
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
	pqBuf := make([]byte, pqChunkBytes-chunkHeader)
	var pe code
	body := buf
	if !ix.resident {
		body = buf[:chunkRows*4] // the lists only
	}
	for _, sp := range spans {
		if _, err := s.f.ReadAt(body, sp.off); err != nil {
			return nil, fmt.Errorf("read codes: %w", err)
		}
		if ix.pq != nil {
			off, ok := pqOff[sp.chunk]
			if !ok {
				return nil, fmt.Errorf("%w: pq chunk %d is missing", ErrCorrupt, sp.chunk)
			}
			if _, err := s.f.ReadAt(pqBuf, off); err != nil {
				return nil, fmt.Errorf("read pq codes: %w", err)
			}
		}
		codes := unsafe.Slice((*int8)(unsafe.Pointer(&buf[chunkRows*12])), chunkRows*dim)
		for i := range chunkRows {
			r := sp.chunk*chunkRows + uint32(i)
			list := binary.LittleEndian.Uint32(buf[i*4:])
			if list == noList {
				continue
			}
			if int(r) >= len(g.ids) || g.ids[r] == 0 {
				return nil, fmt.Errorf("%w: index holds free row %d", ErrCorrupt, r)
			}
			l := &ix.lists[list]
			l.rows = append(l.rows, r)
			if ix.resident {
				l.codes = append(l.codes, codes[i*dim:i*dim+dim]...)
				l.norms = append(l.norms, math.Float32frombits(binary.LittleEndian.Uint32(buf[chunkRows*4+i*4:])))
				l.eps = append(l.eps, math.Float32frombits(binary.LittleEndian.Uint32(buf[chunkRows*8+i*4:])))
			}
			if ix.pq != nil {
				getPQ(pqBuf, i, &pe)
				l.pq = appendPQ(l.pq, len(l.rows)-1, &pqEntry{pe.pq, ix.pq.quantBeta(pe.beta)})
			}
			ix.where[r] = list
			ix.count++
		}
	}
	ix.baseLargest = ix.largestList()
	if ix.count != g.live {
		return nil, fmt.Errorf("%w: index holds %d faces, gallery %d", ErrCorrupt, ix.count, g.live)
	}
	return ix, nil
}
