package eval

import (
	"context"
	"math"
	"sort"

	"facecase/progress"
)

// ConfidenceLevel is the level of the bootstrap intervals.
const ConfidenceLevel = 0.95

// BootstrapMethod describes how intervals are computed, for reports.
const BootstrapMethod = "identities resampled with replacement (not pairs, which share people and are not independent); " +
	"a drawn identity brings all its images; non-mated pairs of two drawn identities count with the product of their draw counts; " +
	"percentile interval (linear interpolation) over the replicates in which the figure is defined; " +
	"replicate b uses a PCG generator seeded (seed, b), so results do not depend on the number of workers"

// minDefinedShare is the share of replicates in which a figure must be
// defined for its interval to be reported.
const minDefinedShare = 0.5

// groupIntervals are the bootstrap intervals of column c, group g.
type groupIntervals struct {
	fmr, fnmr, ratio [][]*Interval
}

// weighted is one identity (a) or identity pair (a, b) with a count.
type weighted struct {
	a, b  int32
	count float64
}

// bootstrapInput is what one (column, group) needs per replicate.
type bootstrapInput struct {
	mated      []weighted // a: identity, count: mated pairs in the group
	falseNon   []weighted // a: identity, count: mated pairs above threshold
	falseMatch []weighted // (a, b): identities, count: false matches
	// Non-mated pair counts: closed form from perIdentity (all-pairs mode)
	// or listed explicitly (pairs-file mode).
	perIdentity []weighted // a: identity, count: enrolled images in group
	listedPairs []weighted
}

