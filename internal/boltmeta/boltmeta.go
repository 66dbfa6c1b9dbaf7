// Package boltmeta reads the meta pages of a bbolt file without bbolt.
//
// bbolt memory-maps its file and trusts its meta page: a file shorter than
// the pages the meta page says exist faults the process (SIGBUS) the first
// time a missing page is read, and an empty file is silently turned into
// a new database. The case files (casefile) and the gallery files
// (recognition/gallery) both check their file with Read before bbolt opens
// it. The package is pure Go and reads nothing but the two meta pages.
package boltmeta

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
)

// bbolt's on-disk meta page (go.etcd.io/bbolt internal/common/meta.go,
// v1.4.3): a 16-byte page header, then magic, version, page size, flags
// (uint32 each), root bucket (root pgid, sequence), freelist pgid, high
// water mark pgid, txid and an FNV-64a checksum of the 56 bytes before it,
// all little-endian on the platforms we build for. Pages 0 and 1 hold the
// two most recent metas.
const (
	// PageHeaderSize is the size of every bbolt page's header.
	PageHeaderSize = 16
	// NoFreelist is the freelist page id of a file that keeps no free
	// list on disk.
	NoFreelist = ^uint64(0)

	magic       = 0xED0CDAED
	version     = 2
	metaSumLen  = 56 // bytes of the meta covered by its checksum
	metaLen     = 64
	defaultPage = 4096
)

// Sentinel errors of Read.
var (
	// ErrNotBolt: neither meta page starts with bbolt's magic number.
	ErrNotBolt = errors.New("not a bbolt database")
	// ErrNoValidMeta: both meta pages fail their checksum (or version).
	ErrNoValidMeta = errors.New("no valid bbolt meta page")
	// ErrTruncated: the file is shorter than its meta page says.
	ErrTruncated = errors.New("bbolt file is truncated")
)

// Meta is one decoded meta page.
type Meta struct {
	PageSize uint32
	Root     uint64 // page of the root bucket
	Freelist uint64 // page of the free list, or NoFreelist
	PGID     uint64 // high water mark: pages 0..PGID-1 exist
	TxID     uint64
	// MagicOK says the page starts with bbolt's magic number; Valid that
	// it is also of bbolt's file version and its checksum matches.
	MagicOK, Valid bool
}

// Parse decodes the meta page at the start of page (a whole page, or at
// least its first 80 bytes).
func Parse(page []byte) Meta {
	var m Meta
	le := binary.LittleEndian
	if len(page) >= PageHeaderSize+4 {
		m.MagicOK = le.Uint32(page[PageHeaderSize:]) == magic
	}
	if len(page) < PageHeaderSize+metaLen {
		return m
	}
	b := page[PageHeaderSize:]
	m.PageSize = le.Uint32(b[8:])
	m.Root = le.Uint64(b[16:])
	m.Freelist = le.Uint64(b[32:])
	m.PGID = le.Uint64(b[40:])
	m.TxID = le.Uint64(b[48:])
	h := fnv.New64a()
	h.Write(b[:metaSumLen])
	m.Valid = m.MagicOK && le.Uint32(b[4:]) == version && h.Sum64() == le.Uint64(b[metaSumLen:])
	return m
}

// Read reads the two meta pages of the bbolt file f, size bytes long, and
// returns the one bbolt uses (the valid one with the higher transaction
// id) and the page size (page 0's when it is valid, else bbolt's default).
// It fails with ErrNotBolt when neither page has bbolt's magic number,
// ErrTruncated when the file is too short for a meta page or for the
// pages the meta page says exist, and ErrNoValidMeta when neither meta
// page is valid.
func Read(f io.ReaderAt, size int64) (Meta, int64, error) {
	buf := make([]byte, PageHeaderSize+metaLen)
	n, err := f.ReadAt(buf, 0)
	if err != nil && err != io.EOF {
		return Meta{}, 0, fmt.Errorf("read meta page: %w", err)
	}
	m0 := Parse(buf[:n])
	pageSize := int64(defaultPage)
	if m0.Valid && m0.PageSize >= 512 && m0.PageSize <= 1<<24 {
		pageSize = int64(m0.PageSize)
	}
	var m1 Meta
	if n, err := f.ReadAt(buf, pageSize); err == nil || (err == io.EOF && n == len(buf)) {
		m1 = Parse(buf)
	}
	switch {
	case !m0.MagicOK && !m1.MagicOK:
		return Meta{}, 0, ErrNotBolt
	case !m0.Valid && !m1.Valid && size < PageHeaderSize+metaLen:
		return Meta{}, 0, fmt.Errorf("%w: %d bytes is too short for a bbolt file", ErrTruncated, size)
	case !m0.Valid && !m1.Valid:
		return Meta{}, 0, ErrNoValidMeta
	}
	m := m0
	if !m0.Valid || (m1.Valid && m1.TxID > m0.TxID) {
		m = m1
	}
	if m.PageSize == 0 {
		return m, pageSize, fmt.Errorf("%w: page size 0", ErrNoValidMeta)
	}
	// PGID*PageSize > size, without overflowing on a crafted PGID.
	if m.PGID > uint64(max(size, 0))/uint64(m.PageSize) {
		return m, pageSize, fmt.Errorf("%w: %d bytes on disk, the database needs %d pages of %d bytes", ErrTruncated, size, m.PGID, m.PageSize)
	}
	return m, pageSize, nil
}
