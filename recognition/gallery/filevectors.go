package gallery

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"unsafe"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
)

// fileVectors reads float descriptors straight from the gallery file with
// positioned reads (pread), so that 10 million descriptors (5 GB) need no
// memory of the process: the kernel's page cache holds what is read often,
// and the process's resident memory stays with the int8 index. Every read
// is checked: a record against its own sum, a whole chunk against the
// chunk's.
//
// bbolt keeps each chunk value contiguous in the file. Its offset is where
// bbolt's memory map shows the value, minus the start of the map; it is
// checked against the file when computed. The offsets are valid for the
// commit they were computed after: the pages a commit frees are reused
// only by the next write transaction, and the gallery recomputes the
// offsets after every commit and swaps them in (under Local.mu) before the
// next write transaction starts.
type fileVectors struct {
	f      *os.File
	chunks []span // per chunk; off -1 when the chunk is absent
}

// read copies the descriptors of rows into dst and, when stats is not nil,
// their cohort statistics into stats (zero for chunks of versions 2 and 3);
// raw is the caller's scratch buffer, reused between calls.
func (fv *fileVectors) read(rows []uint32, dst []float32, stats []facedata.CohortStats, raw *[]float32) error {
	for i := 0; i < len(rows); {
		// Read runs of consecutive rows in one chunk with one call.
		r := rows[i]
		c := int(r / chunkRows)
		j := i + 1
		for j < len(rows) && rows[j] == rows[j-1]+1 && int(rows[j]/chunkRows) == c {
			j++
		}
		if c >= len(fv.chunks) || fv.chunks[c].off < 0 {
			return fmt.Errorf("%w: no stored descriptor for row %d", ErrCorrupt, r)
		}
		sp := &fv.chunks[c]
		slot := int64(r % chunkRows)
		out := dst[i*dim : j*dim]
		if sp.legacy {
			if err := readFloats(fv.f, out, sp.off+legacyChunkHeader+slot*vectorBytes, raw); err != nil {
				return err
			}
			if err := checkFinite(out, r); err != nil {
				return err
			}
			if stats != nil {
				clear(stats[i:j])
			}
		} else {
			words := grow(raw, (j-i)*recordBytes/4)
			b := wordBytes(words)
			if _, err := fv.f.ReadAt(b, sp.off+chunkHeader+slot*recordBytes); err != nil {
				return fmt.Errorf("read descriptors: %w", err)
			}
			for k := range j - i {
				rec := b[k*recordBytes : (k+1)*recordBytes]
				if err := checkRecord(rec, r+uint32(k)); err != nil {
					return err
				}
				recordDescriptor(words, rec, k, out[k*dim:(k+1)*dim])
				if stats != nil {
					stats[i+k] = recordStats(rec)
				}
			}
		}
		i = j
	}
	return nil
}

// readChunk copies the descriptors of the first n rows of chunk c into
// dst, reading and checking the whole chunk (cheaper per row than checking
// each record when every row is wanted).
func (fv *fileVectors) readChunk(c uint32, n int, dst []float32, raw *[]float32) error {
	if int(c) >= len(fv.chunks) || fv.chunks[c].off < 0 {
		return fmt.Errorf("%w: no stored descriptors for chunk %d", ErrCorrupt, c)
	}
	sp := &fv.chunks[c]
	out := dst[:n*dim]
	if sp.legacy {
		if err := readFloats(fv.f, out, sp.off+legacyChunkHeader, raw); err != nil {
			return err
		}
		return checkFinite(out, c*chunkRows)
	}
	words := grow(raw, (chunkHeader+vectorsKind.body)/4)
	b := wordBytes(words)
	if _, err := fv.f.ReadAt(b, sp.off); err != nil {
		return fmt.Errorf("read descriptors: %w", err)
	}
	if _, err := vectorsKind.check(b, c); err != nil {
		return err
	}
	body := b[chunkHeader:]
	for k := range n {
		recordDescriptor(words[chunkHeader/4:], body[k*recordBytes:(k+1)*recordBytes], k, out[k*dim:(k+1)*dim])
	}
	return nil
}

// recordDescriptor copies the descriptor of record k of rec's run (words
// holds the run's bytes as 32-bit words; rec is record k's bytes).
func recordDescriptor(words []float32, rec []byte, k int, out []float32) {
	if littleEndian {
		o := k * recordBytes / 4
		copy(out, words[o:o+dim])
		return
	}
	bytesF32(rec[:vectorBytes], out)
}

// readFloats reads len(out) float32 at off (the layout of versions 2 and 3).
func readFloats(f *os.File, out []float32, off int64, raw *[]float32) error {
	var b []byte
	if littleEndian {
		b = wordBytes(out)
	} else {
		b = wordBytes(grow(raw, len(out)))
	}
	if _, err := f.ReadAt(b, off); err != nil {
		return fmt.Errorf("read descriptors: %w", err)
	}
	if !littleEndian {
		bytesF32(b, out)
	}
	return nil
}

// checkFinite refuses descriptors with values that are not finite numbers
// (a damaged chunk of a version 2 or 3 file, which has no sums); first is
// the row of out's first descriptor.
func checkFinite(out []float32, first uint32) error {
	for i, v := range out {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%w: the descriptor of row %d holds %v", ErrCorrupt, first+uint32(i/dim), v)
		}
	}
	return nil
}

