package gallery

import (
	"errors"
	"facecase/internal/fsutil"
	"fmt"
	"io/fs"
	"os"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// store is the gallery file: a bbolt database (layout in format.go) and a
// second read-only handle for positioned reads of descriptors.
type store struct {
	path     string
	db       *bolt.DB
	f        *os.File
	gen      uint64 // current index generation
	readOnly bool
	// sealed says the small values carry sums (version 4); false only for
	// a version 2 or 3 file opened read-only.
	sealed bool
	// legacy says the file may still hold chunks of versions 2 and 3,
	// which have no sums (see upgrade.go). Cleared under Local.writeMu.
	legacy atomic.Bool
}

// Open opens the gallery file at path for reading and writing, creating it
// when it does not exist. A file written by an older version is upgraded
// (see upgrade.go). Errors wrap ErrTruncated, ErrCorrupt, ErrNotGallery,
// ErrNewerVersion or ErrInUse where they apply; a damaged file is refused
// before anything is written to it. A drifted index is rebuilt, and the
// chunks of an older version upgraded, in the background unless
// opts.ManualRebuild.
func Open(path string, opts Options) (*Local, error) {
	return openFile(path, opts, false)
}

// OpenReadOnly opens an existing gallery file for searching only: nothing
// is ever written to it (Add, Remove, Rebuild and Upgrade give
// ErrReadOnly), other readers may have it open at the same time, and a
// file of version 2 or 3 is read as it is. Errors are those of Open.
func OpenReadOnly(path string, opts Options) (*Local, error) {
	return openFile(path, opts, true)
}

func openFile(path string, opts Options, readOnly bool) (*Local, error) {
	if err := checkFile(path, readOnly); err != nil {
		return nil, fsutil.WrapPath("open gallery", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: readOnly})
	if err != nil {
		return nil, fsutil.WrapPath("open gallery", path, boltOpenError(err))
	}
	s := &store{path: path, db: db, readOnly: readOnly}
	g, err := s.open(opts)
	if err != nil {
		s.close()
		return nil, fsutil.WrapPath("open gallery", path, err)
	}
	return g, nil
}

// boltOpenError wraps an error of bolt.Open in the sentinel it means.
func boltOpenError(err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return ErrInUse
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch):
		return fmt.Errorf("%w (%v)", ErrNotGallery, err)
	case errors.Is(err, bolterrors.ErrChecksum):
		return fmt.Errorf("%w (%v)", ErrCorrupt, err)
	}
	return err
}

// checkFile refuses, before bbolt opens it, what is not a gallery file:
// something other than a regular file, an empty file (bbolt would write a
// new database into it), or a file shorter than its records say (bbolt
// would crash reading past its end). A file that does not exist is fine
// when it is to be created.
func checkFile(path string, readOnly bool) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) && !readOnly {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%w: %s, not a regular file", ErrNotGallery, fileKind(st.Mode()))
	}
	if st.Size() == 0 {
		return fmt.Errorf("%w: the file is empty", ErrNotGallery)
	}
	return checkFileSize(path)
}

// fileKind names what a path that is not a regular file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return fmt.Sprintf("a special file (%s)", m.Type())
}

// fileState is what opening learns from a file's meta bucket.
type fileState struct {
	fresh   bool // no buckets yet: a file bbolt just created
	version uint32
	gen     uint64
	legacy  bool     // chunks of versions 2 and 3 may remain
	stale   [][]byte // index generations a crash left half-written
}

// inspect reads a file's version and index generation and checks that it
// is a gallery this program reads.
func inspect(tx *bolt.Tx) (fileState, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		empty := true
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if !empty {
			return fileState{}, fmt.Errorf("%w: a bbolt file without gallery records", ErrNotGallery)
		}
		return fileState{fresh: true}, nil
	}
	v, err := getU32(meta.Get(keyVersion))
	if err != nil {
		return fileState{}, fmt.Errorf("version: %w", err)
	}
	st := fileState{version: v}
	switch {
	case v > formatVersion:
		return st, fmt.Errorf("%w: version %d, this program reads up to %d", ErrNewerVersion, v, formatVersion)
	case v == 0:
		return st, fmt.Errorf("%w: unknown version %d", ErrCorrupt, v)
	case v == 1:
		return st, nil
	}
	vs := values{b: meta, sealed: v >= 4}
	if st.gen, err = vs.u64(keyGen); err != nil {
		return st, fmt.Errorf("index generation: %w", err)
	}
	ib := tx.Bucket(bucketIndex)
	if ib == nil || ib.Bucket(genKey(st.gen)) == nil {
		return st, fmt.Errorf("%w: index generation %d is missing", ErrCorrupt, st.gen)
	}
	st.legacy = v <= 3
	if v >= 4 {
		l, err := vs.get(keyLegacy)
		if err != nil {
			return st, err
		}
		st.legacy = l != nil
	}
	_ = ib.ForEachBucket(func(k []byte) error {
		if string(k) != string(genKey(st.gen)) {
			st.stale = append(st.stale, append([]byte(nil), k...))
		}
		return nil
	})
	return st, nil
}

