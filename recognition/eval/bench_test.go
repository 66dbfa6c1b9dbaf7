package eval

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"facecase/facedata"
	"facecase/internal/cputime"
	"facecase/internal/synthdesc"
	"facecase/progress"
	"facecase/recognition/scorenorm"
)

// BenchmarkScoreImpostorPairs scores every pair of 10,000 descriptors
// (2,000 identities x 5 images, two group columns): 49,995,000 pairs, of
// which 49,975,000 non-mated. Target: under 30 s per op on 2 cores.
func BenchmarkScoreImpostorPairs(b *testing.B) {
	set := syntheticSet(2000, 5, 1, false)
	pairs := float64(set.size()) * float64(set.size()-1) / 2
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		t, err := scoreAllPairs(context.Background(), set, scoreOptions{threshold: 0.6, maxRecords: 1 << 24})
		if err != nil {
			b.Fatal(err)
		}
		if got := float64(t.nonMated[0][0].Total()) + float64(len(t.mated)); got != pairs {
			b.Fatalf("scored %v pairs, want %v", got, pairs)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(pairs*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpairs/s")
}

// BenchmarkPairDistances10k computes the distance of every two of 10,000
// descriptors into the triangle the Lab's raw and normalised run shares
// between its passes (49,995,000 distances, both cores), and checks a
// sample of them against Score.
func BenchmarkPairDistances10k(b *testing.B) {
	set := syntheticSet(2000, 5, 1, false)
	ds := &Dataset{Kind: KindFolders}
	n := set.size()
	pairs := float64(n) * float64(n-1) / 2
	b.ResetTimer()
	cpu := cputime.Process()
	var tri *triangle
	for i := 0; i < b.N; i++ {
		var err error
		if tri, err = pairDistances(context.Background(), ds, set, 0, progress.Discard); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(pairs*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpairs/s")
	b.StopTimer()
	if float64(len(tri.d)) != pairs {
		b.Fatalf("%d distances, want %v", len(tri.d), pairs)
	}
	for _, p := range [][2]int{{0, 1}, {0, n - 1}, {17, 4242}, {n - 2, n - 1}} {
		if got, want := tri.at(p[0], p[1]), Score(&set.desc[p[0]], &set.desc[p[1]]); got != want {
			b.Fatalf("pair %v: %v, Score %v", p, got, want)
		}
	}
}

// BenchmarkScore is one descriptor comparison.
func BenchmarkScore(b *testing.B) {
	set := syntheticSet(2, 1, 1, false)
	var s float32
	for i := 0; i < b.N; i++ {
		s += Score(&set.desc[0], &set.desc[1])
	}
	if s < 0 {
		b.Fatal(s)
	}
}

// noEmbedder fails the benchmark if recognition is asked for: a cached
// re-run must not need it.
type noEmbedder struct{ id string }

func (e noEmbedder) ModelID() string { return e.id }

func (noEmbedder) Embed(context.Context, string) (facedata.Descriptor, error) {
	return facedata.Descriptor{}, errors.New("cached re-run asked for a descriptor")
}

// BenchmarkCachedRerun10k is a whole evaluation of 10,000 images (2,000
// identities x 5, 16 KB files) whose descriptors are all in the cache:
// read the dataset, hash every file, take the descriptors from the cache,
// score the 50 million pairs, search, bootstrap (1,000 replicates) and
// write the report (without the 50-million-row scores file). Target: under
// 10 s per op.
func BenchmarkCachedRerun10k(b *testing.B) {
	root, _, cachePath, model := cachedBenchDataset(b)
	out := b.TempDir()
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		ds, err := ReadFolders(root)
		if err != nil {
			b.Fatal(err)
		}
		cache, err := OpenCache(cachePath)
		if err != nil {
			b.Fatal(err)
		}
		cfg := DefaultConfig()
		cfg.Cache = cache
		r, err := Run(context.Background(), ds, noEmbedder{model}, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if r.Enrolment.FromCache != 10000 || r.Summary.Verification.NonMatedPairs != 49_975_000 {
			b.Fatalf("from cache %d, non-mated %d", r.Enrolment.FromCache, r.Summary.Verification.NonMatedPairs)
		}
		if err := WriteReport(out, r); err != nil {
			b.Fatal(err)
		}
		cache.Close()
	}
	reportCPU(b, cpu)
}

// BenchmarkCachedRerun10kRawAndNormalised is BenchmarkCachedRerun10k with
// the Lab's raw and normalised scores side by side: two group columns (a
// manifest), the dataset as its own in-domain cohort (10,000 faces, K=25),
// both scores calibrated at FMR 1e-2, 1e-3 and 1e-4, and the bootstrap of
// every group's FMR, FNMR and ratios (1,000 replicates) for both. Target:
// under 15 s per op.
func BenchmarkCachedRerun10kRawAndNormalised(b *testing.B) {
	_, manifest, cachePath, model := cachedBenchDataset(b)
	g := synthdesc.New(synthdesc.Config{Seed: 9})
	strangers := make([]facedata.Descriptor, 360)
	for i := range strangers {
		strangers[i] = g.Stranger(i)
	}
	cohort, err := scorenorm.New(scorenorm.Info{ID: "bench", K: scorenorm.DefaultK, DescriptorModelSHA256: "bench"}, strangers)
	if err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		ds, err := ReadManifest(manifest, nil)
		if err != nil {
			b.Fatal(err)
		}
		cache, err := OpenCache(cachePath)
		if err != nil {
			b.Fatal(err)
		}
		cfg := DefaultConfig()
		cfg.Cache = cache
		cfg.Normalizer = scorenorm.LabNormalizer{Cohort: cohort}
		r, err := Run(context.Background(), ds, noEmbedder{model}, cfg)
		if err != nil {
			b.Fatal(err)
		}
		f := r.Summary.Fairness
		if r.Enrolment.FromCache != 10000 || f == nil || f.Score != scorenorm.KindDomain || len(f.Points) != 3 ||
			f.Points[1].Normalised.Columns[0].MaxMinRatio.CI == nil {
			b.Fatalf("from cache %d, fairness %+v", r.Enrolment.FromCache, f)
		}
		if err := WriteReport(out, r); err != nil {
			b.Fatal(err)
		}
		cache.Close()
	}
	reportCPU(b, cpu)
}

// cachedBenchDataset writes 10,000 image files (2,000 identities x 5, 16 KB
// of random bytes each) in folders per identity, a manifest of them with
// two group columns, and a cache holding their descriptors under model.
func cachedBenchDataset(b *testing.B) (root, manifest, cachePath, model string) {
	root = b.TempDir()
	set := syntheticSet(2000, 5, 2, false)
	model = "bench-model"
	cachePath = filepath.Join(b.TempDir(), "cache.db")
	cache, err := OpenCache(cachePath)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	data := make([]byte, 16<<10)
	var writes []cacheWrite
	rows := []string{"path,identity,sex,band"}
	for e := range set.desc {
		id := set.identities[set.ident[e]]
		p := filepath.Join(root, id, fmt.Sprintf("%d.jpg", e))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
		h, err := hashFile(p)
		if err != nil {
			b.Fatal(err)
		}
		writes = append(writes, cacheWrite{hash: h, value: cached{descriptor: set.desc[e]}})
		rows = append(rows, fmt.Sprintf("%s,%s,%s,%s", p, id, set.groupNames[1][set.group[1][e]], set.groupNames[2][set.group[2][e]]))
	}
	if err := cache.put(model, writes); err != nil {
		b.Fatal(err)
	}
	cache.Close()
	manifest = filepath.Join(b.TempDir(), "manifest.csv")
	if err := os.WriteFile(manifest, []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	return root, manifest, cachePath, model
}

// reportCPU reports the process CPU seconds per op since start.
func reportCPU(b *testing.B, start time.Duration) {
	if end := cputime.Process(); start >= 0 && end >= 0 {
		b.ReportMetric((end-start).Seconds()/float64(b.N), "cpu-s/op")
	}
}