// wordBytes is the memory of w as bytes. Record sizes are multiples of 4
// bytes, so reading records into a []float32 keeps every descriptor
// aligned and lets it be copied out as floats on little-endian machines.
func wordBytes(w []float32) []byte {
	if len(w) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w))), len(w)*4)
}

// littleEndian reports whether this machine stores numbers as the file
// does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// span is where one chunk value lies in the gallery file.
type span struct {
	chunk  uint32
	off    int64 // of the value's first byte (its header)
	legacy bool  // a chunk of versions 2 and 3 (no sums)
}

// read reads the chunk's body, or only the part its first sum covers when
// whole is false, into buf, checks it, and returns it.
func (sp *span) read(f *os.File, k *chunkKind, whole bool, buf *[]byte) ([]byte, error) {
	if sp.legacy {
		n := k.legacyBody
		if !whole {
			n = k.splitAt(n)
		}
		b := grow(buf, n)
		if _, err := f.ReadAt(b, sp.off+legacyChunkHeader); err != nil {
			return nil, fmt.Errorf("read %s chunk %d: %w", k.name, sp.chunk, err)
		}
		return b, nil
	}
	split := k.splitAt(k.body)
	n := split
	if whole {
		n = k.body
	}
	b := grow(buf, chunkHeader+n)
	if _, err := f.ReadAt(b, sp.off); err != nil {
		return nil, fmt.Errorf("read %s chunk %d: %w", k.name, sp.chunk, err)
	}
	if err := k.checkHead(b, sp.chunk); err != nil {
		return nil, err
	}
	body := b[chunkHeader:]
	if err := k.checkPart(b, sp.chunk, 1, body[:split]); err != nil {
		return nil, err
	}
	if whole {
		if err := k.checkPart(b, sp.chunk, 2, body[split:]); err != nil {
			return nil, err
		}
	}
	return body, nil
}

// valueSpans finds chunks 0 to want-1 of bucket b in the file, and fails
// when one is missing or there are more. It reads each value's header back
// from the file with a positioned read to check the offset, and never
// touches the values through bbolt's map (which would make their pages
// count as the process's resident memory). Chunks of versions 2 and 3 are
// accepted when legacy is true.
func valueSpans(tx *bolt.Tx, f *os.File, b *bolt.Bucket, k *chunkKind, legacy bool, want int) ([]span, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: no %s bucket", ErrCorrupt, k.name)
	}
	base := tx.DB().Info().Data
	limit := tx.Size()
	out := make([]span, 0, want)
	head := make([]byte, chunkHeader)
	c := b.Cursor()
	for key, v := c.First(); key != nil; key, v = c.Next() {
		if len(out)%256 == 255 {
			// Walking the keys maps a page or more of every chunk; let go
			// of them as we go so that opening a big file does not raise
			// the process's peak resident memory.
			releaseMap(tx)
		}
		if len(key) != 4 || v == nil || int(beU32(key)) != len(out) || len(out) >= want {
			return nil, fmt.Errorf("%w: %s chunk %x is out of place (%d chunks expected)", ErrCorrupt, k.name, key, want)
		}
		sp := span{chunk: beU32(key), off: int64(uintptr(unsafe.Pointer(unsafe.SliceData(v))) - base)}
		size := chunkHeader + k.body
		hn := chunkHeader
		if len(v) == legacyChunkHeader+k.legacyBody && legacy {
			sp.legacy, size, hn = true, legacyChunkHeader+k.legacyBody, legacyChunkHeader
		}
		if len(v) != size {
			return nil, fmt.Errorf("%w: %s chunk %d has %d bytes, want %d", ErrCorrupt, k.name, sp.chunk, len(v), size)
		}
		if sp.off < 0 || sp.off+int64(size) > limit {
			return nil, fmt.Errorf("%w: %s chunk %d lies outside the file", ErrCorrupt, k.name, sp.chunk)
		}
		if _, err := f.ReadAt(head[:hn], sp.off); err != nil {
			return nil, fmt.Errorf("read %s chunk %d: %w", k.name, sp.chunk, err)
		}
		tag := k.tag
		if sp.legacy {
			tag = k.legacyTag
		}
		if [4]byte(head[:4]) != tag || binary.LittleEndian.Uint32(head[4:]) != sp.chunk {
			return nil, fmt.Errorf("%w: %s chunk %d has a bad header", ErrCorrupt, k.name, sp.chunk)
		}
		out = append(out, sp)
	}
	if len(out) != want {
		return nil, fmt.Errorf("%w: %d %s chunks, want %d", ErrCorrupt, len(out), k.name, want)
	}
	return out, nil
}

func beU32(k []byte) uint32 {
	return uint32(k[0])<<24 | uint32(k[1])<<16 | uint32(k[2])<<8 | uint32(k[3])
}

// vectorsOf finds the descriptor chunks for tx's commit.
func vectorsOf(tx *bolt.Tx, f *os.File, rows uint32, legacy bool) (*fileVectors, error) {
	spans, err := valueSpans(tx, f, tx.Bucket(bucketVectors), vectorsKind, legacy, chunksFor(rows))
	if err != nil {
		return nil, err
	}
	return &fileVectors{f: f, chunks: spans}, nil
}
