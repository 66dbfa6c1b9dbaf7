package eval

import (
	"context"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"facecase/facedata"
	"facecase/progress"
)

// IdentificationMethod describes how the 1:N figures are obtained, for reports.
const IdentificationMethod = "gallery: the first enrolled image of each identity; " +
	"mated searches: every other enrolled image searched against the whole gallery, " +
	"its rank being 1 + the number of other gallery entries scoring at or below its mate (ties count against the mate); " +
	"non-mated searches: the same images searched with their own identity's entry left out (leave-one-identity-out); " +
	"a candidate is returned when it is within the first R ranks and scores at or below the threshold"

// searchOutcome is the result of searching one probe.
type searchOutcome struct {
	probe     int32   // enrolled index
	rank      int32   // rank of the mate
	mate      float32 // score of the mate
	bestOther float32 // best score among other identities (+Inf when none)
}

// searchAll builds the gallery and searches every probe, in parallel.
// gallery is nil when fewer than two identities are enrolled.
func searchAll(ctx context.Context, set *scoringSet, workers int, rep progress.Reporter) (gallery []int32, out []searchOutcome, err error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if rep == nil {
		rep = progress.Discard
	}
	entryOf := map[int32]int{} // identity -> gallery position
	var probes []int32
	for e := range set.desc {
		k := set.ident[e]
		if _, ok := entryOf[k]; !ok {
			entryOf[k] = len(gallery)
			gallery = append(gallery, int32(e))
			continue
		}
		probes = append(probes, int32(e))
	}
	if len(gallery) < 2 {
		return nil, nil, nil
	}
	out = make([]searchOutcome, len(probes))
	// The gallery's descriptors side by side, for the distance kernel;
	// each search borrows a row of distances from the pool.
	entries := make([]facedata.Descriptor, len(gallery))
	for h, g := range gallery {
		entries[h] = set.desc[g]
	}
	rows := sync.Pool{New: func() any { r := make([]float32, len(entries)); return &r }}
	var (
		mu   sync.Mutex
		done int64
		g    errgroup.Group
	)
	g.SetLimit(workers)
	start := time.Now()
	for i, p := range probes {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			row := rows.Get().(*[]float32)
			out[i] = searchOne(&set.desc[p], entries, entryOf[set.ident[p]], p, *row)
			rows.Put(row)
			mu.Lock()
			defer mu.Unlock()
			done++
			if done%256 == 0 || done == int64(len(probes)) {
				rep.Report(progress.Update{Stage: "search", Done: done, Total: int64(len(probes)), Unit: "searches", Elapsed: time.Since(start)})
			}
			return nil
		})
	}
	g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return gallery, out, nil
}

// searchOne searches the gallery entries with probe p (descriptor pd),
// whose mate is entry own: the mate's rank (1 + the other entries scoring
// at or below it) and the best score of another identity. row holds one
// score per entry.
func searchOne(pd *facedata.Descriptor, entries []facedata.Descriptor, own int, p int32, row []float32) searchOutcome {
	distancesTo(pd, entries, row)
	o := searchOutcome{probe: p, mate: row[own], rank: 1, bestOther: float32(math.Inf(1))}
	for h, s := range row {
		if h == own {
			continue
		}
		if s <= o.mate {
			o.rank++
		}
		if s < o.bestOther {
			o.bestOther = s
		}
	}
	return o
}

// fnir is the false negative identification rate at rank r and threshold t
// over the searches for which keep is true.
func fnir(out []searchOutcome, r int, t float64, keep func(int32) bool) Rate {
	var rate Rate
	for _, o := range out {
		if !keep(o.probe) {
			continue
		}
		rate.Trials++
		if int(o.rank) > r || !isMatch(o.mate, t) {
			rate.Errors++
		}
	}
	if rate.Trials == 0 {
		rate.Note = "no mated searches"
	}
	return rate
}

// fpir is the false positive identification rate at threshold t over the
// non-mated searches for which keep is true.
func fpir(out []searchOutcome, t float64, keep func(int32) bool) Rate {
	var rate Rate
	for _, o := range out {
		if !keep(o.probe) {
			continue
		}
		rate.Trials++
		if isMatch(o.bestOther, t) {
			rate.Errors++
		}
	}
	if rate.Trials == 0 {
		rate.Note = "no non-mated searches"
	}
	return rate
}

// identification summarises the searches at the operating threshold.
func identification(set *scoringSet, gallery []int32, searches []searchOutcome, cfg Config) Identification {
	id := Identification{Method: IdentificationMethod, FNIR: []RankRate{}}
	if gallery == nil {
		id.Note = "needs at least two identities with an enrolled image"
		id.FPIR = Rate{Note: id.Note}
		return id
	}
	all := func(int32) bool { return true }
	id.Available = true
	id.GalleryIdentities = len(gallery)
	id.MatedSearches = int64(len(searches))
	id.NonMatedSearches = int64(len(searches))
	ranks := append([]int(nil), cfg.Ranks...)
	sort.Ints(ranks)
	for _, rank := range ranks {
		id.FNIR = append(id.FNIR, RankRate{Rank: rank, FNIR: fnir(searches, rank, cfg.Threshold, all)})
	}
	id.FPIR = fpir(searches, cfg.Threshold, all)
	if len(searches) == 0 {
		id.Note = "no identity has a second enrolled image to search with"
	}
	return id
}
