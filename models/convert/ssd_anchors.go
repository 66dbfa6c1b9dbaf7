package convert

import "fmt"

// ssdHeadGrid is one SSD predictor head's grid: side x side cells, perCell
// anchors each.
type ssdHeadGrid struct {
	side, perCell int
}

// ssdHeadGrids returns the heads' grids for a side x side input: the
// backbone halves the grid at its first convolution and at depthwise
// layers 2, 4, 6 and 12, and every odd extra layer halves it again (TF
// "SAME": a grid of n cells becomes ceil(n/2)). The heads read layer 11,
// layer 13 and extra layers 1, 3, 5 and 7; perCell gives their anchors a
// cell, finest head first.
func ssdHeadGrids(side int, perCell []int) []ssdHeadGrid {
	half := func(n int) int { return (n + 1) / 2 }
	g := half(side)
	var sides []int
	for i := 1; i <= 13; i++ {
		if ssdBackboneStrides[i] == 2 {
			g = half(g)
		}
		if i == 11 || i == 13 {
			sides = append(sides, g)
		}
	}
	for i := 0; i < 8; i++ {
		if i%2 == 1 {
			g = half(g)
			sides = append(sides, g)
		}
	}
	heads := make([]ssdHeadGrid, min(len(sides), len(perCell)))
	for i := range heads {
		heads[i] = ssdHeadGrid{side: sides[i], perCell: perCell[i]}
	}
	return heads
}

// ssdAnchorTolerance is how far, in units of the input side, a stored
// anchor may sit from the grid layout ssdDerivedAnchors reads it as.
const ssdAnchorTolerance = 1e-5

// ssdDerivedAnchors derives the anchors of a side x side input from the
// anchors stored for SSDInputSize (ymin, xmin, ymax, xmax in units of the
// input side, row by row, cell by cell, anchor by anchor, one head after
// the other). The stored ones are TF's multiple grid anchors: in each head
// every cell holds the same perCell shapes, centred on the cell
// ((col + 0.5) / cells, (row + 0.5) / cells). The derived ones keep that
// layout on the heads' grids at the new side and keep each shape's size in
// input pixels, the size the net's features were trained to see: a face of
// 64 pixels is the same 64 pixels to the convolutions at 256 as at 512. So
// a shape of 0.1 of 512 (51.2 pixels) becomes 0.2 of 256. heads are the
// grids at side; the stored layout is checked against the grids at
// SSDInputSize, and an anchor off it is an error.
func ssdDerivedAnchors(stored []float32, heads []ssdHeadGrid, side int) ([]float32, error) {
	perCell := make([]int, len(heads))
	for i, h := range heads {
		perCell[i] = h.perCell
	}
	from := ssdHeadGrids(SSDInputSize, perCell)
	if len(from) != len(heads) {
		return nil, fmt.Errorf("%d heads at %d, %d at %d", len(from), SSDInputSize, len(heads), side)
	}
	grow := float32(SSDInputSize) / float32(side)
	var out []float32
	first := 0 // the head's first stored anchor
	for k, h := range from {
		if 4*(first+h.side*h.side*h.perCell) > len(stored) {
			return nil, fmt.Errorf("head %d needs more anchors than the %d stored", k, len(stored)/4)
		}
		if err := ssdCheckAnchorGrid(stored[4*first:], h); err != nil {
			return nil, fmt.Errorf("stored anchors of head %d: %w", k, err)
		}
		to := heads[k]
		for r := 0; r < to.side; r++ {
			cy := (float32(r) + 0.5) / float32(to.side)
			for c := 0; c < to.side; c++ {
				cx := (float32(c) + 0.5) / float32(to.side)
				for p := 0; p < to.perCell; p++ {
					a := stored[4*(first+p) : 4*(first+p)+4]
					hh, hw := (a[2]-a[0])*grow/2, (a[3]-a[1])*grow/2
					out = append(out, cy-hh, cx-hw, cy+hh, cx+hw)
				}
			}
		}
		first += h.side * h.side * h.perCell
	}
	if 4*first != len(stored) {
		return nil, fmt.Errorf("the heads at %d use %d of the %d stored anchors", SSDInputSize, first, len(stored)/4)
	}
	return out, nil
}

// ssdCheckAnchorGrid checks that a head's stored anchors (from the head's
// first) repeat the first cell's shapes on every cell, centred on it.
func ssdCheckAnchorGrid(a []float32, h ssdHeadGrid) error {
	off := func(x, want float32) bool { return x-want > ssdAnchorTolerance || want-x > ssdAnchorTolerance }
	i := 0
	for r := 0; r < h.side; r++ {
		cy := (float32(r) + 0.5) / float32(h.side)
		for c := 0; c < h.side; c++ {
			cx := (float32(c) + 0.5) / float32(h.side)
			for p := 0; p < h.perCell; p++ {
				v, shape := a[4*i:4*i+4], a[4*p:4*p+4]
				if off((v[0]+v[2])/2, cy) || off((v[1]+v[3])/2, cx) ||
					off(v[2]-v[0], shape[2]-shape[0]) || off(v[3]-v[1], shape[3]-shape[1]) {
					return fmt.Errorf("anchor %d of cell (%d, %d) is %v, not the cell's shape %d centred on (%.6f, %.6f)", p, r, c, v, p, cy, cx)
				}
				i++
			}
		}
	}
	return nil
}
