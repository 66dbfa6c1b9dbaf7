package gallery

import (
	"encoding/binary"
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
)

// checkNew fails with ErrDuplicate when a face id is already in the file.
func (s *store) checkNew(faces []Face) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFaceIDs)
		for i := range faces {
			if b.Get(idKey(faces[i].ID)) != nil {
				return fmt.Errorf("add face %d: %w", faces[i].ID, ErrDuplicate)
			}
		}
		return nil
	})
}

// rowsOf looks up the rows of face ids; a missing one gives ErrNotFound.
func (s *store) rowsOf(ids []FaceID) ([]uint32, error) {
	rows := make([]uint32, len(ids))
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFaceIDs)
		for i, id := range ids {
			v := b.Get(idKey(id))
			if v == nil {
				return fmt.Errorf("face %d: %w", id, ErrNotFound)
			}
			r, err := getU32(v)
			if err != nil {
				return err
			}
			rows[i] = r
		}
		return nil
	})
	return rows, err
}

// chunkEditor edits chunk values in one write transaction, reading each
// chunk once (checked against its sums) and putting it back, sealed, at
// the end. A chunk of versions 2 and 3 is upgraded as it is edited.
type chunkEditor struct {
	b      *bolt.Bucket
	k      *chunkKind
	legacy bool
	blank  func(c uint32) []byte
	edits  map[uint32][]byte
}

// newChunkEditor edits the chunks of kind k in b; blank makes a new chunk
// value (default: a zero body); legacy allows chunks of versions 2 and 3.
func newChunkEditor(b *bolt.Bucket, k *chunkKind, legacy bool, blank func(c uint32) []byte) *chunkEditor {
	if blank == nil {
		blank = func(c uint32) []byte { return k.newChunk(c, -1) }
	}
	return &chunkEditor{b: b, k: k, legacy: legacy, blank: blank, edits: map[uint32][]byte{}}
}

// chunk returns a writable copy of the body of chunk c (blank when absent).
func (e *chunkEditor) chunk(c uint32) ([]byte, error) {
	if v, ok := e.edits[c]; ok {
		return v[chunkHeader:], nil
	}
	var v []byte
	if old := e.b.Get(chunkKey(c)); old != nil {
		var err error
		if v, err = upgradeChunk(e.k, old, c, e.legacy); err != nil {
			return nil, err
		}
	} else {
		v = e.blank(c)
	}
	e.edits[c] = v
	return v[chunkHeader:], nil
}

func (e *chunkEditor) flush() error {
	for c, v := range e.edits {
		e.k.seal(v)
		if err := e.b.Put(chunkKey(c), v); err != nil {
			return err
		}
	}
	return nil
}

// flushAll flushes editors; nil ones are skipped.
func flushAll(eds ...*chunkEditor) error {
	for _, ed := range eds {
		if ed == nil {
			continue
		}
		if err := ed.flush(); err != nil {
			return err
		}
	}
	return nil
}

// upgradeChunk checks a stored chunk value and returns a writable
// version-4 copy of it (sums not yet set).
func upgradeChunk(k *chunkKind, old []byte, c uint32, legacy bool) ([]byte, error) {
	body, isLegacy, err := k.open(old, c, legacy)
	if err != nil {
		return nil, err
	}
	if isLegacy && k == vectorsKind {
		return upgradeVectors(body, c)
	}
	v := k.newChunk(c, len(body))
	copy(v[chunkHeader:], body)
	return v, nil
}

// emptyCodeChunk is code chunk c with every row unindexed.
func emptyCodeChunk(c uint32) []byte {
	v := codesKind.newChunk(c, -1)
	fillEmptyCodes(v[chunkHeader:])
	return v
}

// codesBucket is the codes bucket of index generation gen.
func codesBucket(tx *bolt.Tx, gen uint64) (*bolt.Bucket, error) {
	b := tx.Bucket(bucketIndex).Bucket(genKey(gen))
	if b == nil {
		return nil, fmt.Errorf("%w: index generation %d is missing", ErrCorrupt, gen)
	}
	return b.Bucket(bucketCodes), nil
}

