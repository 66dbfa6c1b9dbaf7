package eval

// Histogram counts scores on the threshold grid. It is what the lab keeps of
// the non-mated comparisons, which can number tens of millions: the number of
// matches at any grid threshold is read from it exactly.
type Histogram struct {
	counts []uint64 // gridSize bins plus one overflow bin
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	return &Histogram{counts: make([]uint64, gridSize+1)}
}

// Add counts one score.
func (h *Histogram) Add(s float32) { h.counts[binOf(s)]++ }

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
	n := (gridSize + width - 1) / width
	out := make([]uint64, n)
	for k := 0; k < gridSize; k++ {
		out[k/width] += h.counts[k]
	}
	return out
}
