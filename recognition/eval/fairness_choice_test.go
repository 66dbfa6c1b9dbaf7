package eval

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/models"
	"facecase/recognition"
	"facecase/recognition/scorenorm"
)

// TestMeasureNormalisationChoices prints the measurements behind the
// choices of package scorenorm (docs/fairness.md): the
// max/min within-group FMR ratio on utkface-dev at overall FMR 1e-2, 1e-3
// and 1e-4 for the raw distance, AS-norm with the shipped cohort, with the
// data's own faces (in-domain) and with both, for several K and in-domain
// cohort sizes (FSN: TestMeasureFSN);
// the shipped calibration's FMR on this data; and what a cohort holding a
// face's mates does to mated pairs (faceapi/people). It takes a few
// minutes, so it runs only with FACECASE_MEASURE_FAIRNESS=1.
func TestMeasureNormalisationChoices(t *testing.T) {
	if os.Getenv("FACECASE_MEASURE_FAIRNESS") == "" {
		t.Skip("set FACECASE_MEASURE_FAIRNESS=1 to measure the normalisation choices on utkface-dev (a few minutes)")
	}
	peopleDir := testenv.SharedData(t, "faceapi/people")
	describe, cohort := measureSetup(t)
	utk, ff := describeUTK(t, describe), cohortFaces(cohort)
	peopleDS, err := ReadFolders(peopleDir)
	if err != nil {
		t.Fatal(err)
	}
	people := describe(peopleDS)
	t.Logf("utkface-dev %d chips, faceapi/people %d, shipped cohort %d faces", len(utk), len(people), len(ff))
	targets := []float64{1e-2, 1e-3, 1e-4}
	raw := func(i, j int) float64 { return utk[i].d.Distance(&utk[j].d) }
	report := func(name string, score func(i, j int) float64) {
		t.Logf("%-44s %s", name, groupRatios(utk, score, targets))
	}
	report("raw distance", raw)
	for _, k := range []int{10, 25, 50, 100, len(ff)} {
		st := make([]facedata.CohortStats, len(utk))
		for i := range utk {
			st[i] = knnStats(&utk[i].d, ff, k, nil)
		}
		report(fmt.Sprintf("AS-norm, shipped cohort, K=%d", k), asnormOf(raw, st))
	}
	for _, k := range []int{10, 25, 50, 100} {
		report(fmt.Sprintf("AS-norm, in-domain, K=%d", k), pairNorm(utk, nil, k))
	}
	for _, k := range []int{scorenorm.DomainK, 2, 3} {
		report(fmt.Sprintf("local scaling, in-domain (scorenorm.Domain), k=%d", k), domainScore(utk, k))
	}
	for _, k := range []int{10, 50} {
		report(fmt.Sprintf("AS-norm, in-domain + shipped, K=%d", k), pairNorm(utk, ff, k))
	}
	for _, m := range []int{50, 100, 200, 400} {
		for draw := uint64(0); draw < 2; draw++ {
			perm := rand.New(rand.NewPCG(uint64(m), draw)).Perm(len(utk))
			sub := make([]mface, m)
			for x, i := range perm[:m] {
				sub[x] = utk[i]
			}
			st := make([]facedata.CohortStats, len(utk))
			for i := range utk {
				st[i] = knnStats(&utk[i].d, sub, scorenorm.DefaultK, func(c mface) bool { return c.id != utk[i].id })
			}
			report(fmt.Sprintf("AS-norm, in-domain cohort of %d (draw %d), K=%d", m, draw+1, scorenorm.DefaultK), asnormOf(raw, st))
		}
	}
	// FSN, alone and after AS-norm: TestMeasureFSN.

	// The shipped calibration on this data: the FMR its thresholds give.
	st := make([]facedata.CohortStats, len(utk))
	for i := range utk {
		st[i] = cohort.Stats(&utk[i].d)
	}
	for _, fmr := range targets {
		th, err := cohort.Calibration().Threshold(fmr)
		if err != nil {
			t.Fatal(err)
		}
		n, fm := 0, 0
		for i := range utk {
			for j := i + 1; j < len(utk); j++ {
				n++
				if scorenorm.Score(raw(i, j), st[i], st[j]) <= th {
					fm++
				}
			}
		}
		t.Logf("shipped calibration, FMR %g: score <= %.3f gives FMR %.2e on utkface-dev", fmr, th, float64(fm)/float64(n))
	}

	// Mated pairs: utkface-dev with faceapi/people (8 people x 5) as one
	// in-domain cohort; FNMR of people's pairs at overall FMR 1e-3, the
	// cohort leaving out the compared identities or only the faces.
	all := append(append([]mface{}, utk...), people...)
	rawAll := func(i, j int) float64 { return all[i].d.Distance(&all[j].d) }
	t.Logf("mated pairs, local scaling in-domain (scorenorm.Domain, k=%d), FNMR at FMR 1e-3: raw %s, normalised %s",
		scorenorm.DomainK, fnmrAt1e3(all, rawAll), fnmrAt1e3(all, domainScore(all, scorenorm.DomainK)))
	for _, leaveIdentities := range []bool{true, false} {
		score := pairNorm(all, nil, scorenorm.DefaultK)
		if !leaveIdentities {
			st := make([]facedata.CohortStats, len(all))
			for i := range all {
				st[i] = knnStats(&all[i].d, all, scorenorm.DefaultK, func(c mface) bool { return c.d != all[i].d })
			}
			score = asnormOf(rawAll, st)
		}
		t.Logf("mated pairs, AS-norm K=25, cohort leaving out %-10s FNMR at FMR 1e-3: raw %s, normalised %s",
			map[bool]string{true: "identities", false: "faces only"}[leaveIdentities], fnmrAt1e3(all, rawAll), fnmrAt1e3(all, score))
	}
}

