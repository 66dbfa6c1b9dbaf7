package eval

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"facecase/facedata"
	"facecase/internal/fsutil"
	"facecase/progress"
)

// SampleStatus is what enrolment made of one image.
type SampleStatus string

// Enrolment outcomes.
const (
	StatusEnrolled   SampleStatus = "enrolled"
	StatusNoFace     SampleStatus = "failure to enrol"
	StatusUnreadable SampleStatus = "unreadable"
)

// Enrolment holds the descriptor of every sample of a dataset.
type Enrolment struct {
	// Status and Descriptors are indexed like Dataset.Samples; a descriptor
	// is only meaningful for an enrolled sample.
	Status      []SampleStatus
	Descriptors []facedata.Descriptor
	// FromCache counts samples answered by the cache, Computed those the
	// embedder was run on.
	FromCache, Computed int
}

// cacheBatch is how many new entries are written to the cache per transaction.
const cacheBatch = 64

// Enrol computes (or takes from cache, which may be nil) the descriptor of
// every sample, with workers goroutines (GOMAXPROCS when <= 0). Images with
// no usable face are marked StatusNoFace and counted as SkipNoFace;
// unreadable ones StatusUnreadable and SkipUnreadable in ds.Skipped. Any
// other embedder or cache error stops the work; what was computed is in
// the cache.
func Enrol(ctx context.Context, ds *Dataset, emb Embedder, cache *Cache, workers int, rep progress.Reporter) (*Enrolment, error) {
	if rep == nil {
		rep = progress.Discard
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := len(ds.Samples)
	en := &Enrolment{Status: make([]SampleStatus, n), Descriptors: make([]facedata.Descriptor, n)}
	model := emb.ModelID()
	start := time.Now()

	var (
		mu      sync.Mutex
		done    int64
		pending []cacheWrite
	)
	// flush writes the pending cache entries once there are a batch of
	// them (all of them when force is set); mu must be held while work
	// runs.
	flush := func(force bool) error {
		if cache == nil || len(pending) == 0 || (!force && len(pending) < cacheBatch) {
			return nil
		}
		batch := pending
		pending = nil
		return cache.put(model, batch)
	}
	// The first error cancels gctx: the samples not started are left.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := 0; i < n && gctx.Err() == nil; i++ {
		g.Go(func() error {
			res, write, fromCache, err := enrolOne(gctx, &ds.Samples[i], emb, cache, model)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			en.Status[i] = res.status
			en.Descriptors[i] = res.descriptor
			if fromCache {
				en.FromCache++
			} else {
				en.Computed++
			}
			if write != nil {
				pending = append(pending, *write)
				if err := flush(false); err != nil {
					return err
				}
			}
			done++
			// Reported under the lock so updates arrive in order.
			rep.Report(progress.Update{Stage: "enrol", Done: done, Total: int64(n), Unit: "images", Item: ds.Samples[i].Rel, Elapsed: time.Since(start)})
			return nil
		})
	}
	err := g.Wait()
	// What was computed is kept in the cache, whatever stopped the work.
	if ferr := flush(true); err == nil {
		err = ferr
	}
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, st := range en.Status {
		switch st {
		case StatusNoFace:
			ds.Skipped.Add(SkipNoFace, ds.Samples[i].Rel)
		case StatusUnreadable:
			ds.Skipped.Add(SkipUnreadable, ds.Samples[i].Rel)
		}
	}
	return en, nil
}

type enrolResult struct {
	status     SampleStatus
	descriptor facedata.Descriptor
}

// enrolOne hashes the file, asks the cache, else runs the embedder; write is
// the entry to add to the cache (nil when there is nothing new to keep).
func enrolOne(ctx context.Context, s *Sample, emb Embedder, cache *Cache, model string) (res enrolResult, write *cacheWrite, fromCache bool, err error) {
	if err := ctx.Err(); err != nil {
		return res, nil, false, err
	}
	h, err := hashFile(s.Path)
	if err != nil {
		return enrolResult{status: StatusUnreadable}, nil, false, nil
	}
	if cache != nil {
		e, ok, err := cache.get(model, h)
		if err != nil {
			return res, nil, false, err
		}
		if ok {
			if e.noFace {
				return enrolResult{status: StatusNoFace}, nil, true, nil
			}
			return enrolResult{status: StatusEnrolled, descriptor: e.descriptor}, nil, true, nil
		}
	}
	d, err := emb.Embed(ctx, s.Path)
	switch {
	case err == nil:
		for _, v := range d {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return res, nil, false, fmt.Errorf("enrol %s: the model returned a descriptor that is not finite", s.Rel)
			}
		}
		return enrolResult{status: StatusEnrolled, descriptor: d}, &cacheWrite{hash: h, value: cached{descriptor: d}}, false, nil
	case errors.Is(err, ErrNoFace):
		return enrolResult{status: StatusNoFace}, &cacheWrite{hash: h, value: cached{noFace: true}}, false, nil
	case errors.Is(err, ErrUnreadable):
		return enrolResult{status: StatusUnreadable}, nil, false, nil
	case ctx.Err() != nil:
		return res, nil, false, ctx.Err()
	}
	return res, nil, false, fmt.Errorf("enrol %s: %w", s.Rel, err)
}

// hashFile is the SHA-256 of a file's bytes, read without writing.
func hashFile(path string) (imageHash, error) {
	var h imageHash
	f, err := fsutil.OpenRegular(path) // a pipe would block, a device never ends
	if err != nil {
		return h, err
	}
	defer f.Close()
	d := sha256.New()
	if _, err := io.Copy(d, f); err != nil {
		return h, err
	}
	copy(h[:], d.Sum(nil))
	return h, nil
}
