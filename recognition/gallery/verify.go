package gallery

import (
	"context"
	"facecase/internal/fsutil"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Verify reads the whole gallery file and checks it: every value of meta
// and the current index against its checksum, every chunk (both parts of
// each) and every face record, that no chunk is missing or extra, and the
// face id index against the rows. Opening and searching check only what
// they read; Verify checks what they have not read yet (the descriptors of
// faces no search has come near). It returns the first problem found
// (wrapping ErrCorrupt), and nil for a memory gallery. Searches go on
// meanwhile; changes wait. Files of versions 2 and 3 have no checksums:
// only their layout is checked.
func (g *Local) Verify(ctx context.Context) error {
	if g.closed.Load() {
		return ErrClosed
	}
	if g.st == nil {
		return nil
	}
	g.writeMu.Lock()
	defer g.writeMu.Unlock()
	err := g.st.db.View(func(tx *bolt.Tx) error {
		defer releaseMap(tx)
		return g.st.verify(ctx, tx, g)
	})
	if err != nil {
		return fsutil.WrapPath("verify gallery", g.st.path, err)
	}
	return nil
}

// verify checks the file in tx against g, which writeMu keeps unchanged.
func (s *store) verify(ctx context.Context, tx *bolt.Tx, g *Local) error {
	meta := tx.Bucket(bucketMeta)
	if err := s.verifyValues(meta); err != nil {
		return err
	}
	ib := tx.Bucket(bucketIndex).Bucket(genKey(s.gen))
	if ib == nil {
		return fmt.Errorf("%w: index generation %d is missing", ErrCorrupt, s.gen)
	}
	if err := s.verifyValues(ib); err != nil {
		return err
	}
	rows := chunksFor(g.nextRow)
	legacy := s.legacy.Load()
	checks := []struct {
		b    *bolt.Bucket
		k    *chunkKind
		want int
	}{
		{tx.Bucket(bucketRows), rowsKind, rows}, {tx.Bucket(bucketVectors), vectorsKind, rows},
		{tx.Bucket(bucketLabels), labelsKind, chunksFor(uint32(len(g.labels)))}, {ib.Bucket(bucketCodes), codesKind, rows},
	}
	if pb := ib.Bucket(bucketPQ); pb != nil {
		checks = append(checks, struct {
			b    *bolt.Bucket
			k    *chunkKind
			want int
		}{pb, pqKind, rows})
	}
	for _, ch := range checks {
		if err := verifyChunks(ctx, tx, ch.b, ch.k, legacy, ch.want); err != nil {
			return err
		}
	}
	return s.verifyFaceIDs(ctx, tx, g)
}

// verifyValues checks the sums of a bucket's values.
func (s *store) verifyValues(b *bolt.Bucket) error {
	if !s.sealed {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		if v == nil || string(k) == string(keyVersion) {
			return nil
		}
		_, err := unseal(k, v)
		return err
	})
}

// verifyChunks checks chunks 0 to want-1 of kind k in b, and for vectors
// each face record too.
func verifyChunks(ctx context.Context, tx *bolt.Tx, b *bolt.Bucket, k *chunkKind, legacy bool, want int) error {
	if b == nil {
		return fmt.Errorf("%w: no %s bucket", ErrCorrupt, k.name)
	}
	n := 0
	cur := b.Cursor()
	for key, v := cur.First(); key != nil; key, v = cur.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if n%64 == 63 {
			releaseMap(tx)
		}
		if len(key) != 4 || v == nil || int(beU32(key)) != n || n >= want {
			return fmt.Errorf("%w: %s chunk %x is out of place (%d chunks expected)", ErrCorrupt, k.name, key, want)
		}
		c := beU32(key)
		if k == vectorsKind && k.checkHead(v, c) == nil && len(v) == chunkHeader+k.body {
			// The records first, so that damage is named by its row.
			for i := range chunkRows {
				if err := checkRecord(v[chunkHeader+i*recordBytes:chunkHeader+(i+1)*recordBytes], c*chunkRows+uint32(i)); err != nil {
					return err
				}
			}
		}
		if _, _, err := k.open(v, c, legacy); err != nil {
			return err
		}
		n++
	}
	if n != want {
		return fmt.Errorf("%w: %d %s chunks, want %d", ErrCorrupt, n, k.name, want)
	}
	return nil
}

// verifyFaceIDs checks that the face id index maps every enrolled face to
// its row, and nothing else.
func (s *store) verifyFaceIDs(ctx context.Context, tx *bolt.Tx, g *Local) error {
	n := 0
	cur := tx.Bucket(bucketFaceIDs).Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		if n%(1<<16) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		r, err := getU32(v)
		if err != nil || len(k) != 8 {
			return fmt.Errorf("%w: face id index entry %x", ErrCorrupt, k)
		}
		id := FaceID(beU64(k))
		if int(r) >= len(g.ids) || g.ids[r] != id {
			return fmt.Errorf("%w: the face id index puts face %d at row %d", ErrCorrupt, id, r)
		}
		n++
	}
	if n != g.live {
		return fmt.Errorf("%w: the face id index holds %d faces, the rows %d", ErrCorrupt, n, g.live)
	}
	return nil
}

func beU64(k []byte) uint64 { return uint64(beU32(k))<<32 | uint64(beU32(k[4:])) }
