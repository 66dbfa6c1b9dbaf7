#include "textflag.h"

// One 32-byte chunk of four squared differences: Y0 holds eight values of
// x; each of the four rows ys+off, +512, +1024, +1536 is subtracted, the
// difference squared and added to that row's accumulator (Y4-Y7), lane by
// lane, in the order facedata.SquaredDistance adds them.
#define CHUNK(off) \
	VMOVUPS off(SI), Y0 \
	VSUBPS off(DI), Y0, Y1 \
	VMULPS Y1, Y1, Y1 \
	VADDPS Y1, Y4, Y4 \
	VSUBPS (off+512)(DI), Y0, Y2 \
	VMULPS Y2, Y2, Y2 \
	VADDPS Y2, Y5, Y5 \
	VSUBPS (off+1024)(DI), Y0, Y3 \
	VMULPS Y3, Y3, Y3 \
	VADDPS Y3, Y6, Y6 \
	VSUBPS (off+1536)(DI), Y0, Y8 \
	VMULPS Y8, Y8, Y8 \
	VADDPS Y8, Y7, Y7

// REDUCE(acc, xacc, to): *to = ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)) of the
// eight lanes s0..s7 of acc, the sum facedata.SquaredDistance returns.
#define REDUCE(acc, xacc, to) \
	VPERMILPS $0xB1, acc, Y9 \
	VADDPS Y9, acc, acc \
	VPERMILPS $0x4E, acc, Y9 \
	VADDPS Y9, acc, acc \
	VEXTRACTF128 $1, acc, X9 \
	VADDSS X9, xacc, xacc \
	VMOVSS xacc, to

// func sqDists4AVX(x *float32, ys *float32, n int, out *float32)
// For i < 4n: out[i] = the squared distance of the 128 values at x and the
// 128 at ys[i*128:], bit for bit as facedata.SquaredDistance computes it
// (eight float32 lanes, no fused multiply-add). Rows go four at a time.
TEXT ·sqDists4AVX(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ ys+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ out+24(FP), DX
	TESTQ CX, CX
	JEQ done
loop:
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	CHUNK(0)
	CHUNK(32)
	CHUNK(64)
	CHUNK(96)
	CHUNK(128)
	CHUNK(160)
	CHUNK(192)
	CHUNK(224)
	CHUNK(256)
	CHUNK(288)
	CHUNK(320)
	CHUNK(352)
	CHUNK(384)
	CHUNK(416)
	CHUNK(448)
	CHUNK(480)
	REDUCE(Y4, X4, 0(DX))
	REDUCE(Y5, X5, 4(DX))
	REDUCE(Y6, X6, 8(DX))
	REDUCE(Y7, X7, 12(DX))
	ADDQ $2048, DI
	ADDQ $16, DX
	DECQ CX
	JNE loop
done:
	VZEROUPPER
	RET