// measureSetup skips unless the measurement data and models are
// installed, and returns a function describing a dataset's chips with the
// engine (closed when the test ends) and the shipped cohort.
func measureSetup(t *testing.T) (func(*Dataset) []mface, *scorenorm.Cohort) {
	testenv.SharedData(t, "utkface-dev")
	testenv.Model(t, "descriptor")
	e, err := recognition.NewEngine(recognition.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	cohort, err := models.LoadCohort()
	if err != nil {
		t.Fatal(err)
	}
	emb := cropEmbedder{e}
	// FACECASE_MEASURE_CACHE names a descriptor cache file (outside the
	// repository), so repeated measurements describe the chips once.
	var cache *Cache
	if path := os.Getenv("FACECASE_MEASURE_CACHE"); path != "" {
		if cache, err = OpenCache(path); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cache.Close() })
	}
	return func(ds *Dataset) []mface {
		en, err := Enrol(context.Background(), ds, emb, cache, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []mface
		for i, st := range en.Status {
			if st == StatusEnrolled {
				g := ""
				if len(ds.Samples[i].Groups) > 0 {
					g = ds.Samples[i].Groups[0]
				}
				out = append(out, mface{id: ds.Samples[i].Identity, g: g, d: en.Descriptors[i]})
			}
		}
		return out
	}, cohort
}

// describeUTK describes utkface-dev's chips, grouped by race.
func describeUTK(t *testing.T, describe func(*Dataset) []mface) []mface {
	ds, err := ReadManifest(filepath.Join(testenv.SharedData(t, "utkface-dev"), "labels.csv"), []string{"race"})
	if err != nil {
		t.Fatal(err)
	}
	return describe(ds)
}

// cohortFaces are the shipped cohort's faces, each its own identity.
func cohortFaces(cohort *scorenorm.Cohort) []mface {
	var ff []mface
	for i := 0; i < cohort.Size(); i++ {
		ff = append(ff, mface{id: fmt.Sprint("ff", i), d: cohort.Descriptor(i)})
	}
	return ff
}

// mface is one described face: identity, group and descriptor.
type mface struct {
	id, g string
	d     facedata.Descriptor
}

