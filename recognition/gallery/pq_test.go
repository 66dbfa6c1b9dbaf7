package gallery

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"facecase/internal/synthdesc"
)

// TestPQEstimate checks the product-quantizer estimate two ways: it equals
// its formula (|q-c|^2 - 2 q.r' + beta, computed here in float64 from the
// decoded residual), and it tracks the true distance far better than the
// same formula with no codebook at all (r' = 0), which is what a broken
// training or encoding would leave.
func TestPQEstimate(t *testing.T) {
	gen := synthdesc.New(synthdesc.Config{Seed: 3})
	faces := synthFaces(gen, 0, 6000)
	var c [dim]float32
	pts := make([]float32, 0, len(faces)*dim)
	for i := range faces {
		pts = append(pts, faces[i].Descriptor[:]...)
	}
	meanOf(pts, &c)
	res := make([]float32, len(pts))
	for i := range res {
		res[i] = pts[i] - c[i%dim]
	}
	pq, err := trainPQ(context.Background(), res, pts, 1)
	if err != nil {
		t.Fatal(err)
	}
	var table pqTable
	var errPQ, errNone float64
	const n = 1000
	codes := make([]*[pqBytes]byte, n)
	betas := make([]float32, n)
	var blocks []byte
	for i := range n {
		codes[i] = new([pqBytes]byte)
		betas[i] = pq.encode((*[dim]float32)(&faces[i].Descriptor), &c, codes[i])
		blocks = appendPQ(blocks, i, &pqEntry{*codes[i], pq.quantBeta(betas[i])})
	}
	sums := make([]uint16, pqBlocksFor(n)*pqBlock)
	masks := make([]uint64, pqBlocksFor(n))
	for p := range 20 {
		q := (*[dim]float32)(&faces[5000+p].Descriptor)
		table.fill(pq, q)
		pqScan(&table, blocks, math.MaxUint16, sums, masks)
		var base float32
		for j := range dim {
			base += (q[j] - c[j]) * (q[j] - c[j])
		}
		// Rounding each of the 64 byte tables, and the beta, is off by at
		// most half a step.
		tol := float64(pqSubs+1)*float64(table.scale)/2 + 1e-4
		for i := range n {
			x := (*[dim]float32)(&faces[i].Descriptor)
			est := float64(base + table.bias + pq.betaRef + table.scale*float32(sums[i]))
			var qr, cr, rr, truth float64
			for m := range pqSubs {
				k := int(codes[i][m/2]>>(4*(m%2))) & 15
				for j := range pqSubDim {
					d := m*pqSubDim + j
					dec := float64(pq.cents[(m*pqCents+k)*pqSubDim+j])
					qr += float64(q[d]) * dec
					cr += float64(c[d]) * dec
				}
			}
			for j := range dim {
				r := float64(x[j]) - float64(c[j])
				rr += r * r
				d := float64(q[j]) - float64(x[j])
				truth += d * d
			}
			want := float64(base) - 2*qr + rr + 2*cr
			if math.Abs(est-want) > tol {
				t.Fatalf("face %d: estimate %v, formula %v (tolerance %v)", i, est, want, tol)
			}
			errPQ += math.Abs(want - truth)
			errNone += math.Abs(float64(base) + rr - truth)
		}
	}
	t.Logf("mean |estimate - true squared distance|: %.4f with codebooks, %.4f without", errPQ/20000, errNone/20000)
	if errPQ > 0.5*errNone {
		t.Fatalf("product quantizer error %.4f is not well below the error without it %.4f", errPQ/20000, errNone/20000)
	}
}

