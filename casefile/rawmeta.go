package casefile

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's on-disk meta page (go.etcd.io/bbolt internal/common/meta.go,
// v1.4.3): a 16-byte page header, then magic, version, page size, flags
// (uint32 each), root bucket (root pgid, sequence), freelist pgid, high
// water mark pgid, txid and an FNV-64a checksum of the 56 bytes before it,
// all little-endian on the platforms we build for.
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	boltPageHeader  = 16
	boltMetaSumLen  = 56
	boltMetaLen     = 64
	boltNoFreelist  = ^uint64(0)
	boltDefaultPage = 4096
)

// rawMeta is one decoded meta page.
type rawMeta struct {
	pageSize uint32
	root     uint64
	freelist uint64
	pgid     uint64
	txid     uint64
	valid    bool
	magicOK  bool
}

func parseRawMeta(page []byte) rawMeta {
	var m rawMeta
	if len(page) < boltPageHeader+boltMetaLen {
		return m
	}
	b := page[boltPageHeader:]
	le := binary.LittleEndian
	m.magicOK = le.Uint32(b[0:]) == boltMagic
	m.pageSize = le.Uint32(b[8:])
	m.root = le.Uint64(b[16:])
	m.freelist = le.Uint64(b[32:])
	m.pgid = le.Uint64(b[40:])
	m.txid = le.Uint64(b[48:])
	h := fnv.New64a()
	h.Write(b[:boltMetaSumLen])
	m.valid = m.magicOK && le.Uint32(b[4:]) == boltVersion && h.Sum64() == le.Uint64(b[56:])
	return m
}

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
	buf := make([]byte, boltPageHeader+boltMetaLen)
	if _, err := f.ReadAt(buf, 0); err != nil && err != io.EOF {
		return rawMeta{}, 0, fmt.Errorf("read meta page: %w", err)
	}
	m0 := parseRawMeta(buf)
	pageSize := int64(boltDefaultPage)
	if m0.valid && m0.pageSize >= 512 && m0.pageSize <= 1<<24 {
		pageSize = int64(m0.pageSize)
	}
	buf1 := make([]byte, len(buf))
	var m1 rawMeta
	if n, err := f.ReadAt(buf1, pageSize); err == nil || (err == io.EOF && n == len(buf1)) {
		m1 = parseRawMeta(buf1)
	}
	if !m0.magicOK && !m1.magicOK {
		return rawMeta{}, 0, fmt.Errorf("%w: not a bbolt database", ErrNotACase)
	}
	// bbolt uses the valid meta page with the higher transaction id.
	a, b := m0, m1
	if m1.txid > m0.txid {
		a, b = m1, m0
	}
	m := a
	if !a.valid {
		m = b
	}
	if !m.valid {
		return m, 0, fmt.Errorf("%w: both bbolt meta pages fail their checksum", ErrCorrupt)
	}
	if int64(m.pageSize) != pageSize {
		return m, 0, fmt.Errorf("%w: meta pages disagree on the page size", ErrCorrupt)
	}
	need := int64(m.pgid) * pageSize
	if size < need {
		return m, 0, fmt.Errorf("%w: file is truncated: %d bytes, the database needs %d", ErrCorrupt, size, need)
	}
	if m.root >= m.pgid || (m.freelist != boltNoFreelist && m.freelist >= m.pgid) || m.root < 2 {
		return m, 0, fmt.Errorf("%w: meta page points outside the file", ErrCorrupt)
	}
	for id := int64(0); id < 2; id++ {
		if pid, flags, _, _, err := readPageHeader(f, id*pageSize); err != nil || pid != uint64(id) || flags != boltMetaFlag {
			return m, 0, fmt.Errorf("%w: meta page %d has a damaged header", ErrCorrupt, id)
		}
	}
	if m.freelist != boltNoFreelist {
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
	off := int64(m.freelist) * pageSize
	id, flags, count, overflow, err := readPageHeader(f, off)
	if err != nil || id != m.freelist || flags != boltFreelistFlag || m.freelist+uint64(overflow) >= m.pgid {
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
	if n > m.pgid || int64(n)*8 > room {
		return nil, fmt.Errorf("%w: the free page list is damaged", ErrCorrupt)
	}
	ids := make([]byte, n*8)
	if _, err := f.ReadAt(ids, off+boltPageHeader+skip); err != nil {
		return nil, fmt.Errorf("%w: free page list: %v", ErrCorrupt, err)
	}
	out := make([]uint64, n)
	for i := range out {
		p := binary.LittleEndian.Uint64(ids[i*8:])
		if p < 2 || p >= m.pgid {
			return nil, fmt.Errorf("%w: the free page list names page %d, outside the file", ErrCorrupt, p)
		}
		out[i] = p
	}
	return out, nil
}
