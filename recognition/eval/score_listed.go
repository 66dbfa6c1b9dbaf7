package eval

import (
	"context"
	"time"

	"facecase/progress"
)

// scoreListedPairs scores the pairs of a pairs file whose two images were
// enrolled (the others are counted in ds.Skipped). Every non-mated pair is
// kept for the bootstrap. scored holds, per listed pair, its score and
// whether it could be scored, for the fold accuracy.
func scoreListedPairs(ctx context.Context, ds *Dataset, set *scoringSet, opt scoreOptions) (*tally, []listedScore, error) {
	rep := opt.progress
	if rep == nil {
		rep = progress.Discard
	}
	enrolled := make([]int32, len(ds.Samples))
	for i := range enrolled {
		enrolled[i] = -1
	}
	for e, s := range set.sample {
		enrolled[s] = int32(e)
	}
	t := newTally(set, opt.threshold, true, opt.maxRecords)
	out := make([]listedScore, len(ds.Pairs))
	var rows []byte
	start := time.Now()
	for k, p := range ds.Pairs {
		if k%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			rep.Report(progress.Update{Stage: "score", Done: int64(k), Total: int64(len(ds.Pairs)), Unit: "pairs", Elapsed: time.Since(start)})
		}
		a, b := enrolled[p.A], enrolled[p.B]
		if a < 0 || b < 0 {
			ds.Skipped.Add(SkipPairMissing, ds.Samples[p.A].Rel+" / "+ds.Samples[p.B].Rel)
			continue
		}
		if a > b {
			a, b = b, a
		}
		s := Score(&set.desc[a], &set.desc[b])
		out[k] = listedScore{ok: true, score: s, mated: p.Mated, fold: p.Fold}
		if p.Mated {
			t.addMated(a, b, s)
		} else {
			t.addNonMated(set, a, b, s)
		}
		if opt.scores != nil {
			rows = appendScoreRow(rows, set.sample[a], set.sample[b], p.Mated, s)
		}
	}
	if opt.scores != nil {
		if _, err := opt.scores.Write(rows); err != nil {
			return nil, nil, err
		}
	}
	rep.Report(progress.Update{Stage: "score", Done: int64(len(ds.Pairs)), Total: int64(len(ds.Pairs)), Unit: "pairs", Elapsed: time.Since(start)})
	return t, out, nil
}

// listedScore is the outcome of one listed pair.
type listedScore struct {
	ok    bool
	score float32
	mated bool
	fold  int
}
