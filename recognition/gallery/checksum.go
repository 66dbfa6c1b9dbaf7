package gallery

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// Checksums of the gallery file (format versions 4 and 5, see format.go). All are
// CRC-32C (Castagnoli), which the processor computes (SSE 4.2 on amd64).

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// A chunk value is a 16-byte header and a body:
//
//	tag [4]byte, chunk u32, sum1 u32, sum2 u32
//
// sum1 is the CRC-32C of the header's first 8 bytes and the body's first
// part, sum2 of the same 8 bytes and the rest of the body. Where the parts
// split depends on the kind of chunk: a code chunk splits after its lists,
// which is all that opening a gallery whose codes stay in the file reads;
// a vectors chunk's first part is empty (its records carry their own sums,
// see record.go); other chunks are one part.
const chunkHeader = 16

// legacyChunkHeader is the header of versions 2 and 3: tag and chunk.
const legacyChunkHeader = 8

// chunkKind is one kind of chunk value.
type chunkKind struct {
	name string
	tag  [4]byte // version 4
	// legacyTag is the tag of versions 2 and 3; zero for labels, whose
	// chunks had no header.
	legacyTag  [4]byte
	body       int // body bytes in version 4; 0: any (labels)
	legacyBody int // body bytes in versions 2 and 3; 0: any
	split      int // body bytes sum1 covers; -1: all of them
}

var (
	rowsKind = &chunkKind{name: "rows", tag: [4]byte{'R', 'O', 'W', '4'}, legacyTag: [4]byte{'R', 'O', 'W', 'S'},
		body: rowsBodyBytes, legacyBody: rowsBodyBytes, split: -1}
	vectorsKind = &chunkKind{name: "vectors", tag: [4]byte{'V', 'E', 'C', '4'}, legacyTag: [4]byte{'V', 'E', 'C', 'S'},
		body: chunkRows * recordBytes, legacyBody: chunkRows * vectorBytes, split: 0}
	codesKind = &chunkKind{name: "codes", tag: [4]byte{'C', 'O', 'D', '4'}, legacyTag: [4]byte{'C', 'O', 'D', 'E'},
		body: codeBodyBytes, legacyBody: codeBodyBytes, split: chunkRows * 4}
	pqKind = &chunkKind{name: "pq", tag: [4]byte{'P', 'Q', 'C', '4'}, legacyTag: [4]byte{'P', 'Q', 'C', 'O'},
		body: pqBodyBytes, legacyBody: pqBodyBytes, split: -1}
	labelsKind = &chunkKind{name: "labels", tag: [4]byte{'L', 'B', 'L', '4'}, split: -1}
)

// splitAt is where sum1's part of a body of n bytes ends.
func (k *chunkKind) splitAt(n int) int {
	if k.split < 0 || k.split > n {
		return n
	}
	return k.split
}

// newChunk is a version-4 chunk value of kind k with a zero body of n
// bytes (k.body when n < 0); seal sets its sums once the body is written.
func (k *chunkKind) newChunk(c uint32, n int) []byte {
	if n < 0 {
		n = k.body
	}
	v := make([]byte, chunkHeader+n)
	copy(v, k.tag[:])
	binary.LittleEndian.PutUint32(v[4:], c)
	return v
}

// partSum is the sum of a header's first 8 bytes and part of a body.
func partSum(head, part []byte) uint32 {
	return crc32.Update(crc32.Checksum(head[:8], castagnoli), castagnoli, part)
}

// seal sets the sums of a version-4 chunk value.
func (k *chunkKind) seal(v []byte) {
	body := v[chunkHeader:]
	s := k.splitAt(len(body))
	binary.LittleEndian.PutUint32(v[8:], partSum(v, body[:s]))
	binary.LittleEndian.PutUint32(v[12:], partSum(v, body[s:]))
}

// checkHead checks a version-4 header's tag and chunk number.
func (k *chunkKind) checkHead(head []byte, c uint32) error {
	if len(head) < chunkHeader || [4]byte(head[:4]) != k.tag || binary.LittleEndian.Uint32(head[4:]) != c {
		return fmt.Errorf("%w: %s chunk %d has a bad header", ErrCorrupt, k.name, c)
	}
	return nil
}

