package eval

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"facecase/progress"
)

// normalisedGrid counts normalised scores: -50 to 49.999 in steps of
// 0.001. AS-norm scores of real faces (shipped cohort) lie within about
// ±30 (a score is a number of cohort standard deviations), in-domain local
// scaling scores between 0 and about 4 (a distance over the faces' nearest
// strangers' distances; operating points near 1); beyond the grid they are
// counted in the end bins, which only matters for curves far from any
// operating point.
var normalisedGrid = newScoreGrid(-50, 1000, 100_000)

// fairHistograms are the score histograms of both kinds:
// nonMated[kind][c][g] counts non-mated scores within group g of column c,
// mated[kind][c][g] mated ones.
type fairHistograms struct {
	nonMated [2][][]*Histogram
	mated    [2][][]*Histogram
	// matedPairs are every mated pair with both scores.
	matedPairs []fairPair
}

// fairPair is one comparison scored both ways.
type fairPair struct {
	a, b int32
	s    [2]float32 // distance, normalised score
}

func newFairHistograms(set *scoringSet) *fairHistograms {
	h := &fairHistograms{}
	for kind, g := range []*scoreGrid{distanceGrid, normalisedGrid} {
		h.nonMated[kind] = make([][]*Histogram, len(set.columns))
		h.mated[kind] = make([][]*Histogram, len(set.columns))
		for c, names := range set.groupNames {
			h.nonMated[kind][c] = make([]*Histogram, len(names))
			h.mated[kind][c] = make([]*Histogram, len(names))
			for i := range names {
				h.nonMated[kind][c][i] = newGridHistogram(g)
				h.mated[kind][c][i] = newGridHistogram(g)
			}
		}
	}
	return h
}

func (h *fairHistograms) merge(o *fairHistograms) {
	for kind := range h.nonMated {
		for c := range h.nonMated[kind] {
			for g := range h.nonMated[kind][c] {
				h.nonMated[kind][c][g].Merge(o.nonMated[kind][c][g])
			}
		}
	}
	h.matedPairs = append(h.matedPairs, o.matedPairs...)
}

// fairSource enumerates the pairs a run compares (every pair, or the
// listed pairs of a pairs file) and scores them both ways.
type fairSource struct {
	set *scoringSet
	// tri holds every pair's distance when the set is small enough to
	// keep them (nil: computed as needed).
	tri *triangle
	// norm is the normalised score of enrolled faces a, b at distance d.
	norm   func(a, b int, d float64) float64
	listed [][2]int32 // pairs-file mode: enrolled (a < b) of each listed pair
	mated  []bool     // pairs-file mode: whether listed pair k is mated
}

func newFairSource(ds *Dataset, set *scoringSet, norm func(a, b int, d float64) float64) *fairSource {
	src := &fairSource{set: set, norm: norm}
	if ds.Kind != KindPairs {
		return src
	}
	enrolled := make([]int32, len(ds.Samples))
	for i := range enrolled {
		enrolled[i] = -1
	}
	for e, s := range set.sample {
		enrolled[s] = int32(e)
	}
	src.listed = [][2]int32{}
	for _, p := range ds.Pairs {
		a, b := enrolled[p.A], enrolled[p.B]
		if a < 0 || b < 0 {
			continue
		}
		src.listed = append(src.listed, [2]int32{min(a, b), max(a, b)})
		src.mated = append(src.mated, p.Mated)
	}
	return src
}

// score is the pair (a, b) scored both ways.
func (src *fairSource) score(a, b int32) [2]float32 {
	var d float32
	if src.tri != nil {
		d = src.tri.at(int(a), int(b))
	} else {
		d = Score(&src.set.desc[a], &src.set.desc[b])
	}
	return [2]float32{d, float32(src.norm(int(a), int(b), float64(d)))}
}

// each calls visit for every compared pair, split over workers: visit gets
// the worker's index, the enrolled indices a < b and whether they are
// mated. Each worker visits its own pairs in order.
func (src *fairSource) each(ctx context.Context, workers int, rep progress.Reporter, stage string, visit func(w int, a, b int32, mated bool)) error {
	if src.listed != nil {
		for k, p := range src.listed {
			if k%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			visit(0, p[0], p[1], src.mated[k])
		}
		return nil
	}
	n := src.set.size()
	end := src.set.identityEnd()
	return src.eachChunk(ctx, workers, rep, stage, func(w int, c rowChunk) {
		for i := c.first; i < c.last; i++ {
			for j := i + 1; j < n; j++ {
				visit(w, int32(i), int32(j), j < end[i])
			}
		}
	})
}

