package eval

import (
	"context"
	"math"
	"slices"

	"facecase/progress"
)

// fairIntervals are bootstrap intervals indexed [kind][target][column]
// (and [group]).
type fairIntervals struct {
	fmr, fnmr, ratio [2][][][]*Interval
	maxMin           [2][][]*Interval
}

// leveled is an identity (a) or identity pair (a, b) with a count of pairs
// per level: level L counts pairs that match at the first L targets
// (loosest first) and not at the others.
type leveled struct {
	a, b   int32
	counts []float64
}

// fairInput is what one (kind, column, group) needs per replicate.
type fairInput struct {
	falseMatch []leveled // identity pairs of non-mated pairs in the group
	mated      []leveled // identities of mated pairs in the group
	// Non-mated pair counts: perIdentity in all-pairs mode, listedPairs
	// (count in counts[0]) in pairs-file mode.
	perIdentity []weighted
	listedPairs []weighted
}

// level is how many of the thresholds (loosest first, grid indices, -1
// for none) score s matches at.
func level(g *scoreGrid, th []int, s float32) int {
	L := 0
	for _, k := range th {
		if k >= 0 && s <= g.edges32[k] {
			L++
		} else {
			break
		}
	}
	return L
}

// fairInputs gathers the per-identity counts of every kind, column and
// group.
func fairInputs(set *scoringSet, src *fairSource, rec []fairPair, h *fairHistograms, th [2][]int, targets int) [2][][]fairInput {
	var in [2][][]fairInput
	for kind := range in {
		grid := h.nonMated[kind][0][0].grid
		in[kind] = make([][]fairInput, len(set.columns))
		for c := 1; c < len(set.columns); c++ {
			G := len(set.groupNames[c])
			gc := set.group[c]
			fm := make([]map[[2]int32][]float64, G)
			mated := make([]map[int32][]float64, G)
			per := make([]map[int32]float64, G)
			listed := make([]map[[2]int32]float64, G)
			for g := 0; g < G; g++ {
				fm[g], mated[g], per[g], listed[g] = map[[2]int32][]float64{}, map[int32][]float64{}, map[int32]float64{}, map[[2]int32]float64{}
			}
			add := func(m map[[2]int32][]float64, key [2]int32, L int) {
				v := m[key]
				if v == nil {
					v = make([]float64, targets+1)
					m[key] = v
				}
				v[L]++
			}
			for _, p := range rec {
				g := gc[p.a]
				if g != gc[p.b] {
					continue
				}
				if L := level(grid, th[kind], p.s[kind]); L > 0 {
					add(fm[g], identityPair(set, p.a, p.b), L)
				}
			}
			for _, p := range h.matedPairs {
				g := gc[p.a]
				if g != gc[p.b] {
					continue
				}
				k := set.ident[p.a]
				v := mated[g][k]
				if v == nil {
					v = make([]float64, targets+1)
					mated[g][k] = v
				}
				v[level(grid, th[kind], p.s[kind])]++
			}
			for e := range set.desc {
				per[gc[e]][set.ident[e]]++
			}
			if src.listed != nil {
				for k, p := range src.listed {
					if g := gc[p[0]]; !src.mated[k] && g == gc[p[1]] {
						listed[g][identityPair(set, p[0], p[1])]++
					}
				}
			}
			in[kind][c] = make([]fairInput, G)
			for g := 0; g < G; g++ {
				fi := fairInput{falseMatch: sortedLeveledPairs(fm[g]), mated: sortedLeveled(mated[g]), perIdentity: sortedSingles(per[g])}
				if src.listed != nil {
					fi.listedPairs = sortedPairs(listed[g])
				}
				in[kind][c][g] = fi
			}
		}
	}
	return in
}

func identityPair(set *scoringSet, a, b int32) [2]int32 {
	x, y := set.ident[a], set.ident[b]
	return [2]int32{min(x, y), max(x, y)}
}

func sortedLeveledPairs(m map[[2]int32][]float64) []leveled {
	out := make([]leveled, 0, len(m))
	for k, v := range m {
		out = append(out, leveled{a: k[0], b: k[1], counts: v})
	}
	slices.SortFunc(out, func(x, y leveled) int {
		if x.a != y.a {
			return int(x.a - y.a)
		}
		return int(x.b - y.b)
	})
	return out
}

func sortedLeveled(m map[int32][]float64) []leveled {
	out := make([]leveled, 0, len(m))
	for k, v := range m {
		out = append(out, leveled{a: k, counts: v})
	}
	slices.SortFunc(out, func(x, y leveled) int { return int(x.a - y.a) })
	return out
}

