package casefile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"facecase/internal/boltmeta"
)

// rawMeta is a decoded bbolt meta page (see internal/boltmeta).
type rawMeta = boltmeta.Meta

// The parts of bbolt's page layout the raw checks read.
const (
	boltPageHeader = boltmeta.PageHeaderSize
	boltNoFreelist = boltmeta.NoFreelist
)

// checkRawFile reads a case file's meta pages without bbolt and checks
// what bbolt itself does not before it memory-maps the file: that it is a
// bbolt file at all, and that the file holds every page the current meta
// page says exists. A truncated file would otherwise crash the process
// with a memory fault the first time a missing page is read.
func checkRawFile(f *os.File, size int64) error {
	_, _, err := readRawMeta(f, size)
	return err
}

// readRawMeta checks the file as checkRawFile does and returns the meta
// page bbolt uses (the valid one with the higher transaction id) and the
// page size.
func readRawMeta(f *os.File, size int64) (rawMeta, int64, error) {
	if size < 2*1024 {
		return rawMeta{}, 0, fmt.Errorf("%w: file is only %d bytes", ErrNotACase, size)
	}
	m, pageSize, err := boltmeta.Read(f, size)
	switch {
	case errors.Is(err, boltmeta.ErrNotBolt):
		return m, 0, fmt.Errorf("%w: not a bbolt database", ErrNotACase)
	case errors.Is(err, boltmeta.ErrNoValidMeta):
		return m, 0, fmt.Errorf("%w: both bbolt meta pages fail their checksum", ErrCorrupt)
	case errors.Is(err, boltmeta.ErrTruncated):
		return m, 0, fmt.Errorf("%w: %w", ErrCorrupt, err)
	case err != nil:
		return m, 0, err
	}
	if int64(m.PageSize) != pageSize {
		return m, 0, fmt.Errorf("%w: meta pages disagree on the page size", ErrCorrupt)
	}
	if m.Root >= m.PGID || (m.Freelist != boltNoFreelist && m.Freelist >= m.PGID) || m.Root < 2 {
		return m, 0, fmt.Errorf("%w: meta page points outside the file", ErrCorrupt)
	}
	for id := int64(0); id < 2; id++ {
		if pid, flags, _, _, err := readPageHeader(f, id*pageSize); err != nil || pid != uint64(id) || flags != boltMetaFlag {
			return m, 0, fmt.Errorf("%w: meta page %d has a damaged header", ErrCorrupt, id)
		}
	}
	if m.Freelist != boltNoFreelist {
		if _, err := readRawFreelist(f, m, pageSize); err != nil {
			return m, 0, err
		}
	}
	return m, pageSize, nil
}

const (
	boltMetaFlag     = 0x04
	boltFreelistFlag = 0x10
)

func readPageHeader(f *os.File, off int64) (id uint64, flags, count uint16, overflow uint32, err error) {
	var h [boltPageHeader]byte
	if _, err = f.ReadAt(h[:], off); err != nil {
		return
	}
	le := binary.LittleEndian
	return le.Uint64(h[0:]), le.Uint16(h[8:]), le.Uint16(h[10:]), le.Uint32(h[12:]), nil
}

// readRawFreelist reads and checks the freelist page bbolt loads when a
// case is opened for writing (and when it is verified): a damaged one
// would make bbolt panic outside any goroutine we can recover in, or hand
// out pages still in use. It returns the free page ids.
func readRawFreelist(f *os.File, m rawMeta, pageSize int64) ([]uint64, error) {
	off := int64(m.Freelist) * pageSize
	id, flags, count, overflow, err := readPageHeader(f, off)
	if err != nil || id != m.Freelist || flags != boltFreelistFlag || m.Freelist+uint64(overflow) >= m.PGID {
		return nil, fmt.Errorf("%w: the free page list has a damaged header", ErrCorrupt)
	}
	n, skip := uint64(count), int64(0)
	if count == 0xFFFF {
		var b [8]byte
		if _, err := f.ReadAt(b[:], off+boltPageHeader); err != nil {
			return nil, fmt.Errorf("%w: free page list: %v", ErrCorrupt, err)
		}
		n, skip = binary.LittleEndian.Uint64(b[:]), 8
	}
	room := (int64(overflow)+1)*pageSize - boltPageHeader - skip
	if n > m.PGID || int64(n)*8 > room {
		return nil, fmt.Errorf("%w: the free page list is damaged", ErrCorrupt)
	}
	ids := make([]byte, n*8)
	if _, err := f.ReadAt(ids, off+boltPageHeader+skip); err != nil {
		return nil, fmt.Errorf("%w: free page list: %v", ErrCorrupt, err)
	}
	out := make([]uint64, n)
	for i := range out {
		p := binary.LittleEndian.Uint64(ids[i*8:])
		if p < 2 || p >= m.PGID {
			return nil, fmt.Errorf("%w: the free page list names page %d, outside the file", ErrCorrupt, p)
		}
		out[i] = p
	}
	return out, nil
}
