package gallery

import (
	"os"
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
func releaseMap(db *bolt.DB, f *os.File) {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, db.Info().Data, uintptr(st.Size()), syscall.MADV_DONTNEED)
}
