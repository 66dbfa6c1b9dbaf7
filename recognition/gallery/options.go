package gallery

import (
	"math"

	"facecase/progress"
	"facecase/recognition/scorenorm"
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
	// Shortlist is how many candidates of an approximate search, chosen by
	// their product-quantizer codes, go on to the next stage: re-scoring
	// with int8 codes, of which the Rerank nearest are re-ranked exactly,
	// or, when the codes are not in memory (see MaxResidentCodes), exact
	// re-ranking of all of them (default: DefaultShortlist for the index
	// size).
	Shortlist int
	// MaxResidentCodes is the largest gallery file whose int8 codes (136
	// bytes a face with their norm and error bound) are kept in memory
	// (default 4 million faces, about 0.55 GB of codes). A larger one keeps
	// them in the file (ten million faces measured 0.71-0.73 GiB resident
	// after opening): approximate search re-ranks its shortlist with float
	// descriptors read from the file, and exact search reads every
	// descriptor from the file (330-390 ms for ten million faces when the
	// file is in the page cache). A gallery opened with a Cohort keeps
	// 64-byte fine codes in memory instead (0.68 GB at ten million), by
	// which normalised search reads only the best of its shortlist (see
	// fine.go). Memory galleries always keep their codes.
	MaxResidentCodes int
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
	// Cohort is the score normalisation cohort (see package
	// facecase/recognition/scorenorm) whose statistics the gallery's faces
	// carry: Add computes those a face lacks, a file whose faces carry
	// another cohort's (or none, from version 4) gets them recomputed in
	// the background (see FillStats), and SearchNormalised needs it.
	Cohort *scorenorm.Cohort
	// NormRerank is how many candidates of an approximate SearchNormalised,
	// chosen by estimated normalised score (by distance until the faces'
	// statistics are in memory), are re-ranked by exact normalised score
	// (default DefaultNormRerank, never fewer than k).
	NormRerank int
}

// Defaults of Options.
const (
	DefaultRerank           = 256
	DefaultNormRerank       = 1024
	DefaultMaxResidentCodes = 4_000_000
	DefaultMinIndexed       = 20000
)

func (o Options) withDefaults() Options {
	if o.Rerank <= 0 {
		o.Rerank = DefaultRerank
	}
	if o.NormRerank <= 0 {
		o.NormRerank = DefaultNormRerank
	}
	if o.MaxResidentCodes <= 0 {
		o.MaxResidentCodes = DefaultMaxResidentCodes
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

// DefaultShortlist is the shortlist of an approximate search over n indexed
// faces when Options.Shortlist is 0. The nprobe lists hold more faces as
// the gallery grows, so the shortlist grows too, slowly. Measured
// (BenchmarkSearch, 'facecase-cli gallery bench', synthetic faces,
// DefaultNProbe): recall@50 0.9941 with 2048 at 1 million faces (0.9945
// with int8 codes alone, the ceiling the lists scanned allow); at 10
// million 0.9904 with 2048, 0.9931 with 3072, 0.9940 with 4096.
func DefaultShortlist(n int) int {
	grow := math.Pow(max(1, float64(n)/1e6), 0.3)
	return int(math.Round(2048 * grow))
}

// DefaultNProbe is the number of lists an approximate search scans in an
// index of nlist lists over n faces when Options.NProbe is 0. The share of
// lists scanned falls slowly as the gallery grows (nearest neighbours are
// denser); the rule is calibrated on synthetic dlib-like descriptors (see
// internal/synthdesc) so that recall@50 against exact search is at least
// 0.99 from 50 thousand to 10 million faces, as BenchmarkSearch measures
// (with int8 codes alone; the product-quantizer shortlist loses a little
// more, see DefaultShortlist).
func DefaultNProbe(nlist, n int) int {
	// Measured (BenchmarkSearch, 4*sqrt(n) lists): recall@50 0.993 scanning
	// 25% of the lists at 1 million faces, 0.993 scanning 15% at 10 million.
	share := min(1, 0.27*math.Pow(1e6/float64(max(n, 1)), 0.22))
	return max(1, min(nlist, int(math.Ceil(share*float64(nlist)))))
}
