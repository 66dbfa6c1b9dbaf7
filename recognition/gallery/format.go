package gallery

import (
	"encoding/binary"
	"fmt"
	"math"
)

// The gallery file is a bbolt database. Version 3 (current) layout:
//
// Every chunk value starts with an 8-byte header: a 4-byte tag ("ROWS",
// "VECS", "CODE") and the chunk number (u32), which lets the positioned
// reads of fileVectors check that they read what they meant to.
//
//	meta     version u32, rows u32 (row slots used), labels u32,
//	         gen u64 (current index), nextgen u64
//	rows     chunk u32 -> chunkRows face ids u64 then chunkRows labels u32
//	vectors  chunk u32 -> chunkRows descriptors of 128 float32
//	faceids  face id u64 (big-endian) -> row u32
//	labels   chunk u32 -> chunkRows labels, each u16 length and bytes
//	index    "g" + gen -> bucket: quant, centroids, tops, start (float32
//	         and u32 arrays), trained u64, changes u64, and bucket codes:
//	         chunk u32 -> chunkRows lists u32, norms f32, eps f32, then
//	         chunkRows codes of 128 int8; with a product quantizer also
//	         pqbook and bucket pq (see format_pq.go)
//
// Numbers are little-endian except keys, which are big-endian so that they
// sort. A freed row has face id 0. Version 1 (see version1.go) kept one
// record per face and no index; it is upgraded on open. Version 2 had no
// product quantizer; its files are opened as they are.
const formatVersion = 3

var (
	bucketMeta    = []byte("meta")
	bucketRows    = []byte("rows")
	bucketVectors = []byte("vectors")
	bucketFaceIDs = []byte("faceids")
	bucketLabels  = []byte("labels")
	bucketIndex   = []byte("index")
	bucketCodes   = []byte("codes")

	keyVersion = []byte("version")
	keyRows    = []byte("rows")
	keyLabels  = []byte("labels")
	keyGen     = []byte("gen")
	keyNextGen = []byte("nextgen")
	keyQuant   = []byte("quant")
	keyCents   = []byte("centroids")
	keyTops    = []byte("tops")
	keyStart   = []byte("start")
	keyTrained = []byte("trained")
	keyChanges = []byte("changes")
)

// Sizes of chunk values, header included.
const (
	chunkHeader      = 8
	rowsChunkBytes   = chunkHeader + chunkRows*(8+4)
	vectorChunkBytes = chunkHeader + chunkRows*dim*4
	codeChunkBytes   = chunkHeader + chunkRows*(4+4+4) + chunkRows*dim
	vectorBytes      = dim * 4
)

// Chunk tags.
var (
	tagRows    = [4]byte{'R', 'O', 'W', 'S'}
	tagVectors = [4]byte{'V', 'E', 'C', 'S'}
	tagCodes   = [4]byte{'C', 'O', 'D', 'E'}
)

// newChunk is a zeroed chunk value with its header.
func newChunk(tag [4]byte, c uint32, size int) []byte {
	v := make([]byte, size)
	copy(v, tag[:])
	binary.LittleEndian.PutUint32(v[4:], c)
	return v
}

// checkHeader reports whether a chunk value starts with tag and number c.
func checkHeader(v []byte, tag [4]byte, c uint32) bool {
	return len(v) >= chunkHeader && [4]byte(v[:4]) == tag && binary.LittleEndian.Uint32(v[4:]) == c
}

func chunkKey(c uint32) []byte { return binary.BigEndian.AppendUint32(nil, c) }

func idKey(id FaceID) []byte { return binary.BigEndian.AppendUint64(nil, uint64(id)) }

func genKey(gen uint64) []byte { return fmt.Appendf(nil, "g%016x", gen) }

func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func u64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func getU32(b []byte) (uint32, error) {
	if len(b) != 4 {
		return 0, fmt.Errorf("%w: number of %d bytes, want 4", ErrCorrupt, len(b))
	}
	return binary.LittleEndian.Uint32(b), nil
}

func getU64(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: number of %d bytes, want 8", ErrCorrupt, len(b))
	}
	return binary.LittleEndian.Uint64(b), nil
}

func f32Bytes(v []float32) []byte {
	b := make([]byte, 0, len(v)*4)
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func bytesF32(b []byte, dst []float32) {
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[i*4:]))
	}
}

func getF32s(b []byte, what string) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%w: %s has %d bytes", ErrCorrupt, what, len(b))
	}
	v := make([]float32, len(b)/4)
	bytesF32(b, v)
	return v, nil
}

// putCode writes entry e at slot i of a code chunk's body (after the header).
func putCode(chunk []byte, i int, e *code) {
	binary.LittleEndian.PutUint32(chunk[i*4:], e.list)
	binary.LittleEndian.PutUint32(chunk[chunkRows*4+i*4:], math.Float32bits(e.norm))
	binary.LittleEndian.PutUint32(chunk[chunkRows*8+i*4:], math.Float32bits(e.eps))
	o := chunkRows*12 + i*dim
	for j, v := range e.c {
		chunk[o+j] = byte(v)
	}
}

// getCode reads slot i of a code chunk's body.
func getCode(chunk []byte, i int, e *code) {
	e.list = binary.LittleEndian.Uint32(chunk[i*4:])
	e.norm = math.Float32frombits(binary.LittleEndian.Uint32(chunk[chunkRows*4+i*4:]))
	e.eps = math.Float32frombits(binary.LittleEndian.Uint32(chunk[chunkRows*8+i*4:]))
	o := chunkRows*12 + i*dim
	for j := range e.c {
		e.c[j] = int8(chunk[o+j])
	}
}

// emptyCodeChunk is code chunk c with every row unindexed.
func emptyCodeChunk(c uint32) []byte {
	v := newChunk(tagCodes, c, codeChunkBytes)
	for i := range chunkRows {
		binary.LittleEndian.PutUint32(v[chunkHeader+i*4:], noList)
	}
	return v
}

func putRow(chunk []byte, i int, id FaceID, label uint32) {
	binary.LittleEndian.PutUint64(chunk[i*8:], uint64(id))
	binary.LittleEndian.PutUint32(chunk[chunkRows*8+i*4:], label)
}

func getRow(chunk []byte, i int) (FaceID, uint32) {
	return FaceID(binary.LittleEndian.Uint64(chunk[i*8:])),
		binary.LittleEndian.Uint32(chunk[chunkRows*8+i*4:])
}
