package eval

import (
	"context"
	"io"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"

	"facecase/progress"
)

// scoreOptions are the settings of a scoring pass.
type scoreOptions struct {
	threshold  float64
	workers    int
	maxRecords int
	// scores, when not nil, receives every score as CSV rows
	// "a,b,mated,score" (sample indices), in (a, b) order.
	scores   io.Writer
	progress progress.Reporter
	// tri, when not nil, holds every pair's distance (the raw and
	// normalised run computes them once for both passes).
	tri *triangle
}

// Chunk sizes in pairs: large without a score file, smaller with one so
// that the formatted rows waiting to be written stay small.
const (
	pairsPerChunk    = 1 << 20
	pairsPerCSVChunk = 1 << 16
)

// rowChunk is a run of rows of the comparison triangle.
type rowChunk struct {
	first, last int // rows first..last-1
	pairs       int64
}

// splitRows cuts the triangle i < j < n into chunks of about target pairs.
func splitRows(n int, target int64) []rowChunk {
	var chunks []rowChunk
	c := rowChunk{}
	for i := 0; i < n; i++ {
		c.pairs += int64(n - 1 - i)
		if c.pairs >= target || i == n-1 {
			c.last = i + 1
			chunks = append(chunks, c)
			c = rowChunk{first: i + 1}
		}
	}
	return chunks
}

// scoreAllPairs compares every enrolled sample with every other one, in
// parallel: mated pairs are kept, non-mated ones counted (see tally). The
// chunks are scored by at most workers goroutines at once, each with a
// tally of its own, so the inner loop allocates nothing; the score rows are
// written in order as the chunks finish.
func scoreAllPairs(ctx context.Context, set *scoringSet, opt scoreOptions) (*tally, error) {
	workers := opt.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	rep := opt.progress
	if rep == nil {
		rep = progress.Discard
	}
	n := set.size()
	target := int64(pairsPerChunk)
	if opt.scores != nil {
		target = pairsPerCSVChunk
	}
	chunks := splitRows(n, target)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// window bounds how far workers may run ahead of the score writer.
	// It holds at most ahead tokens: one is taken per chunk handed out and
	// given back when the chunk's rows are written.
	ahead := len(chunks) + 1
	if opt.scores != nil {
		ahead = 2 * workers
	}
	window := make(chan struct{}, ahead)
	for i := 0; i < ahead; i++ {
		window <- struct{}{}
	}
	// tallies holds one tally per worker; a running chunk borrows one.
	tallies := make(chan *tally, workers)
	for w := 0; w < workers; w++ {
		tallies <- newTally(set, opt.threshold, false, opt.maxRecords)
	}
	results := make(chan scoredChunk, workers)
	go scoreChunks(ctx, set, chunks, opt.scores != nil, opt.tri, workers, window, tallies, results)

	writeErr := writeChunks(chunks, int64(n)*int64(n-1)/2, opt.scores, rep, window, results, cancel)
	if writeErr != nil {
		return nil, writeErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	close(tallies)
	t := <-tallies
	for o := range tallies {
		t.merge(o)
	}
	t.sortPairs()
	return t, nil
}

// scoredChunk is the outcome of one chunk: its score rows (CSV, when
// asked for).
type scoredChunk struct {
	index int
	rows  []byte
}

// scoreChunks scores every chunk, at most workers at once, each once the
// window gives a token and with a tally borrowed from tallies, and sends
// each outcome to results, which it closes once all have finished. It
// stops handing out chunks when ctx ends.
func scoreChunks(ctx context.Context, set *scoringSet, chunks []rowChunk, csv bool, tri *triangle, workers int,
	window <-chan struct{}, tallies chan *tally, results chan<- scoredChunk) {
	defer close(results)
	var g errgroup.Group
	g.SetLimit(workers)
	defer g.Wait()
	end := set.identityEnd()
	for k := range chunks {
		select {
		case <-window:
		case <-ctx.Done():
			return
		}
		g.Go(func() error {
			var rows []byte
			if csv {
				rows = make([]byte, 0, chunks[k].pairs*24)
			}
			t := <-tallies
			rows = scoreRows(set, t, end, chunks[k], rows, csv, tri)
			tallies <- t
			results <- scoredChunk{k, rows}
			return nil
		})
	}
}

// writeChunks takes the chunks' outcomes until results is closed, writes
// their rows to scores (when not nil) in chunk order, gives a window token
// back for each chunk written and reports progress. A write error cancels
// the scoring and is returned.
func writeChunks(chunks []rowChunk, total int64, scores io.Writer, rep progress.Reporter,
	window chan<- struct{}, results <-chan scoredChunk, cancel context.CancelFunc) error {
	start := time.Now()
	var (
		writeErr error
		scored   int64
		next     int
		waiting  = map[int][]byte{}
	)
	for r := range results {
		scored += chunks[r.index].pairs
		waiting[r.index] = r.rows
		for {
			rows, ok := waiting[next]
			if !ok {
				break
			}
			delete(waiting, next)
			if scores != nil && writeErr == nil {
				if _, err := scores.Write(rows); err != nil {
					writeErr = err
					cancel()
				}
			}
			next++
			window <- struct{}{}
		}
		rep.Report(progress.Update{Stage: "score", Done: scored, Total: total, Unit: "pairs", Elapsed: time.Since(start)})
	}
	return writeErr
}

// scoreRows scores the rows of one chunk into t, appending CSV rows when
// asked; tri, when not nil, has the distances (otherwise each row's are
// computed at once, by the distance kernel). Samples are sorted by
// identity, so the mated partners of row i are exactly i+1 .. end[i]-1.
func scoreRows(set *scoringSet, t *tally, end []int, c rowChunk, rows []byte, csv bool, tri *triangle) []byte {
	n := set.size()
	var buf []float32
	if tri == nil {
		buf = make([]float32, n)
	}
	for i := c.first; i < c.last; i++ {
		di := &set.desc[i]
		var row []float32
		if tri != nil {
			row = tri.row(i)
		} else {
			row = buf[:n-i-1]
			distancesTo(di, set.desc[i+1:], row)
		}
		for j := i + 1; j < end[i]; j++ {
			s := pairScore(row, i, j)
			t.addMated(int32(i), int32(j), s)
			if csv {
				rows = appendScoreRow(rows, set.sample[i], set.sample[j], true, s)
			}
		}
		for j := end[i]; j < n; j++ {
			s := pairScore(row, i, j)
			t.addNonMated(set, int32(i), int32(j), s)
			if csv {
				rows = appendScoreRow(rows, set.sample[i], set.sample[j], false, s)
			}
		}
	}
	return rows
}

// pairScore is the score of faces i < j from row, face i's distances to
// faces i+1 .. n-1.
func pairScore(row []float32, i, j int) float32 { return row[j-i-1] }
