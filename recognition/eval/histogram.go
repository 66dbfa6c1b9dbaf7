package eval

// Histogram counts scores on the threshold grid. It is what the lab keeps of
// the non-mated comparisons, which can number tens of millions: the number of
// matches at any grid threshold is read from it exactly.
type Histogram struct {
	grid   *scoreGrid
	counts []uint64 // grid.size() bins plus one overflow bin
}

// NewHistogram returns an empty histogram of distances.
func NewHistogram() *Histogram { return newGridHistogram(distanceGrid) }

// newGridHistogram returns an empty histogram on grid g.
func newGridHistogram(g *scoreGrid) *Histogram {
	return &Histogram{grid: g, counts: make([]uint64, g.size()+1)}
}

// Add counts one score.
func (h *Histogram) Add(s float32) { h.counts[h.grid.bin(s)]++ }

// threshold is the threshold of grid index k.
func (h *Histogram) threshold(k int) float64 { return h.grid.edges[k] }

// Merge adds the counts of o.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
}

// Total is the number of scores counted.
func (h *Histogram) Total() uint64 {
	var t uint64
	for _, c := range h.counts {
		t += c
	}
	return t
}

// AtOrBelow is the number of scores at or below the threshold with grid
// index k (the matches at that threshold).
func (h *Histogram) AtOrBelow(k int) uint64 {
	var t uint64
	for _, c := range h.counts[:k+1] {
		t += c
	}
	return t
}

// Bins returns the counts grouped into bins of width (in grid steps), for
// plotting: element i counts scores in (threshold(i*width-1), threshold((i+1)*width-1)].
// The overflow bin is left out.
func (h *Histogram) Bins(width int) []uint64 {
	size := h.grid.size()
	n := (size + width - 1) / width
	out := make([]uint64, n)
	for k := 0; k < size; k++ {
		out[k/width] += h.counts[k]
	}
	return out
}
