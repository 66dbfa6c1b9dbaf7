package gallery

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// releaseMap drops the pages of bbolt's read-only file map from this
// process (madvise MADV_DONTNEED). bbolt reads through the map, so every
// transaction leaves the pages it looked at mapped, and on a 10-million-face
// file those would be counted as the process's resident memory although
// they are clean page cache that the kernel can reclaim at any time. The
// data is not affected: the map is a shared file map, and a page touched
// again is mapped again from the page cache.
//
// It must run inside tx, and releases only the bytes tx sees (tx.Size, the
// file's high-water mark when tx began), never the file's size:
//   - bbolt grows the file ahead of its map (by DB.AllocSize, 16 MB), so
//     the file can be larger than the map, and MADV_DONTNEED past the map
//     zeroes whatever the process mapped there (Go's runtime structures,
//     malloc arenas): that crashed 10-million-face imports;
//   - a transaction holds bbolt's map lock for reading, so no write
//     transaction can replace the map (and free its address range for
//     other use) while the release runs;
//   - every page up to tx's high-water mark is inside the map: bbolt maps
//     at least that much before it commits it.
func releaseMap(tx *bolt.Tx) {
	n := tx.Size()
	if n <= 0 {
		return
	}
	_ = adviseDontNeed(tx.DB().Info().Data, uintptr(n))
}

// adviseDontNeed is madvise(addr, n, MADV_DONTNEED); a variable so that a
// test can check every range the package releases.
var adviseDontNeed = func(addr, n uintptr) error {
	if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, addr, n, syscall.MADV_DONTNEED); e != 0 {
		return e
	}
	return nil
}