// bootstrapRates computes intervals for FMR, FNMR (at the threshold) and the
// FMR ratio of every group of every column.
func bootstrapRates(ctx context.Context, set *scoringSet, t *tally, listed bool, replicates int, seed uint64, workers int, rep progress.Reporter) (*groupIntervals, error) {
	in := bootstrapInputs(set, t, listed)
	// vals[c][g][stat][b]; stat 0 FMR, 1 FNMR, 2 ratio; NaN when undefined.
	vals := make([][][3][]float64, len(set.columns))
	for c := range vals {
		vals[c] = make([][3][]float64, len(set.groupNames[c]))
		for g := range vals[c] {
			for s := 0; s < 3; s++ {
				vals[c][g][s] = make([]float64, replicates)
			}
		}
	}
	err := runReplicates(ctx, set, replicates, seed, workers, rep, "bootstrap", func(b int, weight []float64) {
		for c := range in {
			for g := range in[c] {
				fmr, fnmr := replicateRates(&in[c][g], weight)
				vals[c][g][0][b], vals[c][g][1][b] = fmr, fnmr
			}
			lowest := math.Inf(1)
			for g := range in[c] {
				if v := vals[c][g][0][b]; !math.IsNaN(v) && v < lowest {
					lowest = v
				}
			}
			for g := range in[c] {
				v := vals[c][g][0][b]
				if math.IsNaN(v) || !(lowest > 0) || math.IsInf(lowest, 1) {
					vals[c][g][2][b] = math.NaN()
				} else {
					vals[c][g][2][b] = v / lowest
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	out := &groupIntervals{}
	for c := range vals {
		f, n, r := make([]*Interval, len(vals[c])), make([]*Interval, len(vals[c])), make([]*Interval, len(vals[c]))
		for g := range vals[c] {
			f[g], n[g], r[g] = percentileInterval(vals[c][g][0]), percentileInterval(vals[c][g][1]), percentileInterval(vals[c][g][2])
		}
		out.fmr, out.fnmr, out.ratio = append(out.fmr, f), append(out.fnmr, n), append(out.ratio, r)
	}
	return out, nil
}

// replicateRates is the FMR and FNMR of one group under identity weights
// (NaN when undefined). Sums run over sorted lists, so they are repeatable.
func replicateRates(in *bootstrapInput, w []float64) (fmr, fnmr float64) {
	var mated, fnm float64
	for _, e := range in.mated {
		mated += w[e.a] * e.count
	}
	for _, e := range in.falseNon {
		fnm += w[e.a] * e.count
	}
	fnmr = math.NaN()
	if mated > 0 {
		fnmr = fnm / mated
	}
	var fm float64
	for _, e := range in.falseMatch {
		fm += w[e.a] * w[e.b] * e.count
	}
	nonMated := replicateNonMated(in.listedPairs, in.perIdentity, w)
	fmr = math.NaN()
	if nonMated > 0 {
		fmr = fm / nonMated
	}
	return fmr, fnmr
}

// replicateNonMated is the weight of a group's non-mated pairs in a
// replicate: of the listed pairs (pairs-file mode, listed not nil), or of
// every pair of images of different identities, from the images per
// identity: ((sum w c)^2 - sum (w c)^2) / 2.
func replicateNonMated(listed, perIdentity []weighted, w []float64) float64 {
	if listed != nil {
		var n float64
		for _, e := range listed {
			n += w[e.a] * w[e.b] * e.count
		}
		return n
	}
	var s, s2 float64
	for _, e := range perIdentity {
		x := w[e.a] * e.count
		s += x
		s2 += x * x
	}
	return (s*s - s2) / 2
}

// bootstrapInputs gathers, per column and group, the per-identity counts.
func bootstrapInputs(set *scoringSet, t *tally, listed bool) [][]bootstrapInput {
	in := make([][]bootstrapInput, len(set.columns))
	for c := range in {
		G := len(set.groupNames[c])
		mated := make([]map[int32]float64, G)
		fnm := make([]map[int32]float64, G)
		fm := make([]map[[2]int32]float64, G)
		all := make([]map[[2]int32]float64, G)
		per := make([]map[int32]float64, G)
		for g := 0; g < G; g++ {
			mated[g], fnm[g], per[g] = map[int32]float64{}, map[int32]float64{}, map[int32]float64{}
			fm[g], all[g] = map[[2]int32]float64{}, map[[2]int32]float64{}
		}
		gc := set.group[c]
		for _, p := range t.mated {
			if g := gc[p.A]; g == gc[p.B] {
				k := set.ident[p.A]
				mated[g][k]++
				if !isMatch(p.Score, t.threshold) {
					fnm[g][k]++
				}
			}
		}
		for _, p := range t.records {
			g := gc[p.A]
			if g != gc[p.B] {
				continue
			}
			key := [2]int32{set.ident[p.A], set.ident[p.B]}
			if key[0] > key[1] {
				key[0], key[1] = key[1], key[0]
			}
			if isMatch(p.Score, t.threshold) {
				fm[g][key]++
			}
			all[g][key]++
		}
		for e := range set.desc {
			per[gc[e]][set.ident[e]]++
		}
		in[c] = make([]bootstrapInput, G)
		for g := 0; g < G; g++ {
			in[c][g] = bootstrapInput{
				mated:       sortedSingles(mated[g]),
				falseNon:    sortedSingles(fnm[g]),
				falseMatch:  sortedPairs(fm[g]),
				perIdentity: sortedSingles(per[g]),
			}
			if listed {
				in[c][g].listedPairs = sortedPairs(all[g])
				if in[c][g].listedPairs == nil {
					in[c][g].listedPairs = []weighted{}
				}
			}
		}
	}
	return in
}

func sortedSingles(m map[int32]float64) []weighted {
	out := make([]weighted, 0, len(m))
	for k, v := range m {
		out = append(out, weighted{a: k, count: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].a < out[j].a })
	return out
}

func sortedPairs(m map[[2]int32]float64) []weighted {
	out := make([]weighted, 0, len(m))
	for k, v := range m {
		out = append(out, weighted{a: k[0], b: k[1], count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].a != out[j].a {
			return out[i].a < out[j].a
		}
		return out[i].b < out[j].b
	})
	return out
}

// percentileInterval is the central ConfidenceLevel interval of the defined
// (non-NaN) values, or nil when fewer than minDefinedShare are defined.
func percentileInterval(v []float64) *Interval {
	d := make([]float64, 0, len(v))
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			d = append(d, x)
		}
	}
	if len(d) == 0 || float64(len(d)) < minDefinedShare*float64(len(v)) {
		return nil
	}
	sort.Float64s(d)
	alpha := (1 - ConfidenceLevel) / 2
	return &Interval{Low: quantile(d, alpha), High: quantile(d, 1-alpha), Replicates: len(d)}
}

// quantile of sorted values with linear interpolation between order
// statistics (Hyndman and Fan type 7).
func quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	h := p * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}
