package gallery

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's meta pages, as written since bbolt's file format 2 (bbolt
// internal/common/meta.go): after a 16-byte page header come magic u32,
// version u32, page size u32, flags u32, root bucket (16 bytes), freelist
// page u64, high-water page u64, txid u64 and an FNV-64a checksum of the
// fields before it. Pages 0 and 1 hold the two most recent metas.
const (
	boltMagic      = 0xED0CDAED
	boltMetaOffset = 16
	boltMetaSum    = 56 // bytes of meta covered by the checksum
)

// checkFileSize refuses a gallery file that is shorter than its newest
// valid bbolt meta page says. bbolt maps the file into memory and would
// crash (SIGBUS) reading a page past the end, so this runs before opening.
func checkFileSize(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return err
	}
	head = head[:n]
	m0, ok0 := parseMeta(head)
	if !ok0 {
		if n < boltMetaOffset+4 || binary.LittleEndian.Uint32(head[boltMetaOffset:]) != boltMagic {
			return ErrNotGallery
		}
		if n < boltMetaOffset+boltMetaSum+8 {
			return fmt.Errorf("%w: %d bytes is too short for a gallery file", ErrTruncated, size)
		}
	}
	pageSize := int64(4096)
	if ok0 {
		pageSize = int64(m0.pageSize)
	}
	page1 := make([]byte, boltMetaOffset+boltMetaSum+8)
	m1, ok1 := meta{}, false
	if _, err := f.ReadAt(page1, pageSize); err == nil {
		m1, ok1 = parseMeta(page1)
	}
	if !ok0 && !ok1 {
		return fmt.Errorf("%w: no valid bbolt meta page", ErrCorrupt)
	}
	best := m0
	if !ok0 || (ok1 && m1.txid > m0.txid) {
		best = m1
	}
	if need := int64(best.pgid) * int64(best.pageSize); size < need {
		return fmt.Errorf("%w: %d bytes on disk, its records need %d", ErrTruncated, size, need)
	}
	return nil
}

type meta struct {
	pageSize uint32
	pgid     uint64
	txid     uint64
}

// parseMeta reads a meta page and checks its magic and checksum.
func parseMeta(page []byte) (meta, bool) {
	if len(page) < boltMetaOffset+boltMetaSum+8 {
		return meta{}, false
	}
	m := page[boltMetaOffset:]
	if binary.LittleEndian.Uint32(m) != boltMagic {
		return meta{}, false
	}
	h := fnv.New64a()
	h.Write(m[:boltMetaSum])
	if h.Sum64() != binary.LittleEndian.Uint64(m[boltMetaSum:]) {
		return meta{}, false
	}
	return meta{
		pageSize: binary.LittleEndian.Uint32(m[8:]),
		pgid:     binary.LittleEndian.Uint64(m[40:]),
		txid:     binary.LittleEndian.Uint64(m[48:]),
	}, true
}
