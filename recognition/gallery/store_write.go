package gallery

import (
	"encoding/binary"
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"
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
// chunk once and putting it back at the end.
type chunkEditor struct {
	b     *bolt.Bucket
	tag   [4]byte
	size  int
	blank func(c uint32) []byte
	edits map[uint32][]byte
}

func newChunkEditor(b *bolt.Bucket, tag [4]byte, size int, blank func(c uint32) []byte) *chunkEditor {
	if blank == nil {
		blank = func(c uint32) []byte { return newChunk(tag, c, size) }
	}
	return &chunkEditor{b: b, tag: tag, size: size, blank: blank, edits: map[uint32][]byte{}}
}

// chunk returns a writable copy of the body of chunk c (blank when absent).
func (e *chunkEditor) chunk(c uint32) ([]byte, error) {
	if v, ok := e.edits[c]; ok {
		return v[chunkHeader:], nil
	}
	var v []byte
	if old := e.b.Get(chunkKey(c)); old != nil {
		if len(old) != e.size || !checkHeader(old, e.tag, c) {
			return nil, fmt.Errorf("%w: chunk %d has a bad header or %d bytes, want %d", ErrCorrupt, c, len(old), e.size)
		}
		v = append(make([]byte, 0, e.size), old...)
	} else {
		v = e.blank(c)
	}
	e.edits[c] = v
	return v[chunkHeader:], nil
}

func (e *chunkEditor) flush() error {
	for c, v := range e.edits {
		if err := e.b.Put(chunkKey(c), v); err != nil {
			return err
		}
	}
	return nil
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
	return s.commit(func(tx *bolt.Tx) error { return writeAddition(tx, a, s.gen) })
}

func writeAddition(tx *bolt.Tx, a *addition, gen uint64) error {
	meta := tx.Bucket(bucketMeta)
	nlabels, err := getU32(meta.Get(keyLabels))
	if err != nil {
		return err
	}
	ids := tx.Bucket(bucketFaceIDs)
	cb, err := codesBucket(tx, gen)
	if err != nil {
		return err
	}
	rowsEd := newChunkEditor(tx.Bucket(bucketRows), tagRows, rowsChunkBytes, nil)
	vecEd := newChunkEditor(tx.Bucket(bucketVectors), tagVectors, vectorChunkBytes, nil)
	codeEd := newChunkEditor(cb, tagCodes, codeChunkBytes, emptyCodeChunk)
	pqEd := newPQEditor(tx, gen)
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
		for j, v := range f.Descriptor {
			binary.LittleEndian.PutUint32(vc[slot*vectorBytes+j*4:], math.Float32bits(v))
		}
		cc, err := codeEd.chunk(c)
		if err != nil {
			return err
		}
		putCode(cc, slot, &a.codes[i])
		if err := putPQEntry(pqEd, r, &a.codes[i]); err != nil {
			return err
		}
	}
	for _, ed := range []*chunkEditor{rowsEd, vecEd, codeEd, pqEd} {
		if ed == nil {
			continue
		}
		if err := ed.flush(); err != nil {
			return err
		}
	}
	if err := appendLabels(tx.Bucket(bucketLabels), nlabels, a.newLabels); err != nil {
		return err
	}
	if err := meta.Put(keyLabels, u32(nlabels+uint32(len(a.newLabels)))); err != nil {
		return err
	}
	if err := meta.Put(keyRows, u32(a.nextRow)); err != nil {
		return err
	}
	return tx.Bucket(bucketIndex).Bucket(genKey(gen)).Put(keyChanges, u64(uint64(a.changes)))
}

// appendLabels adds labels numbered from n to the label chunks.
func appendLabels(b *bolt.Bucket, n uint32, labels []string) error {
	for len(labels) > 0 {
		c := n / chunkRows
		take := min(len(labels), int(chunkRows-n%chunkRows))
		v := append([]byte(nil), b.Get(chunkKey(c))...)
		for _, l := range labels[:take] {
			if len(l) > math.MaxUint16 {
				return fmt.Errorf("label of %d bytes is too long", len(l))
			}
			v = binary.LittleEndian.AppendUint16(v, uint16(len(l)))
			v = append(v, l...)
		}
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
		rowsEd := newChunkEditor(tx.Bucket(bucketRows), tagRows, rowsChunkBytes, nil)
		vecEd := newChunkEditor(tx.Bucket(bucketVectors), tagVectors, vectorChunkBytes, nil)
		codeEd := newChunkEditor(cb, tagCodes, codeChunkBytes, emptyCodeChunk)
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
			clear(vc[slot*vectorBytes : (slot+1)*vectorBytes])
			cc, err := codeEd.chunk(c)
			if err != nil {
				return err
			}
			putCode(cc, slot, &empty)
		}
		for _, ed := range []*chunkEditor{rowsEd, vecEd, codeEd} {
			if err := ed.flush(); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketIndex).Bucket(genKey(s.gen)).Put(keyChanges, u64(uint64(changes)))
	})
}

// beginIndex stores a new index generation's centroids.
func (s *store) beginIndex(ix *index) (uint64, *fileVectors, error) {
	var gen uint64
	fv, err := s.commit(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		next, err := getU64(meta.Get(keyNextGen))
		if err != nil {
			return err
		}
		gen = next
		if err := meta.Put(keyNextGen, u64(next+1)); err != nil {
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
			v := newChunk(tagCodes, cc.chunk, codeChunkBytes)
			for i := range cc.codes {
				putCode(v[chunkHeader:], i, &cc.codes[i])
			}
			if err := cb.Put(chunkKey(cc.chunk), v); err != nil {
				return err
			}
			if pb == nil {
				continue
			}
			v = newChunk(tagPQ, cc.chunk, pqChunkBytes)
			for i := range cc.codes {
				putPQ(v[chunkHeader:], i, &cc.codes[i])
			}
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
		ed := newChunkEditor(cb, tagCodes, codeChunkBytes, emptyCodeChunk)
		pqEd := newPQEditor(tx, gen)
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
		if err := ed.flush(); err != nil {
			return err
		}
		if pqEd != nil {
			if err := pqEd.flush(); err != nil {
				return err
			}
		}
		ib := tx.Bucket(bucketIndex)
		if err := ib.Bucket(genKey(gen)).Put(keyChanges, u64(uint64(changes))); err != nil {
			return err
		}
		if err := tx.Bucket(bucketMeta).Put(keyGen, u64(gen)); err != nil {
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
