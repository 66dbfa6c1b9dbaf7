package gallery

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"facecase/facedata"
	"facecase/internal/synthdesc"
	"facecase/recognition/scorenorm"
)

var (
	benchCohortOnce sync.Once
	benchCohortPath string
	benchCohortErr  error
	benchCohortVal  *scorenorm.Cohort
)

// benchCohort is the benchmarks' score normalisation cohort: 360 synthetic
// strangers, people who are not in the gallery (as the shipped cohort holds
// 360 faces of people in no case), of the gallery's seed: another seed
// draws another mean face, a space of its own.
func benchCohort(b testing.TB) *scorenorm.Cohort {
	g := synthdesc.New(synthdesc.Config{Seed: synthdesc.DefaultSeed})
	ds := make([]facedata.Descriptor, 360)
	for i := range ds {
		ds[i] = g.Stranger(i)
	}
	c, err := scorenorm.New(scorenorm.Info{ID: "bench-synthetic-360", K: scorenorm.DefaultK, DescriptorModelSHA256: "synthetic"}, ds)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchCohortGallery is benchGallery with every face's statistics against
// benchCohort stored (a file of its own, kept in FACECASE_BENCH_DIR too).
func benchCohortGallery(b *testing.B) (string, *scorenorm.Cohort) {
	benchCohortOnce.Do(func() {
		benchCohortVal = benchCohort(b)
		dir := os.Getenv("FACECASE_BENCH_DIR")
		if dir == "" {
			dir = b.TempDir()
		}
		benchCohortPath = filepath.Join(dir, fmt.Sprintf("facecase-synthetic-%d-cohort.gallery", benchFaces()))
		if l := envInt("FACECASE_BENCH_LISTS", 0); l > 0 {
			benchCohortPath = strings.TrimSuffix(benchCohortPath, ".gallery") + fmt.Sprintf("-%dlists.gallery", l)
		}
		if _, err := os.Stat(benchCohortPath); err == nil {
			return
		}
		var took time.Duration
		took, benchCohortErr = buildSyntheticWith(benchCohortPath+".part", benchFaces(), benchCohortVal)
		if benchCohortErr == nil {
			benchCohortErr = os.Rename(benchCohortPath+".part", benchCohortPath)
			fmt.Fprintf(os.Stderr, "built %s in %v\n", benchCohortPath, took.Round(time.Millisecond))
		}
	})
	if benchCohortErr != nil {
		b.Fatal(benchCohortErr)
	}
	return benchCohortPath, benchCohortVal
}

// BenchmarkSearchNormalised measures top-50 search by normalised score:
// the shortlist chosen by distance as Search chooses it, re-ranked by
// normalised score (Options.NormRerank, FACECASE_BENCH_NORMRERANK), against
// an exact normalised scan of every face: latency percentiles, processor
// time and recall@50.
func BenchmarkSearchNormalised(b *testing.B) {
	path, cohort := benchCohortGallery(b)
	g, err := Open(path, Options{ManualRebuild: true, Cohort: cohort, NProbe: envInt("FACECASE_BENCH_NPROBE", 0),
		Shortlist: envInt("FACECASE_BENCH_SHORTLIST", 0), NormRerank: envInt("FACECASE_BENCH_NORMRERANK", 0)})
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	ctx := context.Background()
	probes := probeSet(benchProbes(), g.Len())
	templates := make([]facedata.Template, len(probes))
	for i := range probes {
		templates[i] = facedata.Template{Descriptor: probes[i], Cohort: cohort.Stats(&probes[i])}
	}
	for b.Loop() {
		b.StopTimer()
		exact := make([][]Candidate, len(templates))
		exactLat := make([]time.Duration, len(templates))
		for i := range templates {
			t0 := time.Now()
			if exact[i], err = g.SearchNormalisedExact(ctx, templates[i], 50, math.Inf(1)); err != nil {
				b.Fatal(err)
			}
			exactLat[i] = time.Since(t0)
		}
		b.StartTimer()
		lat := make([]time.Duration, len(templates))
		recall := 0.0
		cpu0 := processCPU()
		for i := range templates {
			t0 := time.Now()
			got, err := g.SearchNormalised(ctx, templates[i], 50, math.Inf(1))
			lat[i] = time.Since(t0)
			if err != nil {
				b.Fatal(err)
			}
			recall += Recall(got, exact[i])
		}
		cpu := (processCPU() - cpu0) / time.Duration(len(templates))
		b.StopTimer()
		p50, p99 := percentiles(lat)
		e50, e99 := percentiles(exactLat)
		b.ReportMetric(float64(p50.Microseconds())/1000, "p50_ms")
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99_ms")
		b.ReportMetric(float64(cpu.Microseconds())/1000, "cpu_ms/search")
		b.ReportMetric(recall/float64(len(templates)), "recall@50")
		b.ReportMetric(float64(e50.Microseconds())/1000, "exact_p50_ms")
		b.ReportMetric(float64(e99.Microseconds())/1000, "exact_p99_ms")
		b.ReportMetric(float64(g.opts.NormRerank), "normrerank")
		reportMemory(b)
		b.StartTimer()
	}
}
