package gallery

import "encoding/binary"

// The product-quantizer codes of a list are kept in blocks of pqBlock faces,
// transposed for the fast scan: byte p of the code of face i is at
// block i/pqBlock, offset p*pqBlock + i%pqBlock. One 32-byte load then
// brings byte p of 32 faces, which one shuffle looks up at once. After the
// codes, a block holds the 32 faces' betas in table steps (see
// productQuantizer.quantBeta), 16 bits each. The last block of a list is
// padded with zeros, which scans compute and the search ignores.
const (
	pqBlock      = 32
	pqBetaOffset = pqBlock * pqBytes
	pqBlockBytes = pqBetaOffset + 2*pqBlock
)

// pqEntry is one face in a list's blocks.
type pqEntry struct {
	code [pqBytes]byte
	beta uint16
}

// pqBlocksFor is how many blocks n faces take.
func pqBlocksFor(n int) int { return (n + pqBlock - 1) / pqBlock }

// appendPQ adds a list's new last face (the list holds n faces before the
// call).
func appendPQ(blocks []byte, n int, e *pqEntry) []byte {
	if n%pqBlock == 0 {
		blocks = append(blocks, make([]byte, pqBlockBytes)...)
	}
	setPQ(blocks, n, e)
	return blocks
}

// setPQ writes face i.
func setPQ(blocks []byte, i int, e *pqEntry) {
	b := blocks[i/pqBlock*pqBlockBytes : (i/pqBlock+1)*pqBlockBytes]
	o := i % pqBlock
	for p, v := range e.code {
		b[p*pqBlock+o] = v
	}
	binary.LittleEndian.PutUint16(b[pqBetaOffset+2*o:], e.beta)
}

// pqAt reads face i.
func pqAt(blocks []byte, i int) pqEntry {
	var e pqEntry
	b := blocks[i/pqBlock*pqBlockBytes : (i/pqBlock+1)*pqBlockBytes]
	o := i % pqBlock
	for p := range e.code {
		e.code[p] = b[p*pqBlock+o]
	}
	e.beta = binary.LittleEndian.Uint16(b[pqBetaOffset+2*o:])
	return e
}

// truncatePQ drops the last face of a list of n faces.
func truncatePQ(blocks []byte, n int) []byte {
	last := n - 1
	if last%pqBlock == 0 {
		return blocks[:last/pqBlock*pqBlockBytes]
	}
	setPQ(blocks, last, &pqEntry{})
	return blocks
}

// pqScan is the fast scan of whole blocks. For face i (32 per block) it
// sets sums[i] to the table sum of its code plus its beta (saturating at
// 65535), and sets bit 2*(i%32) of masks[i/32] when that total is below
// limit. It is pqScanGo, or an AVX2 version where the CPU has it
// (kernels_amd64.s); the 16-bit word masks of AVX2 set the odd bits too.
var pqScan = pqScanGo

func pqScanGo(t *pqTable, blocks []byte, limit uint16, sums []uint16, masks []uint64) {
	nb := len(masks)
	blocks = blocks[:nb*pqBlockBytes]
	sums = sums[:nb*pqBlock]
	for b := range nb {
		blk := blocks[b*pqBlockBytes : (b+1)*pqBlockBytes]
		var acc [pqBlock]uint32
		for p := range pqBytes {
			lo, hi := &t.q[2*p], &t.q[2*p+1]
			for j, c := range blk[p*pqBlock : p*pqBlock+pqBlock] {
				acc[j] += uint32(lo[c&15]) + uint32(hi[c>>4])
			}
		}
		var m uint64
		for j := range acc {
			v := min(0xFFFF, acc[j]+uint32(binary.LittleEndian.Uint16(blk[pqBetaOffset+2*j:])))
			sums[b*pqBlock+j] = uint16(v)
			if v < uint32(limit) {
				m |= 3 << (2 * j)
			}
		}
		masks[b] = m
	}
}