// open reads and checks the whole file and returns the gallery on it.
// A new file is set up and a version 1 file upgraded first; other
// upgrades, and the removal of index generations a crash left behind, are
// written only once everything is read (never for a read-only gallery).
func (s *store) open(opts Options) (*Local, error) {
	st, err := s.inspect()
	if err != nil {
		return nil, err
	}
	if st.fresh || st.version == 1 {
		if st, err = s.initOrUpgradeV1(st); err != nil {
			return nil, err
		}
	}
	g, refill, err := s.read(opts, st)
	if err != nil {
		return nil, err
	}
	if s.readOnly {
		return g, nil
	}
	// Only now, with the whole file read and checked, is anything written.
	if st.version < formatVersion || len(st.stale) > 0 {
		if err := s.upgrade(g, st); err != nil {
			return nil, err
		}
	}
	if refill {
		fv, err := g.startStatsFill()
		if err != nil {
			return nil, err
		}
		g.fileVec = fv
	}
	g.writeMu.Lock()
	g.maybeRebuild()
	g.maybeUpgrade()
	g.maybeFillStats()
	g.writeMu.Unlock()
	if !g.ix.flat() {
		g.startNormStats()
	}
	return g, nil
}

// initOrUpgradeV1 sets up a file bbolt just created, or upgrades a version
// 1 file, and returns the file's new state; neither is done read-only.
func (s *store) initOrUpgradeV1(st fileState) (fileState, error) {
	if s.readOnly {
		if st.fresh {
			return st, fmt.Errorf("%w: a bbolt file without gallery records", ErrNotGallery)
		}
		return st, fmt.Errorf("%w: a version 1 file is upgraded when it is opened for writing", ErrReadOnly)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if st.fresh {
			return initFile(tx)
		}
		if err := upgradeVersion1(tx); err != nil {
			return fmt.Errorf("upgrade from version 1: %w", err)
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	return s.inspect()
}

// read loads the gallery of a file in state st: its rows, index and
// statistics. refill says the statistics must be computed again.
func (s *store) read(opts Options, st fileState) (g *Local, refill bool, err error) {
	s.gen, s.sealed = st.gen, st.version >= 4
	s.legacy.Store(st.legacy)
	f, err := os.Open(s.path)
	if err != nil {
		return nil, false, err
	}
	s.f = f
	g = &Local{opts: opts.withDefaults(), st: s}
	g.bg.init()
	var stats statsState
	err = s.db.View(func(tx *bolt.Tx) error {
		defer releaseMap(tx)
		if err := s.load(tx, g); err != nil {
			return err
		}
		var err error
		stats, err = readStatsState(tx, st.version >= 4)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return g, g.useStats(stats), nil
}

// upgrade drops the index generations a crash left half-written and
// upgrades an older file's values to the current version, in one
// transaction.
func (s *store) upgrade(g *Local, st fileState) error {
	fv, err := s.commit(func(tx *bolt.Tx) error {
		if err := dropGenerations(tx, st.stale); err != nil {
			return err
		}
		if st.version < formatVersion {
			return upgradeValues(tx, st.version)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("upgrade from version %d: %w", st.version, err)
	}
	s.sealed = true
	g.fileVec = fv
	return nil
}

func (s *store) inspect() (fileState, error) {
	var st fileState
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		st, err = inspect(tx)
		return err
	})
	return st, err
}

// dropGenerations deletes index generations.
func dropGenerations(tx *bolt.Tx, gens [][]byte) error {
	for _, k := range gens {
		if err := tx.Bucket(bucketIndex).DeleteBucket(k); err != nil {
			return err
		}
	}
	return nil
}

// initFile lays out an empty gallery with an empty flat index.
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
	if err := meta.Put(keyVersion, u32(formatVersion)); err != nil {
		return err
	}
	for k, v := range map[string][]byte{"rows": u32(0), "labels": u32(0), "gen": u64(1), "nextgen": u64(2)} {
		if err := putValue(meta, []byte(k), v); err != nil {
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
		if err := putValue(b, []byte(k), v); err != nil {
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
	if s.readOnly {
		return nil, ErrReadOnly
	}
	if err := s.db.Update(fn); err != nil {
		return nil, err
	}
	var fv *fileVectors
	err := s.db.View(func(tx *bolt.Tx) error {
		defer releaseMap(tx)
		rows, err := sealed(tx.Bucket(bucketMeta)).u32(keyRows)
		if err != nil {
			return err
		}
		fv, err = vectorsOf(tx, s.f, rows, s.legacy.Load())
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
