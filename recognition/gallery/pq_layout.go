package gallery

// The product-quantizer codes of a list are kept in blocks of pqBlock faces,
// transposed for the fast scan: byte p of the code of face i is at
// block i/pqBlock, offset p*pqBlock + i%pqBlock. One 32-byte load then
// brings byte p of 32 faces, which one shuffle looks up at once. The last
// block of a list is padded with zero codes, which scans compute and the
// search ignores.
const (
	pqBlock      = 32
	pqBlockBytes = pqBlock * pqBytes
)

// pqBlocksFor is how many blocks n faces take.
func pqBlocksFor(n int) int { return (n + pqBlock - 1) / pqBlock }

// appendPQ adds the code of a list's new last face (the list holds n faces
// before the call).
func appendPQ(blocks []byte, n int, code *[pqBytes]byte) []byte {
	if n%pqBlock == 0 {
		blocks = append(blocks, make([]byte, pqBlockBytes)...)
	}
	setPQ(blocks, n, code)
	return blocks
}

// setPQ writes the code of face i.
func setPQ(blocks []byte, i int, code *[pqBytes]byte) {
	b := blocks[i/pqBlock*pqBlockBytes : (i/pqBlock+1)*pqBlockBytes]
	o := i % pqBlock
	for p, v := range code {
		b[p*pqBlock+o] = v
	}
}

// pqAt reads the code of face i.
func pqAt(blocks []byte, i int) [pqBytes]byte {
	var code [pqBytes]byte
	b := blocks[i/pqBlock*pqBlockBytes : (i/pqBlock+1)*pqBlockBytes]
	o := i % pqBlock
	for p := range code {
		code[p] = b[p*pqBlock+o]
	}
	return code
}

// truncatePQ drops the code of the last face of a list of n faces.
func truncatePQ(blocks []byte, n int) []byte {
	last := n - 1
	if last%pqBlock == 0 {
		return blocks[:last/pqBlock*pqBlockBytes]
	}
	var zero [pqBytes]byte
	setPQ(blocks, last, &zero)
	return blocks
}

// pqScan sets out[i] (len(out) = 32 per block) to the table sum of face i's
// code, for whole blocks: the fast scan. It is pqScanGo, or an AVX2
// version where the CPU has it (kernels_amd64.s).
var pqScan = pqScanGo

func pqScanGo(t *pqTable, blocks []byte, out []uint16) {
	nb := len(out) / pqBlock
	blocks = blocks[:nb*pqBlockBytes]
	for b := range nb {
		blk := blocks[b*pqBlockBytes : (b+1)*pqBlockBytes]
		var acc [pqBlock]uint16
		for p := range pqBytes {
			lo, hi := &t.q[2*p], &t.q[2*p+1]
			for j, c := range blk[p*pqBlock : p*pqBlock+pqBlock] {
				acc[j] += uint16(lo[c&15]) + uint16(hi[c>>4])
			}
		}
		copy(out[b*pqBlock:], acc[:])
	}
}