// knnStats are the statistics of d over the k nearest cohort faces keep
// accepts (all when keep is nil).
func knnStats(d *facedata.Descriptor, cohort []mface, k int, keep func(mface) bool) facedata.CohortStats {
	var ds []float64
	for _, c := range cohort {
		if keep == nil || keep(c) {
			ds = append(ds, d.Distance(&c.d))
		}
	}
	slices.Sort(ds)
	ds = ds[:min(k, len(ds))]
	var mu, v float64
	for _, x := range ds {
		mu += x / float64(len(ds))
	}
	for _, x := range ds {
		v += (x - mu) * (x - mu) / float64(len(ds))
	}
	return facedata.CohortStats{Mu: float32(mu), Sigma: float32(math.Sqrt(v))}
}

func asnormOf(raw func(i, j int) float64, st []facedata.CohortStats) func(i, j int) float64 {
	return func(i, j int) float64 { return scorenorm.Score(raw(i, j), st[i], st[j]) }
}

// pairNorm is in-domain AS-norm as scorenorm.Domain computed it before
// local scaling replaced it (each side leaves out both faces' identities),
// with extra cohort faces added.
func pairNorm(faces, extra []mface, k int) func(i, j int) float64 {
	pool := append(append([]mface{}, faces...), extra...)
	all := make([]bool, len(pool))
	for i := range all {
		all[i] = true
	}
	return normalise(distances(pool, nil), pool, all, k, meanStd, zCombine).at
}

// domainScore is the in-domain score scorenorm.Domain gives (local
// scaling over the k nearest faces, each side leaving out both faces'
// identities).
func domainScore(faces []mface, k int) func(i, j int) float64 {
	descs := make([]facedata.Descriptor, 0, len(faces))
	ids := make([]int64, 0, len(faces))
	index := map[string]int64{}
	for _, f := range faces {
		if _, ok := index[f.id]; !ok {
			index[f.id] = int64(len(index))
		}
		descs = append(descs, f.d)
		ids = append(ids, index[f.id])
	}
	dom, err := scorenorm.NewDomain(context.Background(), descs, ids, k)
	if err != nil {
		panic(err)
	}
	return func(i, j int) float64 { return dom.PairScore(i, j, faces[i].d.Distance(&faces[j].d)) }
}

// groupRatios is the max/min within-group FMR ratio (and the groups'
// false matches) at each overall FMR.
func groupRatios(faces []mface, score func(i, j int) float64, targets []float64) string {
	type pair struct {
		s    float64
		g    string
		same bool
	}
	var ps []pair
	var all []float64
	for i := range faces {
		for j := i + 1; j < len(faces); j++ {
			if faces[i].id != faces[j].id {
				s := score(i, j)
				ps = append(ps, pair{s, faces[i].g, faces[i].g == faces[j].g})
				all = append(all, s)
			}
		}
	}
	slices.Sort(all)
	var parts []string
	for _, fmr := range targets {
		th := all[max(0, int(fmr*float64(len(all)))-1)]
		fm, n := map[string]int{}, map[string]int{}
		for _, p := range ps {
			if p.same {
				n[p.g]++
				if p.s <= th {
					fm[p.g]++
				}
			}
		}
		var groups []string
		for g := range n {
			groups = append(groups, g)
		}
		slices.Sort(groups)
		lo, hi := math.Inf(1), 0.0
		var counts []string
		for _, g := range groups {
			v := float64(fm[g]) / float64(n[g])
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			counts = append(counts, fmt.Sprint(fm[g]))
		}
		parts = append(parts, fmt.Sprintf("%g: %6.2f [%s]", fmr, hi/lo, strings.Join(counts, " ")))
	}
	return strings.Join(parts, " | ")
}

// fnmrAt1e3 is the FNMR of the mated pairs at the threshold where the
// non-mated pairs' FMR is 1e-3.
func fnmrAt1e3(faces []mface, score func(i, j int) float64) string {
	var nm, m []float64
	for i := range faces {
		for j := i + 1; j < len(faces); j++ {
			if faces[i].id == faces[j].id {
				m = append(m, score(i, j))
			} else {
				nm = append(nm, score(i, j))
			}
		}
	}
	slices.Sort(nm)
	th := nm[int(1e-3*float64(len(nm)))-1]
	miss := 0
	for _, s := range m {
		if s > th {
			miss++
		}
	}
	return fmt.Sprintf("%d/%d", miss, len(m))
}