// commitAdd writes an addition.
func (s *store) commitAdd(a *addition) (*fileVectors, error) {
	return s.commit(func(tx *bolt.Tx) error { return writeAddition(tx, a, s.gen, s.legacy.Load()) })
}

// writeAddition writes an addition into index generation gen; legacy
// allows chunks of versions 2 and 3 (upgraded as they are edited).
func writeAddition(tx *bolt.Tx, a *addition, gen uint64, legacy bool) error {
	meta := tx.Bucket(bucketMeta)
	nlabels, err := sealed(meta).u32(keyLabels)
	if err != nil {
		return err
	}
	ids := tx.Bucket(bucketFaceIDs)
	cb, err := codesBucket(tx, gen)
	if err != nil {
		return err
	}
	rowsEd := newChunkEditor(tx.Bucket(bucketRows), rowsKind, legacy, nil)
	vecEd := newChunkEditor(tx.Bucket(bucketVectors), vectorsKind, legacy, blankVectors)
	codeEd := newChunkEditor(cb, codesKind, legacy, emptyCodeChunk)
	pqEd := newPQEditor(tx, gen, legacy)
	for i, r := range a.rows {
		f := &a.faces[i]
		c, slot := r/chunkRows, int(r%chunkRows)
		if err := ids.Put(idKey(f.ID), u32(r)); err != nil {
			return err
		}
		rc, err := rowsEd.chunk(c)
		if err != nil {
			return err
		}
		putRow(rc, slot, f.ID, a.labels[i])
		vc, err := vecEd.chunk(c)
		if err != nil {
			return err
		}
		putRecord(vc, slot, r, (*[dim]float32)(&f.Descriptor), f.Cohort)
		cc, err := codeEd.chunk(c)
		if err != nil {
			return err
		}
		putCode(cc, slot, &a.codes[i])
		if err := putPQEntry(pqEd, r, &a.codes[i]); err != nil {
			return err
		}
	}
	if err := flushAll(rowsEd, vecEd, codeEd, pqEd); err != nil {
		return err
	}
	if err := appendLabels(tx.Bucket(bucketLabels), nlabels, a.newLabels, legacy); err != nil {
		return err
	}
	if err := putValue(meta, keyLabels, u32(nlabels+uint32(len(a.newLabels)))); err != nil {
		return err
	}
	if err := putValue(meta, keyRows, u32(a.nextRow)); err != nil {
		return err
	}
	return putValue(tx.Bucket(bucketIndex).Bucket(genKey(gen)), keyChanges, u64(uint64(a.changes)))
}

// appendLabels adds labels numbered from n to the label chunks.
func appendLabels(b *bolt.Bucket, n uint32, labels []string, legacy bool) error {
	for len(labels) > 0 {
		c := n / chunkRows
		take := min(len(labels), int(chunkRows-n%chunkRows))
		v := labelsKind.newChunk(c, 0)
		if old := b.Get(chunkKey(c)); old != nil {
			var err error
			if v, err = upgradeChunk(labelsKind, old, c, legacy); err != nil {
				return err
			}
		}
		for _, l := range labels[:take] {
			if len(l) > math.MaxUint16 {
				return fmt.Errorf("label of %d bytes is too long", len(l))
			}
			v = binary.LittleEndian.AppendUint16(v, uint16(len(l)))
			v = append(v, l...)
		}
		labelsKind.seal(v)
		if err := b.Put(chunkKey(c), v); err != nil {
			return err
		}
		labels = labels[take:]
		n += uint32(take)
	}
	return nil
}

