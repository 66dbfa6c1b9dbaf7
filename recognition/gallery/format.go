package gallery

import (
	"encoding/binary"
	"fmt"
	"math"
)

// The gallery file is a bbolt database. Version 5 (current) layout:
//
//	meta     version u32, rows u32 (row slots used), labels u32,
//	         gen u64 (current index), nextgen u64, and while chunks of
//	         version 2 or 3 remain, legacy u32 (see upgrade.go); cohort
//	         (the ID of the score normalisation cohort the faces'
//	         statistics come from) and, while some may not, statsfill u32
//	         (see stats_fill.go)
//	rows     chunk u32 -> chunkRows face ids u64 then chunkRows labels u32
//	vectors  chunk u32 -> chunkRows face records (see record.go): a
//	         descriptor of 128 float32, the face's cohort statistics (μ, σ:
//	         faceStats float32) and a checksum
//	faceids  face id u64 (big-endian) -> row u32
//	labels   chunk u32 -> up to chunkRows labels, each u16 length and bytes
//	index    "g" + gen -> bucket: quant, centroids, tops, start (float32
//	         and u32 arrays), trained u64, changes u64, and bucket codes:
//	         chunk u32 -> chunkRows lists u32, norms f32, eps f32, then
//	         chunkRows codes of 128 int8; with a product quantizer also
//	         pqbook and bucket pq (see format_pq.go)
//
// Numbers are little-endian except keys, which are big-endian so that they
// sort. A freed row has face id 0.
//
// Everything the gallery reads is checksummed with CRC-32C (see
// checksum.go): every chunk value starts with a 16-byte header (tag, chunk
// number and two sums, one over each part of the chunk, so that the part
// opening reads is checked without reading the rest), every face record
// has its own sum (searches read single records), and every other value in
// meta and the index buckets ends with a sum of its key and contents. The
// version number stays a plain u32 so that older programs can read it and
// say the file is newer. Face ids are checked against the rows chunks
// instead.
//
// Version 4 had the same layout but wrote the statistics as zeros; opening
// it for writing marks it version 5 and fills them in (stats_fill.go).
// Version 3 had no checksums and 8-byte chunk headers, and its vectors
// chunks held bare descriptors; version 2 had no product quantizer either;
// version 1 (see version1.go) kept one record per face and no index. They
// are upgraded when opened for writing (see upgrade.go) and read as they
// are when opened read-only.
const formatVersion = 5

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
	keyLegacy  = []byte("legacy")
	keyQuant   = []byte("quant")
	keyCents   = []byte("centroids")
	keyTops    = []byte("tops")
	keyStart   = []byte("start")
	keyTrained = []byte("trained")
	keyChanges = []byte("changes")
)

// Sizes of chunk bodies (after the header).
const (
	rowsBodyBytes = chunkRows * (8 + 4)
	codeBodyBytes = chunkRows*(4+4+4) + chunkRows*dim
	vectorBytes   = dim * 4
)

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

// putCode writes entry e at slot i of a code chunk's body.
func putCode(body []byte, i int, e *code) {
	binary.LittleEndian.PutUint32(body[i*4:], e.list)
	binary.LittleEndian.PutUint32(body[chunkRows*4+i*4:], math.Float32bits(e.norm))
	binary.LittleEndian.PutUint32(body[chunkRows*8+i*4:], math.Float32bits(e.eps))
	o := chunkRows*12 + i*dim
	for j, v := range e.c {
		body[o+j] = byte(v)
	}
}

// fillEmptyCodes marks every row of a code chunk's body unindexed.
func fillEmptyCodes(body []byte) {
	for i := range chunkRows {
		binary.LittleEndian.PutUint32(body[i*4:], noList)
	}
}

func putRow(body []byte, i int, id FaceID, label uint32) {
	binary.LittleEndian.PutUint64(body[i*8:], uint64(id))
	binary.LittleEndian.PutUint32(body[chunkRows*8+i*4:], label)
}

func getRow(body []byte, i int) (FaceID, uint32) {
	return FaceID(binary.LittleEndian.Uint64(body[i*8:])),
		binary.LittleEndian.Uint32(body[chunkRows*8+i*4:])
}