// checkPart checks part 1 or 2 of a version-4 chunk against its header.
func (k *chunkKind) checkPart(head []byte, c uint32, part int, data []byte) error {
	if partSum(head, data) != binary.LittleEndian.Uint32(head[4+4*part:]) {
		return fmt.Errorf("%w: %s chunk %d fails its checksum", ErrCorrupt, k.name, c)
	}
	return nil
}

// check checks a whole version-4 chunk value (header and both parts) and
// returns its body.
func (k *chunkKind) check(v []byte, c uint32) ([]byte, error) {
	if err := k.checkHead(v, c); err != nil {
		return nil, err
	}
	body := v[chunkHeader:]
	if k.body > 0 && len(body) != k.body {
		return nil, fmt.Errorf("%w: %s chunk %d has %d bytes, want %d", ErrCorrupt, k.name, c, len(v), chunkHeader+k.body)
	}
	s := k.splitAt(len(body))
	if err := k.checkPart(v, c, 1, body[:s]); err != nil {
		return nil, err
	}
	if err := k.checkPart(v, c, 2, body[s:]); err != nil {
		return nil, err
	}
	return body, nil
}

// isLegacy says whether v looks like a chunk of versions 2 and 3 rather
// than version 4 (which it then is, or damaged).
func (k *chunkKind) isLegacy(v []byte) bool {
	if k.legacyTag == ([4]byte{}) {
		return len(v) < chunkHeader || [4]byte(v[:4]) != k.tag
	}
	return len(v) >= 4 && [4]byte(v[:4]) == k.legacyTag
}

// open checks a chunk value read whole (through bbolt) and returns its
// body. A chunk of versions 2 and 3, which has no sums, is accepted only
// when legacy is true (the file still has such chunks) and then only its
// header and size are checked.
func (k *chunkKind) open(v []byte, c uint32, legacy bool) (body []byte, isLegacy bool, err error) {
	if !k.isLegacy(v) {
		body, err = k.check(v, c)
		return body, false, err
	}
	if !legacy {
		return nil, false, fmt.Errorf("%w: %s chunk %d has a bad header", ErrCorrupt, k.name, c)
	}
	if k.legacyTag == ([4]byte{}) {
		if !labelsFit(v) {
			return nil, false, fmt.Errorf("%w: %s chunk %d (version 3) is cut short", ErrCorrupt, k.name, c)
		}
		return v, true, nil
	}
	if len(v) != legacyChunkHeader+k.legacyBody || binary.LittleEndian.Uint32(v[4:]) != c {
		return nil, false, fmt.Errorf("%w: %s chunk %d (version 3) has %d bytes or a bad header", ErrCorrupt, k.name, c, len(v))
	}
	return v[legacyChunkHeader:], true, nil
}

// labelsFit says whether a labels body is whole labels (u16 length and
// bytes) to its last byte.
func labelsFit(b []byte) bool {
	for len(b) > 0 {
		if len(b) < 2 || len(b) < 2+int(binary.LittleEndian.Uint16(b)) {
			return false
		}
		b = b[2+int(binary.LittleEndian.Uint16(b)):]
	}
	return true
}

// A value other than a chunk (in meta and the index buckets) is sealed:
// its contents followed by the CRC-32C of its key and contents, so that a
// value moved to another key fails too.

// seal is the stored form of value v under key.
func seal(key, v []byte) []byte {
	sum := crc32.Update(crc32.Checksum(key, castagnoli), castagnoli, v)
	return binary.LittleEndian.AppendUint32(append(make([]byte, 0, len(v)+4), v...), sum)
}

// unseal checks a sealed value and returns its contents.
func unseal(key, v []byte) ([]byte, error) {
	if len(v) < 4 {
		return nil, fmt.Errorf("%w: value %q of %d bytes", ErrCorrupt, key, len(v))
	}
	body := v[:len(v)-4]
	if crc32.Update(crc32.Checksum(key, castagnoli), castagnoli, body) != binary.LittleEndian.Uint32(v[len(v)-4:]) {
		return nil, fmt.Errorf("%w: value %q fails its checksum", ErrCorrupt, key)
	}
	return body, nil
}
