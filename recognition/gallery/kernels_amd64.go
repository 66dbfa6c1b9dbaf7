package gallery

import "golang.org/x/sys/cpu"

//go:noescape
func dotCodesAVX2(w *int16, codes *int8, n int, out *int32)

//go:noescape
func sqDistsAVX2(x *float32, ys *float32, n int, out *float32)

//go:noescape
func pqScanAVX2(t *uint8, blocks *byte, nblocks int, limit uint16, sums *uint16, masks *uint64)

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		dotCodes = dotCodesAsm
		sqDists = sqDistsAsm
		pqScan = pqScanAsm
		kernelName = "avx2"
	}
}

func dotCodesAsm(w *[dim]int16, codes []int8, out []int32) {
	if len(out) == 0 {
		return
	}
	_ = codes[len(out)*dim-1]
	dotCodesAVX2(&w[0], &codes[0], len(out), &out[0])
}

func sqDistsAsm(x *[dim]float32, ys []float32, out []float32) {
	if len(out) == 0 {
		return
	}
	_ = ys[len(out)*dim-1]
	sqDistsAVX2(&x[0], &ys[0], len(out), &out[0])
}

func pqScanAsm(t *pqTable, blocks []byte, limit uint16, sums []uint16, masks []uint64) {
	nb := len(masks)
	if nb == 0 {
		return
	}
	_ = blocks[nb*pqBlockBytes-1]
	_ = sums[nb*pqBlock-1]
	pqScanAVX2(&t.q[0][0], &blocks[0], nb, limit, &sums[0], &masks[0])
}