func TestKeepSmallest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 7, 100, 5000} {
		for _, k := range []int{1, 3, 50, 4096} {
			h := make([]hit, n)
			for i := range h {
				h[i] = hit{float32(r.IntN(max(1, n/4))), uint32(i)} // many ties
			}
			sorted := slices.Clone(h)
			slices.SortFunc(sorted, func(a, b hit) int { return cmpHit(a, b) })
			got := slices.Clone(h)
			worst := keepSmallest(&got, k)
			if len(got) != min(k, n) {
				t.Fatalf("n %d k %d: kept %d", n, k, len(got))
			}
			if n == 0 {
				if !math.IsInf(float64(worst), 1) {
					t.Fatalf("worst of nothing kept = %v, want +Inf", worst)
				}
				continue
			}
			slices.SortFunc(got, func(a, b hit) int { return cmpHit(a, b) })
			for i := range got {
				if got[i].d != sorted[i].d {
					t.Fatalf("n %d k %d: kept distance %v at rank %d, want %v", n, k, got[i].d, i, sorted[i].d)
				}
			}
			if worst != got[len(got)-1].d {
				t.Fatalf("n %d k %d: worst %v, want %v", n, k, worst, got[len(got)-1].d)
			}
		}
	}
}

// TestPQLayout checks the transposed block layout through appends, moves
// and truncation, and that the scan kernel in use agrees with the portable
// one, and both with a plain sum, on random tables, codes, betas and limits.
func TestPQLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 5))
	const n = 77
	want := make([]pqEntry, n)
	var blocks []byte
	for i := range want {
		for p := range want[i].code {
			want[i].code[p] = byte(r.IntN(256))
		}
		want[i].beta = uint16(r.IntN(pqBetaMax + 1))
		blocks = appendPQ(blocks, i, &want[i])
	}
	if len(blocks) != pqBlocksFor(n)*pqBlockBytes {
		t.Fatalf("%d bytes for %d faces", len(blocks), n)
	}
	for i := range want {
		if pqAt(blocks, i) != want[i] {
			t.Fatalf("face %d changed", i)
		}
	}
	// Remove face 5 the way a list does: the last face moves into its place.
	last := pqAt(blocks, n-1)
	setPQ(blocks, 5, &last)
	blocks = truncatePQ(blocks, n)
	want[5] = want[n-1]
	want = want[:n-1]
	for i := range want {
		if pqAt(blocks, i) != want[i] {
			t.Fatalf("after the move, face %d changed", i)
		}
	}
	for len(want) > 70 {
		blocks = truncatePQ(blocks, len(want))
		want = want[:len(want)-1]
	}
	if len(blocks) != 3*pqBlockBytes {
		t.Fatalf("70 faces take %d bytes", len(blocks))
	}

	var table pqTable
	for m := range table.q {
		for k := range pqCents {
			v := uint8(r.IntN(256))
			table.q[m][k], table.q[m][pqCents+k] = v, v
		}
	}
	nb := len(blocks) / pqBlockBytes
	for _, limit := range []uint16{1, 9000, 30000, 52000, math.MaxUint16} {
		got, ref := make([]uint16, nb*pqBlock), make([]uint16, nb*pqBlock)
		gotM, refM := make([]uint64, nb), make([]uint64, nb)
		pqScan(&table, blocks, limit, got, gotM)
		pqScanGo(&table, blocks, limit, ref, refM)
		for i := range got {
			if i < len(want) {
				sum := int(want[i].beta)
				for m := range pqSubs {
					sum += int(table.q[m][int(want[i].code[m/2]>>(4*(m%2)))&15])
				}
				if int(ref[i]) != min(sum, math.MaxUint16) {
					t.Fatalf("portable scan of face %d = %d, want %d", i, ref[i], sum)
				}
				if pass := refM[i/pqBlock]>>(2*(i%pqBlock))&1 == 1; pass != (sum < int(limit)) {
					t.Fatalf("portable mask of face %d with sum %d and limit %d: %v", i, sum, limit, pass)
				}
			}
			if got[i] != ref[i] {
				t.Fatalf("%s scan of face %d = %d, portable %d", kernelName, i, got[i], ref[i])
			}
		}
		for b := range gotM {
			if gotM[b] != refM[b] {
				t.Fatalf("%s masks of block %d with limit %d = %x, portable %x", kernelName, b, limit, gotM[b], refM[b])
			}
		}
	}
}