// fairBootstrap resamples identities (as bootstrapRates does) and
// computes, per replicate, every group's FMR and FNMR at every target for
// both scores, the ratios to the lowest group and the max/min ratio.
func fairBootstrap(ctx context.Context, set *scoringSet, src *fairSource, rec []fairPair, h *fairHistograms, th [2][]int, targets, replicates int, seed uint64, workers int, rep progress.Reporter) (*fairIntervals, error) {
	in := fairInputs(set, src, rec, h, th, targets)
	// vals[kind][t][c][g][stat][b]: stat 0 FMR, 1 FNMR, 2 ratio to the
	// lowest, 3 (g = 0 only) max/min ratio of the column.
	var vals [2][][][][4][]float64
	for kind := range vals {
		vals[kind] = make([][][][4][]float64, targets)
		for t := range vals[kind] {
			vals[kind][t] = make([][][4][]float64, len(set.columns))
			for c := 1; c < len(set.columns); c++ {
				vals[kind][t][c] = make([][4][]float64, len(set.groupNames[c]))
				for g := range vals[kind][t][c] {
					for s := range vals[kind][t][c][g] {
						vals[kind][t][c][g][s] = make([]float64, replicates)
					}
				}
			}
		}
	}
	err := runReplicates(ctx, set, replicates, seed, workers, rep, "bootstrap (raw and normalised)", func(b int, weight []float64) {
		acc := make([]float64, targets+1)
		for kind := range in {
			for c := 1; c < len(in[kind]); c++ {
				for g := range in[kind][c] {
					fairReplicate(&in[kind][c][g], weight, acc, vals[kind], c, g, b)
				}
				for t := 0; t < targets; t++ {
					replicateRatios(vals[kind][t][c], b)
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	iv := &fairIntervals{}
	for kind := range vals {
		iv.fmr[kind], iv.fnmr[kind], iv.ratio[kind] = make([][][]*Interval, targets), make([][][]*Interval, targets), make([][][]*Interval, targets)
		iv.maxMin[kind] = make([][]*Interval, targets)
		for t := 0; t < targets; t++ {
			n := len(set.columns)
			iv.fmr[kind][t], iv.fnmr[kind][t], iv.ratio[kind][t] = make([][]*Interval, n), make([][]*Interval, n), make([][]*Interval, n)
			iv.maxMin[kind][t] = make([]*Interval, n)
			for c := 1; c < n; c++ {
				G := len(set.groupNames[c])
				iv.fmr[kind][t][c], iv.fnmr[kind][t][c], iv.ratio[kind][t][c] = make([]*Interval, G), make([]*Interval, G), make([]*Interval, G)
				for g := 0; g < G; g++ {
					v := &vals[kind][t][c][g]
					iv.fmr[kind][t][c][g], iv.fnmr[kind][t][c][g], iv.ratio[kind][t][c][g] = percentileInterval(v[0]), percentileInterval(v[1]), percentileInterval(v[2])
				}
				if G > 0 {
					iv.maxMin[kind][t][c] = percentileInterval(vals[kind][t][c][0][3])
				}
			}
		}
	}
	return iv, nil
}

// fairReplicate fills replicate b's FMR and FNMR of group g of column c at
// every target (NaN when undefined). acc is scratch of targets+1 values.
func fairReplicate(in *fairInput, w, acc []float64, vals [][][][4][]float64, c, g, b int) {
	targets := len(acc) - 1
	nonMated := replicateNonMated(in.listedPairs, in.perIdentity, w)
	clear(acc)
	for _, e := range in.falseMatch {
		x := w[e.a] * w[e.b]
		if x == 0 {
			continue
		}
		for L, n := range e.counts {
			acc[L] += x * n
		}
	}
	// FM at target t: pairs matching at more than t targets.
	fm := 0.0
	for t := targets - 1; t >= 0; t-- {
		fm += acc[t+1]
		vals[t][c][g][0][b] = math.NaN()
		if nonMated > 0 {
			vals[t][c][g][0][b] = fm / nonMated
		}
	}
	clear(acc)
	var mated float64
	for _, e := range in.mated {
		x := w[e.a]
		if x == 0 {
			continue
		}
		for L, n := range e.counts {
			acc[L] += x * n
			mated += x * n
		}
	}
	// FNM at target t: mated pairs matching at t targets or fewer.
	fnm := 0.0
	for t := 0; t < targets; t++ {
		fnm += acc[t]
		vals[t][c][g][1][b] = math.NaN()
		if mated > 0 {
			vals[t][c][g][1][b] = fnm / mated
		}
	}
}

// replicateRatios sets replicate b's ratios of one column at one target:
// each group's FMR over the lowest, and the column's max/min (in group 0's
// slot 3); NaN when the lowest FMR is 0 or undefined.
func replicateRatios(groups [][4][]float64, b int) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for g := range groups {
		if v := groups[g][0][b]; !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	ok := lo > 0 && !math.IsInf(lo, 1)
	for g := range groups {
		v := groups[g][0][b]
		groups[g][2][b] = math.NaN()
		if ok && !math.IsNaN(v) {
			groups[g][2][b] = v / lo
		}
	}
	if len(groups) > 0 {
		groups[0][3][b] = math.NaN()
		if ok {
			groups[0][3][b] = hi / lo
		}
	}
}
