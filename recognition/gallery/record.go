package gallery

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
)

// A face record in a vectors chunk (version 4) is
//
//	descriptor  128 float32
//	stats       faceStats float32
//	sum         u32: CRC-32C of the bytes before it, continued from the
//	            row number as if that were the CRC of preceding data
//
// Starting from the row number binds the sum to the row, so that a record
// read from the wrong place fails it, at no cost: one CRC call over the
// record runs at memory speed (14.7 GB/s measured on this machine), while
// a separate call for a 4-byte row number first cut that to 1.3-2.7 GB/s. The stats are per-face values kept beside the descriptor
// so that one read brings both; version 4 writes them as zero and reads
// none (reserved for per-face score normalisation, such as the mean and
// spread of a face's distances to a cohort). Adding a value is a version
// change that grows faceStats and upgrades the vectors chunks (see
// upgrade.go).
const (
	faceStats   = 2
	recordBytes = vectorBytes + faceStats*4 + 4
	recordSumAt = recordBytes - 4
)

// recordSum is the sum of a record (its bytes before the sum) of row r.
func recordSum(r uint32, rec []byte) uint32 {
	return crc32.Update(r, castagnoli, rec[:recordSumAt])
}

// putRecord writes row r's descriptor d (nil: zeros, a freed row) at slot
// i of a vectors chunk's body, with zero stats and its sum.
func putRecord(body []byte, i int, r uint32, d *[dim]float32) {
	rec := body[i*recordBytes : (i+1)*recordBytes]
	clear(rec)
	if d != nil {
		for j, v := range d {
			binary.LittleEndian.PutUint32(rec[j*4:], math.Float32bits(v))
		}
	}
	binary.LittleEndian.PutUint32(rec[recordSumAt:], recordSum(r, rec))
}

// checkRecord checks the sum of row r's record.
func checkRecord(rec []byte, r uint32) error {
	if recordSum(r, rec) != binary.LittleEndian.Uint32(rec[recordSumAt:]) {
		return fmt.Errorf("%w: the record of row %d fails its checksum", ErrCorrupt, r)
	}
	return nil
}

// blankVectors is vectors chunk c with every row's record zero and summed.
func blankVectors(c uint32) []byte {
	v := vectorsKind.newChunk(c, -1)
	for i := range chunkRows {
		putRecord(v[chunkHeader:], i, c*chunkRows+uint32(i), nil)
	}
	return v
}

// upgradeVectors turns the body of a version-3 vectors chunk c (bare
// descriptors) into a version-4 chunk value. Version 3 had no sums, so
// what the new ones vouch for is only checked as far as it can be: a
// descriptor that is not finite is refused rather than sealed.
func upgradeVectors(old []byte, c uint32) ([]byte, error) {
	v := vectorsKind.newChunk(c, -1)
	var d [dim]float32
	for i := range chunkRows {
		bytesF32(old[i*vectorBytes:(i+1)*vectorBytes], d[:])
		if err := checkFinite(d[:], c*chunkRows+uint32(i)); err != nil {
			return nil, err
		}
		putRecord(v[chunkHeader:], i, c*chunkRows+uint32(i), &d)
	}
	return v, nil
}
