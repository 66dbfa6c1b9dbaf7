package gallery

import (
	"math"

	"facecase/progress"
)

// Options tune a gallery. The zero value gives the defaults.
type Options struct {
	// NProbe is how many inverted lists an approximate search scans
	// (default: DefaultNProbe for the index size). More is slower and
	// closer to exact.
	NProbe int
	// Rerank is how many candidates of an approximate search are re-ranked
	// with exact float distances (default 256, never fewer than k).
	Rerank int
	// MinIndexed is the gallery size from which an inverted-file index is
	// built (default 20000). Smaller galleries are searched exactly.
	MinIndexed int
	// Lists fixes the number of inverted lists (default: about 4*sqrt(n)).
	Lists int
	// ManualRebuild turns off the automatic background rebuild; the caller
	// calls Rebuild (bulk imports do, once, at the end).
	ManualRebuild bool
	// Progress receives the progress of index rebuilds (default: dropped).
	Progress progress.Reporter
	// Seed makes index training repeatable (default 1).
	Seed uint64
}

// Defaults of Options.
const (
	DefaultRerank     = 256
	DefaultMinIndexed = 20000
)

func (o Options) withDefaults() Options {
	if o.Rerank <= 0 {
		o.Rerank = DefaultRerank
	}
	if o.MinIndexed <= 0 {
		o.MinIndexed = DefaultMinIndexed
	}
	if o.Progress == nil {
		o.Progress = progress.Discard
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// listsFor is the number of inverted lists for n faces: about 4*sqrt(n),
// which balances the cost of comparing the probe with every centroid
// against the cost of scanning lists.
func (o Options) listsFor(n int) int {
	if o.Lists > 0 {
		return o.Lists
	}
	if n < o.MinIndexed {
		return 1
	}
	return max(64, min(65536, int(4*math.Sqrt(float64(n)))))
}

// DefaultNProbe is the number of lists an approximate search scans in an
// index of nlist lists over n faces when Options.NProbe is 0. The share of
// lists scanned falls slowly as the gallery grows (nearest neighbours are
// denser); the rule is calibrated on synthetic dlib-like descriptors (see
// internal/synthdesc) so that recall@50 against exact search is at least
// 0.99 from 50 thousand to 10 million faces, as BenchmarkSearch measures.
func DefaultNProbe(nlist, n int) int {
	// Measured (BenchmarkSearch, 4*sqrt(n) lists): recall@50 0.993 scanning
	// 25% of the lists at 1 million faces, 0.993 scanning 15% at 10 million.
	share := min(1, 0.27*math.Pow(1e6/float64(max(n, 1)), 0.22))
	return max(1, min(nlist, int(math.Ceil(share*float64(nlist)))))
}
