package casefile

import (
	"encoding/binary"
	"encoding/hex"
)

// Keys are big-endian so bbolt's byte order is numeric order: cursors list
// ids in the order they were given and a first page is a Seek, not a scan.

func u64Key(v uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, v)
	return k
}

func u64Pair(a, b uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, a)
	binary.BigEndian.PutUint64(k[8:], b)
	return k
}

func keyU64(k []byte) uint64 {
	if len(k) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k)
}

// detIndexKey orders one evidence item's detections by frame, then id.
func detIndexKey(evidence uint64, frame uint32, id uint64) []byte {
	k := make([]byte, 20)
	binary.BigEndian.PutUint64(k, evidence)
	binary.BigEndian.PutUint32(k[8:], frame)
	binary.BigEndian.PutUint64(k[12:], id)
	return k
}

func keyHex(k []byte) string { return hex.EncodeToString(k) }
