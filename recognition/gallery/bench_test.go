package gallery

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"facecase/facedata"
	"facecase/internal/synthdesc"
	"facecase/recognition/scorenorm"
)

// Benchmarks of issue 7's figures on synthetic faces (package synthdesc).
// Sizes are chosen by environment so that CI runs small:
//
//	FACECASE_BENCH_FACES  gallery size (default 100000)
//	FACECASE_BENCH_DIR    folder that keeps built gallery files between
//	                      runs (default: a temporary folder, removed)
//	FACECASE_BENCH_PROBES probes for latency and recall (default 200)
//	FACECASE_BENCH_NPROBE lists a search scans (default: DefaultNProbe)
//	FACECASE_BENCH_LISTS  lists of the index built (default: automatic)
//	FACECASE_BENCH_SHORTLIST, FACECASE_BENCH_RERANK  Options.Shortlist and
//	                      Options.Rerank (default: their defaults)
//
// For example, the 1 million figures:
//
//	FACECASE_BENCH_FACES=1000000 FACECASE_BENCH_DIR=/var/tmp \
//	  go test ./recognition/gallery/ -run '^$' -bench . -benchtime 1x
func benchFaces() int  { return envInt("FACECASE_BENCH_FACES", 100000) }
func benchProbes() int { return envInt("FACECASE_BENCH_PROBES", 200) }
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
	benchDir  string
)

// benchGallery returns the path of a gallery file of benchFaces synthetic
// faces, building it (and reporting the build time) when it does not exist.
func benchGallery(b *testing.B) string {
	benchOnce.Do(func() {
		dir := os.Getenv("FACECASE_BENCH_DIR")
		if dir == "" {
			dir, benchErr = os.MkdirTemp("", "gallery-bench")
			benchDir = dir
		}
		benchPath = filepath.Join(dir, fmt.Sprintf("facecase-synthetic-%d.gallery", benchFaces())) // as facecase-cli gallery bench
		if l := envInt("FACECASE_BENCH_LISTS", 0); l > 0 {
			benchPath = strings.TrimSuffix(benchPath, ".gallery") + fmt.Sprintf("-%dlists.gallery", l)
		}
		if _, err := os.Stat(benchPath); err == nil {
			return
		}
		var took time.Duration
		took, benchErr = buildSynthetic(benchPath+".part", benchFaces())
		if benchErr == nil {
			benchErr = os.Rename(benchPath+".part", benchPath)
			fmt.Fprintf(os.Stderr, "built %s in %v\n", benchPath, took.Round(time.Millisecond))
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// buildSynthetic imports n synthetic faces and trains the index.
func buildSynthetic(path string, n int) (time.Duration, error) {
	return buildSyntheticWith(path, n, nil)
}

// buildSyntheticWith imports n synthetic faces, with their statistics
// against cohort when it is not nil, and trains the index.
func buildSyntheticWith(path string, n int, cohort *scorenorm.Cohort) (time.Duration, error) {
	start := time.Now()
	os.Remove(path)
	g, err := Open(path, Options{ManualRebuild: true, Lists: envInt("FACECASE_BENCH_LISTS", 0), Cohort: cohort})
	if err != nil {
		return 0, err
	}
	defer g.Close()
	gen := synthdesc.New(synthdesc.Config{Seed: synthdesc.DefaultSeed})
	const batch = 65536
	ds := make([]facedata.Descriptor, batch)
	faces := make([]Face, batch)
	for lo := 0; lo < n; lo += batch {
		m := min(batch, n-lo)
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, z := w*m/2, (w+1)*m/2
				gen.Fill(lo+a, ds[a:z])
			}()
		}
		wg.Wait()
		for i := range m {
			faces[i] = Face{ID: FaceID(lo + i + 1), Label: fmt.Sprintf("S%07d", gen.IdentityOf(lo+i)), Descriptor: ds[i]}
		}
		if err := g.Add(context.Background(), faces[:m]); err != nil {
			return 0, err
		}
	}
	if err := g.Rebuild(context.Background()); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// BenchmarkBuild imports and indexes FACECASE_BENCH_FACES faces.
func BenchmarkBuild(b *testing.B) {
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		took, err := buildSynthetic(filepath.Join(dir, fmt.Sprint(i)), benchFaces())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(took.Seconds(), "s/build")
	}
}

// BenchmarkLoad opens the gallery file (faces, labels and index).
func BenchmarkLoad(b *testing.B) {
	path := benchGallery(b)
	for b.Loop() {
		g, err := Open(path, Options{ManualRebuild: true})
		if err != nil {
			b.Fatal(err)
		}
		if g.Len() != benchFaces() {
			b.Fatalf("loaded %d faces", g.Len())
		}
		b.StopTimer()
		reportMemory(b)
		g.Close()
		b.StartTimer()
	}
}

// probeSet is what an investigator searches with: new photos of enrolled
// people (three in four) and of people who are not enrolled.
func probeSet(n, faces int) []facedata.Descriptor {
	gen := synthdesc.New(synthdesc.Config{Seed: synthdesc.DefaultSeed})
	ids := max(1, faces/gen.ImagesPerIdentity())
	out := make([]facedata.Descriptor, n)
	for i := range out {
		if i%4 == 3 {
			out[i] = gen.Stranger(i)
		} else {
			out[i] = gen.Probe((i*7919)%ids, i)
		}
	}
	return out
}

// BenchmarkSearch measures top-50 approximate search: latency percentiles,
// processor time and recall@50 against exact search over the same gallery.
func BenchmarkSearch(b *testing.B) {
	g, err := Open(benchGallery(b), Options{ManualRebuild: true, NProbe: envInt("FACECASE_BENCH_NPROBE", 0),
		Shortlist: envInt("FACECASE_BENCH_SHORTLIST", 0), Rerank: envInt("FACECASE_BENCH_RERANK", 0)})
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	probes := probeSet(benchProbes(), g.Len())
	for b.Loop() {
		f, err := MeasureSearch(context.Background(), g, probes, 50)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(f.P50.Microseconds())/1000, "p50_ms")
		b.ReportMetric(float64(f.P99.Microseconds())/1000, "p99_ms")
		b.ReportMetric(float64(f.CPU.Microseconds())/1000, "cpu_ms/search")
		b.ReportMetric(f.Recall, "recall@50")
		b.ReportMetric(float64(g.Stats().NProbe), "nprobe")
		reportMemory(b)
		b.StartTimer()
	}
}

// BenchmarkSearchExact measures exact top-50 search.
func BenchmarkSearchExact(b *testing.B) {
	g, err := Open(benchGallery(b), Options{ManualRebuild: true})
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	ctx := context.Background()
	probes := probeSet(min(benchProbes(), 50), g.Len())
	for b.Loop() {
		lat := make([]time.Duration, len(probes))
		for i := range probes {
			t0 := time.Now()
			if _, err := g.SearchExact(ctx, probes[i], 50, 0); err != nil {
				b.Fatal(err)
			}
			lat[i] = time.Since(t0)
		}
		b.StopTimer()
		reportLatency(b, lat)
		b.StartTimer()
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.5), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
}

// reportMemory reports the process's resident memory now and at its peak.
func reportMemory(b *testing.B) {
	m, err := ProcessMemory()
	if err != nil {
		return // not Linux
	}
	b.ReportMetric(float64(m.RSS)/(1<<20), "rss_MB")
	b.ReportMetric(float64(m.RSSFile)/(1<<20), "rss_file_MB")
	b.ReportMetric(float64(m.Peak)/(1<<20), "peak_rss_MB")
}
