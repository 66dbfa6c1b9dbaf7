package convert

import (
	"math"
	"sort"
)

// Calibration collects the values activation tensors take over calibration
// inputs, in two passes over the same inputs: the first finds each tensor's
// extremes, the second (after StartHistograms) counts its values in a
// histogram between them, from which Ranges can leave out the rarest
// values at either end.
type Calibration struct {
	bins       int
	histograms bool
	seen       map[string]*actHistogram
}

type actHistogram struct {
	min, max float32
	counts   []uint64
	total    uint64
}

// NewCalibration starts a calibration whose histograms have bins bins.
func NewCalibration(bins int) *Calibration {
	return &Calibration{bins: max(bins, 16), seen: map[string]*actHistogram{}}
}

// Observe adds the values of one tensor (of one or many inputs) to the
// pass in progress. In the histogram pass, values outside the extremes
// of the first pass count in the end bins.
func (c *Calibration) Observe(name string, v []float32) {
	h := c.seen[name]
	if h == nil {
		h = &actHistogram{min: float32(math.Inf(1)), max: float32(math.Inf(-1))}
		c.seen[name] = h
	}
	if !c.histograms {
		for _, x := range v {
			h.min = min(h.min, x)
			h.max = max(h.max, x)
		}
		return
	}
	if h.counts == nil {
		h.counts = make([]uint64, c.bins)
	}
	width := float64(h.max-h.min) / float64(c.bins)
	for _, x := range v {
		i := 0
		if width > 0 {
			i = int(float64(x-h.min) / width)
		}
		h.counts[min(c.bins-1, max(0, i))]++
	}
	h.total += uint64(len(v))
}

// StartHistograms ends the extremes pass: the next Observe calls (over the
// same inputs) fill the histograms.
func (c *Calibration) StartHistograms() { c.histograms = true }

// Names lists the observed tensors, sorted.
func (c *Calibration) Names() []string {
	var names []string
	for n := range c.seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Ranges gives every observed tensor's range. With clip 0 it is the
// tensor's extremes; otherwise the range leaves out at most a fraction clip
// of the tensor's values at each end (to the histogram's bin), which needs
// the histogram pass.
func (c *Calibration) Ranges(clip float64) map[string]ActRange {
	out := map[string]ActRange{}
	for name, h := range c.seen {
		r := ActRange{Min: h.min, Max: h.max}
		if clip > 0 && h.total > 0 {
			r = h.clipped(clip)
		}
		out[name] = r
	}
	return out
}

// clipped is the range from the first bin whose lower values reach more
// than clip of the total to the last whose higher values do.
func (h *actHistogram) clipped(clip float64) ActRange {
	width := (h.max - h.min) / float32(len(h.counts))
	limit := uint64(clip * float64(h.total))
	lo, hi := 0, len(h.counts)-1
	var below, above uint64
	for lo < hi && below+h.counts[lo] <= limit {
		below += h.counts[lo]
		lo++
	}
	for hi > lo && above+h.counts[hi] <= limit {
		above += h.counts[hi]
		hi--
	}
	return ActRange{Min: h.min + float32(lo)*width, Max: h.min + float32(hi+1)*width}
}