// commitRemove frees the rows of removed faces and wipes their descriptors.
func (s *store) commitRemove(ids []FaceID, rows []uint32, changes int) (*fileVectors, error) {
	return s.commit(func(tx *bolt.Tx) error {
		fb := tx.Bucket(bucketFaceIDs)
		cb, err := codesBucket(tx, s.gen)
		if err != nil {
			return err
		}
		rowsEd := newChunkEditor(tx.Bucket(bucketRows), rowsKind, s.legacy.Load(), nil)
		vecEd := newChunkEditor(tx.Bucket(bucketVectors), vectorsKind, s.legacy.Load(), blankVectors)
		codeEd := newChunkEditor(cb, codesKind, s.legacy.Load(), emptyCodeChunk)
		empty := code{list: noList}
		for i, r := range rows {
			if err := fb.Delete(idKey(ids[i])); err != nil {
				return err
			}
			c, slot := r/chunkRows, int(r%chunkRows)
			rc, err := rowsEd.chunk(c)
			if err != nil {
				return err
			}
			putRow(rc, slot, 0, 0)
			vc, err := vecEd.chunk(c)
			if err != nil {
				return err
			}
			putRecord(vc, slot, r, nil, facedata.CohortStats{})
			cc, err := codeEd.chunk(c)
			if err != nil {
				return err
			}
			putCode(cc, slot, &empty)
		}
		if err := flushAll(rowsEd, vecEd, codeEd); err != nil {
			return err
		}
		return putValue(tx.Bucket(bucketIndex).Bucket(genKey(s.gen)), keyChanges, u64(uint64(changes)))
	})
}

// beginIndex stores a new index generation's centroids.
func (s *store) beginIndex(ix *index) (uint64, *fileVectors, error) {
	var gen uint64
	fv, err := s.commit(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		next, err := sealed(meta).u64(keyNextGen)
		if err != nil {
			return err
		}
		gen = next
		if err := putValue(meta, keyNextGen, u64(next+1)); err != nil {
			return err
		}
		return putIndex(tx, gen, ix)
	})
	return gen, fv, err
}

// writeCodes stores whole code chunks of generation gen.
func (s *store) writeCodes(gen uint64, batch []codeChunk) (*fileVectors, error) {
	return s.commit(func(tx *bolt.Tx) error {
		cb, err := codesBucket(tx, gen)
		if err != nil {
			return err
		}
		pb := pqBucket(tx, gen)
		for _, cc := range batch {
			v := codesKind.newChunk(cc.chunk, -1)
			for i := range cc.codes {
				putCode(v[chunkHeader:], i, &cc.codes[i])
			}
			codesKind.seal(v)
			if err := cb.Put(chunkKey(cc.chunk), v); err != nil {
				return err
			}
			if pb == nil {
				continue
			}
			v = pqKind.newChunk(cc.chunk, -1)
			for i := range cc.codes {
				putPQ(v[chunkHeader:], i, &cc.codes[i])
			}
			pqKind.seal(v)
			if err := pb.Put(chunkKey(cc.chunk), v); err != nil {
				return err
			}
		}
		return nil
	})
}

// switchIndex applies the last changes to generation gen, makes it current
// and deletes the previous one, in one transaction.
func (s *store) switchIndex(gen uint64, patch map[uint32]code, changes int) (*fileVectors, error) {
	old := s.gen
	fv, err := s.commit(func(tx *bolt.Tx) error {
		cb, err := codesBucket(tx, gen)
		if err != nil {
			return err
		}
		ed := newChunkEditor(cb, codesKind, s.legacy.Load(), emptyCodeChunk)
		pqEd := newPQEditor(tx, gen, s.legacy.Load())
		for r, e := range patch {
			v, err := ed.chunk(r / chunkRows)
			if err != nil {
				return err
			}
			putCode(v, int(r%chunkRows), &e)
			if err := putPQEntry(pqEd, r, &e); err != nil {
				return err
			}
		}
		if err := flushAll(ed, pqEd); err != nil {
			return err
		}
		ib := tx.Bucket(bucketIndex)
		if err := putValue(ib.Bucket(genKey(gen)), keyChanges, u64(uint64(changes))); err != nil {
			return err
		}
		if err := putValue(tx.Bucket(bucketMeta), keyGen, u64(gen)); err != nil {
			return err
		}
		return ib.DeleteBucket(genKey(old))
	})
	if err == nil {
		s.gen = gen
	}
	return fv, err
}

// dropIndex deletes an unfinished index generation.
func (s *store) dropIndex(gen uint64) {
	_ = s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketIndex).DeleteBucket(genKey(gen))
	})
}
