package gallery

import (
	"context"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"facecase/internal/synthdesc"
)

// TestSearchWhileChanging searches from several goroutines while faces are
// added and removed and the index is rebuilt in the background, then checks
// the final gallery against brute force and that nothing leaks.
func TestSearchWhileChanging(t *testing.T) {
	ctx := context.Background()
	goroutines := runtime.NumGoroutine()
	gen := synthdesc.New(synthdesc.Config{Seed: 12})
	all := synthFaces(gen, 0, 12000)
	path := filepath.Join(t.TempDir(), "w.gallery")
	g, err := Open(path, Options{MinIndexed: 2000})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, g, all[:1000])
	var stop atomic.Bool
	var searches atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				q := gen.Probe((w*1000+i)%2400, w)
				got, err := g.Search(ctx, q, 20, 0.7)
				if err != nil {
					errs <- err
					return
				}
				for j, c := range got {
					if c.Distance > 0.7 || (j > 0 && c.Distance < got[j-1].Distance) || c.Face == 0 || c.Label == "" {
						t.Errorf("bad candidate %d: %+v", j, c)
					}
				}
				searches.Add(1)
			}
		}()
	}
	removed := map[FaceID]bool{}
	for lo := 1000; lo < len(all); lo += 500 {
		if err := g.Add(ctx, all[lo:lo+500]); err != nil {
			t.Fatal(err)
		}
		ids := []FaceID{all[lo-7].ID, all[lo-300].ID}
		if err := g.Remove(ctx, ids); err != nil {
			t.Fatal(err)
		}
		removed[ids[0]], removed[ids[1]] = true, true
		time.Sleep(5 * time.Millisecond)
	}
	if err := g.WaitRebuild(ctx); err != nil {
		t.Fatal(err)
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := g.RebuildError(); err != nil {
		t.Fatal(err)
	}
	var live []Face
	for _, f := range all {
		if !removed[f.ID] {
			live = append(live, f)
		}
	}
	s := g.Stats()
	t.Logf("%d searches meanwhile; final %+v", searches.Load(), s)
	if s.Faces != len(live) || s.IndexedFaces != len(live) || s.Lists < 2 {
		t.Fatalf("final state %+v, want %d faces indexed in an IVF", s, len(live))
	}
	for i := range 20 {
		q := gen.Probe(i*50, 9)
		got, err := g.SearchExact(ctx, q, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		sameCandidates(t, "exact after concurrent changes", got, bruteForce(live, &q, 10, 0))
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	g, err = Open(path, Options{MinIndexed: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if s2 := g.Stats(); s2.Faces != len(live) || s2.Lists != s.Lists {
		t.Fatalf("reopened %+v, closed %+v", s2, s)
	}
	g.Close()
	waitGoroutines(t, goroutines)
}

func TestCloseStopsRebuild(t *testing.T) {
	goroutines := runtime.NumGoroutine()
	g := NewMemory(Options{MinIndexed: 2000})
	mustAdd(t, g, randomFaces(13, 30000, 1))
	if !g.Stats().Rebuilding && g.Stats().Lists < 2 {
		t.Fatal("no rebuild started though the gallery outgrew its flat index")
	}
	start := time.Now()
	g.Close()
	t.Logf("closed in %v", time.Since(start))
	waitGoroutines(t, goroutines)
}

// waitGoroutines waits until no more than n goroutines run. A goroutine
// that signalled it is done (a WaitGroup) still counts until it returns,
// which under the race detector or on a busy machine can take a while, so
// this waits for the count with a generous bound rather than reading it
// once.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second) // a safety net: goroutines wind down asynchronously
	for runtime.NumGoroutine() > n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if now := runtime.NumGoroutine(); now > n {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after close, %d before:\n%s", now, n, buf[:runtime.Stack(buf, true)])
	}
}
