package gallery

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// store is the gallery file: a bbolt database (layout in format.go) and a
// second read-only handle for positioned reads of descriptors.
type store struct {
	path string
	db   *bolt.DB
	f    *os.File
	gen  uint64 // current index generation
}

// Open opens the gallery file at path, creating it when it does not exist.
// A file written by an older version is upgraded. Errors wrap ErrTruncated,
// ErrCorrupt, ErrNotGallery, ErrNewerVersion or ErrInUse where they apply.
// A drifted index is rebuilt in the background unless opts.ManualRebuild.
func Open(path string, opts Options) (*Local, error) {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		if err := checkFileSize(path); err != nil {
			return nil, fmt.Errorf("open gallery %s: %w", path, err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		switch {
		case errors.Is(err, bolterrors.ErrTimeout):
			err = ErrInUse
		case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch):
			err = fmt.Errorf("%w (%v)", ErrNotGallery, err)
		case errors.Is(err, bolterrors.ErrChecksum):
			err = fmt.Errorf("%w (%v)", ErrCorrupt, err)
		}
		return nil, fmt.Errorf("open gallery %s: %w", path, err)
	}
	s := &store{path: path, db: db}
	g, err := s.open(opts)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("open gallery %s: %w", path, err)
	}
	return g, nil
}

func (s *store) open(opts Options) (*Local, error) {
	if err := s.db.Update(s.prepare); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, err
	}
	s.f = f
	g := &Local{opts: opts.withDefaults(), st: s}
	g.bg.init()
	err = s.db.View(func(tx *bolt.Tx) error {
		defer releaseMap(tx)
		return s.load(tx, g)
	})
	if err != nil {
		return nil, err
	}
	g.writeMu.Lock()
	g.maybeRebuild()
	g.writeMu.Unlock()
	return g, nil
}

// prepare lays out a new file, upgrades an old one, and drops index
// generations a crash left half-written.
func (s *store) prepare(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		empty := true
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if !empty {
			return ErrNotGallery
		}
		if err := initFile(tx); err != nil {
			return err
		}
		meta = tx.Bucket(bucketMeta)
	}
	v, err := getU32(meta.Get(keyVersion))
	if err != nil {
		return fmt.Errorf("version: %w", err)
	}
	switch {
	case v == 1:
		if err := upgradeVersion1(tx); err != nil {
			return fmt.Errorf("upgrade from version 1: %w", err)
		}
	case v == 2:
		// Version 3 only adds product-quantizer codes to index
		// generations; a version-2 index stays valid without them.
		if err := meta.Put(keyVersion, u32(formatVersion)); err != nil {
			return fmt.Errorf("upgrade from version 2: %w", err)
		}
	case v > formatVersion:
		return fmt.Errorf("%w: version %d, this program reads up to %d", ErrNewerVersion, v, formatVersion)
	case v != formatVersion:
		return fmt.Errorf("%w: unknown version %d", ErrCorrupt, v)
	}
	meta = tx.Bucket(bucketMeta)
	gen, err := getU64(meta.Get(keyGen))
	if err != nil {
		return fmt.Errorf("index generation: %w", err)
	}
	s.gen = gen
	ib := tx.Bucket(bucketIndex)
	if ib == nil || ib.Bucket(genKey(gen)) == nil {
		return fmt.Errorf("%w: index generation %d is missing", ErrCorrupt, gen)
	}
	var stale [][]byte
	_ = ib.ForEachBucket(func(k []byte) error {
		if string(k) != string(genKey(gen)) {
			stale = append(stale, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range stale {
		if err := ib.DeleteBucket(k); err != nil {
			return err
		}
	}
	return nil
}

// initFile lays out an empty version-2 gallery with an empty flat index.
func initFile(tx *bolt.Tx) error {
	meta, err := tx.CreateBucket(bucketMeta)
	if err != nil {
		return err
	}
	for _, name := range [][]byte{bucketRows, bucketVectors, bucketFaceIDs, bucketLabels, bucketIndex} {
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	for k, v := range map[string][]byte{
		"version": u32(formatVersion), "rows": u32(0), "labels": u32(0), "gen": u64(1), "nextgen": u64(2),
	} {
		if err := meta.Put([]byte(k), v); err != nil {
			return err
		}
	}
	return putIndex(tx, 1, emptyIndex())
}

// putIndex stores ix's centroids and quantizer as generation gen, with an
// empty codes bucket.
func putIndex(tx *bolt.Tx, gen uint64, ix *index) error {
	b, err := tx.Bucket(bucketIndex).CreateBucket(genKey(gen))
	if err != nil {
		return err
	}
	start := make([]byte, 0, len(ix.coarse.start)*4)
	for _, v := range ix.coarse.start {
		start = append(start, u32(v)...)
	}
	for k, v := range map[string][]byte{
		"quant": f32Bytes(ix.quant.scale[:]), "centroids": f32Bytes(ix.coarse.centroids),
		"tops": f32Bytes(ix.coarse.tops), "start": start,
		"trained": u64(uint64(ix.trainedOn)), "changes": u64(uint64(ix.changes)),
	} {
		if err := b.Put([]byte(k), v); err != nil {
			return err
		}
	}
	if _, err = b.CreateBucket(bucketCodes); err != nil {
		return err
	}
	return putPQBook(b, ix)
}

// commit runs fn in a write transaction and returns where the descriptor
// chunks are after it.
func (s *store) commit(fn func(tx *bolt.Tx) error) (*fileVectors, error) {
	if err := s.db.Update(fn); err != nil {
		return nil, err
	}
	var fv *fileVectors
	err := s.db.View(func(tx *bolt.Tx) error {
		rows, err := getU32(tx.Bucket(bucketMeta).Get(keyRows))
		if err != nil {
			return err
		}
		fv, err = vectorsOf(tx, s.f, rows)
		releaseMap(tx)
		return err
	})
	return fv, err
}

func (s *store) close() error {
	var errs []error
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	if s.f != nil {
		errs = append(errs, s.f.Close())
	}
	return errors.Join(errs...)
}
