package gallery

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"

	"facecase/facedata"
)

// A face record in a vectors chunk (versions 4 and 5) is
//
//	descriptor  128 float32
//	stats       faceStats float32
//	sum         u32: CRC-32C of the bytes before it, continued from the
//	            row number as if that were the CRC of preceding data
//
// Starting from the row number binds the sum to the row, so that a record
// read from the wrong place fails it, at no cost: one CRC call over the
// record runs at memory speed (14.7 GB/s measured on this machine), while
// a separate call for a 4-byte row number first cut that to 1.3-2.7 GB/s.
//
// The stats are the face's cohort statistics (facedata.CohortStats: μ then
// σ, see package facecase/recognition/scorenorm), kept beside the
// descriptor so that the read that re-ranks a face brings both. Zero means
// not computed: version 4 wrote zeros, and a version 5 file records in meta
// "cohort" which cohort its statistics come from (see stats_fill.go).
const (
	faceStats   = 2
	recordBytes = vectorBytes + faceStats*4 + 4
	recordSumAt = recordBytes - 4
)

// recordSum is the sum of a record (its bytes before the sum) of row r.
func recordSum(r uint32, rec []byte) uint32 {
	return crc32.Update(r, castagnoli, rec[:recordSumAt])
}

// putRecord writes row r's descriptor d (nil: zeros, a freed row) and its
// cohort statistics st at slot i of a vectors chunk's body, with its sum.
func putRecord(body []byte, i int, r uint32, d *[dim]float32, st facedata.CohortStats) {
	rec := body[i*recordBytes : (i+1)*recordBytes]
	clear(rec)
	if d != nil {
		for j, v := range d {
			binary.LittleEndian.PutUint32(rec[j*4:], math.Float32bits(v))
		}
		binary.LittleEndian.PutUint32(rec[vectorBytes:], math.Float32bits(st.Mu))
		binary.LittleEndian.PutUint32(rec[vectorBytes+4:], math.Float32bits(st.Sigma))
	}
	binary.LittleEndian.PutUint32(rec[recordSumAt:], recordSum(r, rec))
}

// recordStats are the cohort statistics of a record (zero: none).
func recordStats(rec []byte) facedata.CohortStats {
	return facedata.CohortStats{
		Mu:    math.Float32frombits(binary.LittleEndian.Uint32(rec[vectorBytes:])),
		Sigma: math.Float32frombits(binary.LittleEndian.Uint32(rec[vectorBytes+4:])),
	}
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
		putRecord(v[chunkHeader:], i, c*chunkRows+uint32(i), nil, facedata.CohortStats{})
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
		putRecord(v[chunkHeader:], i, c*chunkRows+uint32(i), &d, facedata.CohortStats{})
	}
	return v, nil
}
