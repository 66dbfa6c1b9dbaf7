package gallery

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/internal/fsutil"
	"facecase/progress"
)

// Upgrading a file of version 2 or 3 to version 5 (checksums, see
// format.go; version 4 had the same layout and needs only its number
// changed and its cohort statistics filled in, see stats_fill.go) takes
// two steps, so that opening a 10-million-face file stays
// quick:
//
//  1. When the file is opened for writing (and only after everything
//     opening reads was checked), one transaction seals the small values
//     of meta and the index, marks the file version 5 and sets meta
//     "legacy": the file may still hold chunks of versions 2 and 3.
//  2. Those chunks are rewritten in the current layout in batches of
//     transactions, in the background (or by Upgrade), while searches and
//     changes go on; a chunk that a change touches first is upgraded by
//     that change. When none is left, "legacy" is deleted and chunks of
//     the old layout are refused from then on.
//
// An interrupted upgrade resumes the next time the file is opened for
// writing. A version 2 index gets its product quantizer from the rebuild
// that its missing quantizer triggers (see Local.drifted).

// upgradeBatchChunks is how many chunk numbers one upgrade transaction
// rewrites (about 0.7 MB of each; bbolt holds a transaction's pages in
// memory until it commits). A variable so that a test can interleave
// batches with changes.
var upgradeBatchChunks uint32 = 32

// upgradeValues seals the small values of a version 2 or 3 file (meta and
// its current index generation; stale ones are dropped first) and marks it
// version 5 with legacy chunks (a version 4 file only gets its number).
func upgradeValues(tx *bolt.Tx, from uint32) error {
	meta := tx.Bucket(bucketMeta)
	if from == 4 {
		// Version 5 has the layout of version 4; its records' statistics
		// are filled in (see stats_fill.go).
		return meta.Put(keyVersion, u32(formatVersion))
	}
	gen, err := getU64(meta.Get(keyGen))
	if err != nil {
		return fmt.Errorf("index generation: %w", err)
	}
	for _, b := range []*bolt.Bucket{meta, tx.Bucket(bucketIndex).Bucket(genKey(gen))} {
		if err := sealAll(b); err != nil {
			return err
		}
	}
	if err := putValue(meta, keyLegacy, u32(from)); err != nil {
		return err
	}
	return meta.Put(keyVersion, u32(formatVersion))
}

// sealAll seals every value of b but the version (sub-buckets are left).
func sealAll(b *bolt.Bucket) error {
	type kv struct{ k, v []byte }
	var all []kv
	err := b.ForEach(func(k, v []byte) error {
		if v != nil && string(k) != string(keyVersion) {
			all = append(all, kv{append([]byte(nil), k...), append([]byte(nil), v...)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range all {
		if err := putValue(b, e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// upgradeBatch rewrites the old-layout chunks numbered from to from+n-1
// of every kind; done says that none is left, and the file is marked so.
func (s *store) upgradeBatch(from, n uint32) (done bool, fv *fileVectors, err error) {
	fv, err = s.commit(func(tx *bolt.Tx) error {
		meta := sealed(tx.Bucket(bucketMeta))
		rows, err := meta.u32(keyRows)
		if err != nil {
			return err
		}
		nlabels, err := meta.u32(keyLabels)
		if err != nil {
			return err
		}
		end := uint32(max(chunksFor(rows), chunksFor(nlabels)))
		gb := tx.Bucket(bucketIndex).Bucket(genKey(s.gen))
		if gb == nil {
			return fmt.Errorf("%w: index generation %d is missing", ErrCorrupt, s.gen)
		}
		kinds := []struct {
			b *bolt.Bucket
			k *chunkKind
		}{
			{tx.Bucket(bucketRows), rowsKind}, {tx.Bucket(bucketVectors), vectorsKind},
			{tx.Bucket(bucketLabels), labelsKind}, {gb.Bucket(bucketCodes), codesKind}, {gb.Bucket(bucketPQ), pqKind},
		}
		for c := from; c < min(end, from+n); c++ {
			for _, bk := range kinds {
				if bk.b == nil {
					continue
				}
				old := bk.b.Get(chunkKey(c))
				if old == nil || !bk.k.isLegacy(old) {
					continue
				}
				v, err := upgradeChunk(bk.k, old, c, true)
				if err != nil {
					return err
				}
				bk.k.seal(v)
				if err := bk.b.Put(chunkKey(c), v); err != nil {
					return err
				}
			}
		}
		if from+n < end {
			return nil
		}
		done = true
		return tx.Bucket(bucketMeta).Delete(keyLegacy)
	})
	if err != nil {
		return false, nil, err
	}
	if done {
		s.legacy.Store(false)
	}
	return done, fv, nil
}

// Upgrade rewrites the chunks a version 2 or 3 file still holds in the
// current layout, with checksums, in batches of transactions; searches and
// changes go on meanwhile. A gallery opened without ManualRebuild does
// this in the background; bulk imports call it. It returns at once when
// nothing is left to upgrade.
func (g *Local) Upgrade(ctx context.Context) error {
	if g.closed.Load() {
		return ErrClosed
	}
	if g.st == nil {
		return nil
	}
	if err := g.writable(); err != nil {
		return fmt.Errorf("upgrade gallery: %w", err)
	}
	g.upgradeMu.Lock()
	defer g.upgradeMu.Unlock()
	start := time.Now()
	for from := uint32(0); ; from += upgradeBatchChunks {
		if err := ctx.Err(); err != nil {
			return err
		}
		g.writeMu.Lock()
		if g.closed.Load() {
			g.writeMu.Unlock()
			return ErrClosed
		}
		if !g.st.legacy.Load() {
			g.writeMu.Unlock()
			return nil
		}
		total := int64(g.nextRow)
		done, fv, err := g.st.upgradeBatch(from, upgradeBatchChunks)
		if err == nil {
			g.swapVectors(fv)
		}
		g.writeMu.Unlock()
		if err != nil {
			return fmt.Errorf("upgrade gallery: %w", err)
		}
		g.opts.Progress.Report(progress.Update{Stage: "upgrade: checksums", Done: min(total, int64(from+upgradeBatchChunks)*chunkRows),
			Total: total, Unit: "faces", Elapsed: time.Since(start)})
		if done {
			return nil
		}
	}
}

// maybeUpgrade starts the background upgrade of old-layout chunks.
// writeMu is held.
func (g *Local) maybeUpgrade() {
	if g.opts.ManualRebuild || g.closed.Load() || g.st == nil || !g.st.legacy.Load() || g.st.readOnly {
		return
	}
	g.bg.start(&g.bg.upgrading, func(ctx context.Context) {
		if err := g.Upgrade(ctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, ErrClosed) {
			g.bg.upgradeErr.Store(&err)
		}
	})
}

// NeedsUpgrade says whether the gallery file at path is of an older
// version than this program writes, or holds chunks of one (see Upgrade),
// reading only its header records. Errors are those of OpenReadOnly.
func NeedsUpgrade(path string) (bool, error) {
	if err := checkFile(path, true); err != nil {
		return false, fsutil.WrapPath("open gallery", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		return false, fsutil.WrapPath("open gallery", path, boltOpenError(err))
	}
	defer db.Close()
	s := &store{path: path, db: db, readOnly: true}
	st, err := s.inspect()
	if err == nil && st.fresh {
		err = fmt.Errorf("%w: a bbolt file without gallery records", ErrNotGallery)
	}
	if err != nil {
		return false, fsutil.WrapPath("open gallery", path, err)
	}
	return st.version < formatVersion || st.legacy, nil
}