// eachChunk hands the chunks of rows of the all-pairs triangle to workers
// (visit gets the worker's index and the chunk) and reports progress.
func (src *fairSource) eachChunk(ctx context.Context, workers int, rep progress.Reporter, stage string, visit func(w int, c rowChunk)) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := src.set.size()
	chunks := splitRows(n, pairsPerChunk)
	total := int64(n) * int64(n-1) / 2
	next := make(chan int)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int64
	)
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				visit(w, chunks[k])
				mu.Lock()
				done += chunks[k].pairs
				rep.Report(progress.Update{Stage: stage, Done: done, Total: total, Unit: "pairs", Elapsed: time.Since(start)})
				mu.Unlock()
			}
		}()
	}
	var err error
feed:
	for k := range chunks {
		select {
		case next <- k:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	return err
}

// histograms scores every pair both ways into histograms per group, and
// keeps the non-mated pairs within a group of some column that score at
// or below bound (either kind) for the bootstrap.
func (src *fairSource) histograms(ctx context.Context, workers int, rep progress.Reporter, bound [2]float32) (*fairHistograms, []fairPair, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	set := src.set
	parts := make([]*fairHistograms, workers)
	kept := make([][]fairPair, workers)
	for w := range parts {
		parts[w] = newFairHistograms(set)
	}
	const stage = "score raw and normalised"
	var err error
	if src.listed != nil {
		err = src.each(ctx, workers, rep, stage, func(w int, a, b int32, mated bool) {
			parts[w].count(set, a, b, src.score(a, b), mated, bound, &kept[w])
		})
	} else {
		// Row by row: each row's distances at once, from the triangle or
		// by the distance kernel.
		n, end := set.size(), set.identityEnd()
		err = src.eachChunk(ctx, workers, rep, stage, func(w int, c rowChunk) {
			var buf []float32
			if src.tri == nil {
				buf = make([]float32, n)
			}
			for i := c.first; i < c.last; i++ {
				var row []float32
				if src.tri != nil {
					row = src.tri.row(i)
				} else {
					row = buf[:n-i-1]
					distancesTo(&set.desc[i], set.desc[i+1:], row)
				}
				for x, d := range row {
					j := i + 1 + x
					s := [2]float32{d, float32(src.norm(i, j, float64(d)))}
					parts[w].count(set, int32(i), int32(j), s, j < end[i], bound, &kept[w])
				}
			}
		})
	}
	if err != nil {
		return nil, nil, err
	}
	h := parts[0]
	for _, o := range parts[1:] {
		h.merge(o)
	}
	var rec []fairPair
	for _, k := range kept {
		rec = append(rec, k...)
	}
	sortFairPairs(rec)
	sortFairPairs(h.matedPairs)
	for _, p := range h.matedPairs {
		for kind := range p.s {
			for c, gc := range set.group {
				if g := gc[p.a]; g == gc[p.b] {
					h.mated[kind][c][g].Add(p.s[kind])
				}
			}
		}
	}
	return h, rec, nil
}

// count adds pair (a, b), scored s both ways, to the histograms: a mated
// pair to the mated list; a non-mated one to its groups' histograms, and
// to kept when it lies within a group of some column at or below bound.
func (h *fairHistograms) count(set *scoringSet, a, b int32, s [2]float32, mated bool, bound [2]float32, kept *[]fairPair) {
	if mated {
		h.matedPairs = append(h.matedPairs, fairPair{a, b, s})
		return
	}
	within := false
	for kind := range s {
		bin := h.nonMated[kind][0][0].grid.bin(s[kind])
		for c, gc := range set.group {
			if g := gc[a]; g == gc[b] {
				h.nonMated[kind][c][g].counts[bin]++
				within = within || c > 0
			}
		}
	}
	if within && (s[0] <= bound[0] || s[1] <= bound[1]) {
		*kept = append(*kept, fairPair{a, b, s})
	}
}

// pilotPairs is about how many pairs recordBounds scores to estimate the
// normalised bound.
const pilotPairs = 200_000

// recordBounds are scores at or below which the scoring pass keeps
// non-mated pairs for the bootstrap: the quantile at twice the loosest
// target of a pilot sample of pairs (every stride-th row), or for the raw
// distance, when rawAll (every raw non-mated score) is known, its exact
// threshold at the loosest target. Below pilotPairs pairs in all every
// pair is kept.
func (src *fairSource) recordBounds(rawAll *Histogram, loosest float64) [2]float32 {
	inf := float32(math.Inf(1))
	n := src.set.size()
	total := n * (n - 1) / 2
	if src.listed != nil || total <= pilotPairs {
		return [2]float32{inf, inf}
	}
	stride := max(1, total/pilotPairs)
	end := src.set.identityEnd()
	var pilot [2][]float32
	for i := 0; i < n; i += stride {
		for j := end[i]; j < n; j++ {
			s := src.score(int32(i), int32(j))
			pilot[0], pilot[1] = append(pilot[0], s[0]), append(pilot[1], s[1])
		}
	}
	bound := [2]float32{inf, inf}
	for kind := range pilot {
		slices.Sort(pilot[kind])
		if q := int(math.Ceil(2 * loosest * float64(len(pilot[kind])))); q < len(pilot[kind]) {
			bound[kind] = pilot[kind][q]
		}
	}
	if rawAll != nil {
		if k, ok := calibrate(rawAll, loosest); ok {
			bound[0] = rawAll.grid.edges32[k]
		}
	}
	return bound
}

// recordsCover reports whether the pairs kept below bound include every
// pair the bootstrap needs: those at or below the loosest threshold of
// either score.
func recordsCover(h *fairHistograms, th [2][]int, bound [2]float32) bool {
	for kind := range th {
		for _, k := range th[kind] {
			if k >= 0 && h.nonMated[kind][0][0].grid.edges32[k] > bound[kind] {
				return false
			}
		}
	}
	return true
}

// records returns the non-mated pairs within a group of some column that
// match at the loosest calibrated threshold of either score: the false
// matches the bootstrap reweights.
func (src *fairSource) records(ctx context.Context, h *fairHistograms, th [2][]int, workers int) ([]fairPair, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var limit [2]float32
	for kind := range th {
		limit[kind] = float32(-1e30)
		for _, k := range th[kind] {
			if k >= 0 {
				limit[kind] = max(limit[kind], h.nonMated[kind][0][0].grid.edges32[k])
			}
		}
	}
	set := src.set
	parts := make([][]fairPair, workers)
	err := src.each(ctx, workers, progress.Discard, "", func(w int, a, b int32, mated bool) {
		if mated {
			return
		}
		within := false
		for _, gc := range set.group[1:] {
			within = within || gc[a] == gc[b]
		}
		if !within {
			return
		}
		s := src.score(a, b)
		if s[0] <= limit[0] || s[1] <= limit[1] {
			parts[w] = append(parts[w], fairPair{a, b, s})
		}
	})
	if err != nil {
		return nil, err
	}
	var out []fairPair
	for _, p := range parts {
		out = append(out, p...)
	}
	sortFairPairs(out)
	return out, nil
}

// sortFairPairs puts pairs in (a, b) order, so results do not depend on
// how work was shared between workers.
func sortFairPairs(p []fairPair) {
	slices.SortFunc(p, func(x, y fairPair) int {
		if x.a != y.a {
			return int(x.a - y.a)
		}
		return int(x.b - y.b)
	})
}

// maxTriangleFaces bounds the sets whose pair distances are kept in memory
// for the raw and normalised passes: n(n-1)/2 float32s, 200 MB at 10,000
// faces. Without them every distance is computed three times (the cohort's
// nearest faces, then the scoring pass and its pilot).
const maxTriangleFaces = 12_000

// triangle holds the distance of every two enrolled faces i < j.
type triangle struct {
	n int
	d []float32
}

// row is the distances of face i to faces i+1 .. n-1.
func (t *triangle) row(i int) []float32 { return t.d[i*t.n-i*(i+1)/2 : (i+1)*t.n-(i+1)*(i+2)/2] }

// at is the distance of faces a and b (a != b).
func (t *triangle) at(a, b int) float32 {
	if a > b {
		a, b = b, a
	}
	return t.d[a*t.n-a*(a+1)/2+b-a-1]
}

// pairDistances computes every pair's distance of a set of at most
// maxTriangleFaces faces scored all against all (nil otherwise), rows
// spread over the workers.
func pairDistances(ctx context.Context, ds *Dataset, set *scoringSet, workers int, rep progress.Reporter) (*triangle, error) {
	n := set.size()
	if ds.Kind == KindPairs || n > maxTriangleFaces || n < 2 {
		return nil, nil
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	t := &triangle{n: n, d: make([]float32, n*(n-1)/2)}
	chunks := splitRows(n, pairsPerChunk)
	next := make(chan rowChunk)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				for i := c.first; i < c.last; i++ {
					distancesTo(&set.desc[i], set.desc[i+1:], t.row(i))
				}
			}
		}()
	}
	var err error
	start := time.Now()
	done := int64(0)
	for _, c := range chunks {
		select {
		case next <- c:
			done += c.pairs
			rep.Report(progress.Update{Stage: "distances", Done: done, Total: int64(len(t.d)), Unit: "pairs", Elapsed: time.Since(start)})
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return t, nil
}
