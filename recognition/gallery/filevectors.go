package gallery

import (
	"encoding/binary"
	"fmt"
	"os"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// fileVectors reads float descriptors straight from the gallery file with
// positioned reads (pread), so that 10 million descriptors (5 GB) need no
// memory of the process: the kernel's page cache holds what is read often,
// and the process's resident memory stays with the int8 index.
//
// bbolt keeps each chunk value contiguous in the file. Its offset is where
// bbolt's memory map shows the value, minus the start of the map; it is
// checked against the file when computed. The offsets are valid for the
// commit they were computed after: the pages a commit frees are reused
// only by the next write transaction, and the gallery recomputes the
// offsets after every commit and swaps them in (under Local.mu) before the
// next write transaction starts.
type fileVectors struct {
	f       *os.File
	offsets []int64 // per chunk; -1 when the chunk is absent
}

// read copies the descriptors of rows into dst. On little-endian machines
// (the file's byte order) it reads straight into dst, so a search allocates
// nothing here.
func (fv *fileVectors) read(rows []uint32, dst []float32) error {
	var buf []byte
	for i := 0; i < len(rows); {
		// Read runs of consecutive rows in one chunk with one call.
		r := rows[i]
		c := int(r / chunkRows)
		j := i + 1
		for j < len(rows) && rows[j] == rows[j-1]+1 && int(rows[j]/chunkRows) == c {
			j++
		}
		if c >= len(fv.offsets) || fv.offsets[c] < 0 {
			return fmt.Errorf("%w: no stored descriptor for row %d", ErrCorrupt, r)
		}
		out := dst[i*dim : j*dim]
		var b []byte
		if littleEndian {
			b = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(out))), len(out)*4)
		} else {
			b = grow(&buf, len(out)*4)
		}
		if _, err := fv.f.ReadAt(b, fv.offsets[c]+int64(r%chunkRows)*vectorBytes); err != nil {
			return fmt.Errorf("read descriptors: %w", err)
		}
		if !littleEndian {
			bytesF32(b, out)
		}
		i = j
	}
	return nil
}

// littleEndian reports whether this machine stores numbers as the file
// does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// span is where the body of one chunk value (after its header) lies in
// the gallery file.
type span struct {
	chunk uint32
	off   int64
}

// valueSpans finds every chunk value of bucket b in the file. It reads each
// value's header back from the file with a positioned read to check the
// offset, and never touches the values through bbolt's map (which would
// make their pages count as the process's resident memory).
func valueSpans(tx *bolt.Tx, f *os.File, b *bolt.Bucket, tag [4]byte, size int, what string) ([]span, error) {
	base := tx.DB().Info().Data
	limit := tx.Size()
	var out []span
	head := make([]byte, chunkHeader)
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(out)%256 == 255 {
			// Walking the keys maps a page or more of every chunk; let go
			// of them as we go so that opening a big file does not raise
			// the process's peak resident memory.
			releaseMap(tx)
		}
		if len(k) != 4 || v == nil {
			return nil, fmt.Errorf("%w: bad %s key %x", ErrCorrupt, what, k)
		}
		if len(v) != size {
			return nil, fmt.Errorf("%w: %s chunk %x has %d bytes, want %d", ErrCorrupt, what, k, len(v), size)
		}
		off := int64(uintptr(unsafe.Pointer(unsafe.SliceData(v))) - base)
		if off < 0 || off+int64(size) > limit {
			return nil, fmt.Errorf("%w: %s chunk %x lies outside the file", ErrCorrupt, what, k)
		}
		if _, err := f.ReadAt(head, off); err != nil {
			return nil, fmt.Errorf("read %s chunk: %w", what, err)
		}
		if !checkHeader(head, tag, beU32(k)) {
			return nil, fmt.Errorf("%w: %s chunk %x has a bad header", ErrCorrupt, what, k)
		}
		out = append(out, span{chunk: beU32(k), off: off + chunkHeader})
	}
	return out, nil
}

func beU32(k []byte) uint32 {
	return uint32(k[0])<<24 | uint32(k[1])<<16 | uint32(k[2])<<8 | uint32(k[3])
}

// vectorsOf computes the chunk offsets of the descriptors for tx's commit.
func vectorsOf(tx *bolt.Tx, f *os.File, rows uint32) (*fileVectors, error) {
	b := tx.Bucket(bucketVectors)
	if b == nil {
		return nil, fmt.Errorf("%w: no vectors bucket", ErrCorrupt)
	}
	spans, err := valueSpans(tx, f, b, tagVectors, vectorChunkBytes, "vectors")
	if err != nil {
		return nil, err
	}
	n := int((rows + chunkRows - 1) / chunkRows)
	fv := &fileVectors{f: f, offsets: make([]int64, n)}
	for i := range fv.offsets {
		fv.offsets[i] = -1
	}
	for _, s := range spans {
		if int(s.chunk) < n {
			fv.offsets[s.chunk] = s.off
		}
	}
	return fv, nil
}
