package eval

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"facecase/facedata"
	"facecase/recognition/scorenorm"
)

// TestMeasureFSN prints the measurements behind the decision not to use
// fair score normalisation (FSN, Terhörst et al. 2020) on top of AS-norm
// (docs/fairness.md, "FSN"): label-free k-means clusters of the embedding
// space, each cluster (or each pair of clusters) with its own score offset
// so that its non-mated pairs match at the target FMR, the offsets
// calibrated at each operating point. The clusters and offsets are fitted
// either on the shipped FairFace cohort (its own non-mated pairs, each
// face's statistics without itself) or on the in-domain faces (the data's
// own non-mated pairs, no group label); utkface-dev's labels are used only
// to measure the max/min within-group FMR ratio over its five groups, with
// 95 % bootstrap intervals (faces resampled, thresholds fixed). A split-half
// check fits on one half of utkface-dev and measures on the other. It runs
// only with FACECASE_MEASURE_FAIRNESS=1 (a few minutes).
func TestMeasureFSN(t *testing.T) {
	if os.Getenv("FACECASE_MEASURE_FAIRNESS") == "" {
		t.Skip("set FACECASE_MEASURE_FAIRNESS=1 to measure FSN on utkface-dev (a few minutes)")
	}
	describe, cohort := measureSetup(t)
	utk, ff := describeUTK(t, describe), cohortFaces(cohort)
	targets := []float64{1e-2, 1e-3, 1e-4}
	rawUTK := func(i, j int) float64 { return utk[i].d.Distance(&utk[j].d) }
	dom := cachedScores(len(utk), pairNorm(utk, nil, scorenorm.DefaultK))
	// The shipped cohort: every face's statistics (FairFace faces without
	// themselves), the AS-norm score of utkface-dev's pairs and of the
	// cohort's own pairs (for fitting FSN on it).
	ffStats := leaveOneOutStats(ff, scorenorm.DefaultK)
	utkStats := make([]facedata.CohortStats, len(utk))
	for i := range utk {
		utkStats[i] = knnStats(&utk[i].d, ff, scorenorm.DefaultK, nil)
	}
	shipped := asnormOf(rawUTK, utkStats)
	ffScore := asnormOf(func(i, j int) float64 { return ff[i].d.Distance(&ff[j].d) }, ffStats)

	row := func(name string, score func(fmr float64) func(i, j int) float64, ci bool) {
		var parts []string
		for _, fmr := range targets {
			parts = append(parts, ratioAt(utk, score(fmr), fmr, ci))
		}
		t.Logf("%-44s %s", name, strings.Join(parts, " | "))
	}
	fixed := func(s func(i, j int) float64) func(float64) func(i, j int) float64 {
		return func(float64) func(i, j int) float64 { return s }
	}
	row("raw distance", fixed(rawUTK), true)
	row("AS-norm in-domain K=25 (used until local scaling)", fixed(dom), true)
	// The harness measures what docs/fairness.md records: the raw
	// distance's bias shows (51 at FMR 1e-2), and in-domain AS-norm, the
	// baseline FSN is tried on, is far below it (2.8).
	rawR, _ := measureRatio(utk, rawUTK, 1e-2, false)
	domR, _ := measureRatio(utk, dom, 1e-2, false)
	if !(rawR >= 10) || !(domR < rawR/5) {
		t.Errorf("max/min ratio at FMR 1e-2: raw %.3g, in-domain AS-norm %.3g; want raw >= 10 and AS-norm under a fifth of it", rawR, domR)
	}
	row("AS-norm shipped cohort K=25", fixed(shipped), true)
	for _, mode := range []fsnMode{fsnWithin, fsnAny, fsnPair} {
		for _, k := range []int{5, 10} {
			for seed := uint64(1); seed <= 5; seed++ {
				cent := kmeansCentres(utk, k, seed)
				row(fmt.Sprintf("AS-norm in-domain + FSN in-domain %s k=%d seed %d", mode, k, seed), func(fmr float64) func(i, j int) float64 {
					return fsnScore(utk, dom, cent, fmr, mode).on(utk, dom)
				}, seed == 1)
			}
		}
		for _, k := range []int{3, 5, 8} {
			for seed := uint64(1); seed <= 3; seed++ {
				cent := kmeansCentres(ff, k, seed)
				row(fmt.Sprintf("AS-norm shipped + FSN on the cohort %s k=%d seed %d", mode, k, seed), func(fmr float64) func(i, j int) float64 {
					return fsnScore(ff, ffScore, cent, fmr, mode).on(utk, shipped)
				}, false)
			}
		}
	}
	// Split half: in-domain cohort, clusters and offsets from half A
	// (label-free), measured on half B.
	for split := uint64(1); split <= 4; split++ {
		perm := rand.New(rand.NewPCG(split, 77)).Perm(len(utk))
		var a, b []mface
		for x, i := range perm {
			if x < len(utk)/2 {
				a = append(a, utk[i])
			} else {
				b = append(b, utk[i])
			}
		}
		scoreA := cachedScores(len(a), pairNorm(a, nil, scorenorm.DefaultK))
		statsB := make([]facedata.CohortStats, len(b))
		for i := range b {
			statsB[i] = knnStats(&b[i].d, a, scorenorm.DefaultK, nil)
		}
		scoreB := asnormOf(func(i, j int) float64 { return b[i].d.Distance(&b[j].d) }, statsB)
		var parts []string
		for _, fmr := range targets[:2] {
			parts = append(parts, ratioAt(b, scoreB, fmr, false))
		}
		t.Logf("split %d: AS-norm (cohort A) on B               %s", split, strings.Join(parts, " | "))
		for _, mode := range []fsnMode{fsnAny, fsnPair} {
			for _, k := range []int{5, 10} {
				cent := kmeansCentres(a, k, 1)
				parts = parts[:0]
				for _, fmr := range targets[:2] {
					parts = append(parts, ratioAt(b, fsnScore(a, scoreA, cent, fmr, mode).on(b, scoreB), fmr, false))
				}
				t.Logf("split %d: + FSN fitted on A, %s k=%d        %s", split, mode, k, strings.Join(parts, " | "))
			}
		}
	}
}

// cachedScores keeps every pair's score of n faces.
func cachedScores(n int, score func(i, j int) float64) func(i, j int) float64 {
	c := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			c[i*n+j] = score(i, j)
		}
	}
	return func(i, j int) float64 { return c[min(i, j)*n+max(i, j)] }
}

// leaveOneOutStats are every cohort face's statistics over the others.
func leaveOneOutStats(faces []mface, k int) []facedata.CohortStats {
	st := make([]facedata.CohortStats, len(faces))
	for i := range faces {
		st[i] = knnStats(&faces[i].d, faces, k, func(c mface) bool { return c.id != faces[i].id })
	}
	return st
}

// fsnMode says which non-mated pairs set a cluster's offset.
type fsnMode string

const (
	// fsnWithin: pairs with both faces in the cluster (Terhörst et al.);
	// a pair's offset is the mean of its two clusters'.
	fsnWithin fsnMode = "within"
	// fsnAny: pairs with at least one face in the cluster.
	fsnAny fsnMode = "any"
	// fsnPair: one offset per pair of clusters, from its own pairs.
	fsnPair fsnMode = "pair"
)

// fsnOffsets are the fitted cluster centres and score offsets.
type fsnOffsets struct {
	cent []facedata.Descriptor
	mode fsnMode
	off  []float64 // per cluster, or per pair of clusters (k*k)
}

// fsnScore fits FSN on faces (scored by score) at target fmr: each
// cluster's (or pair of clusters') threshold at fmr over its non-mated
// pairs minus the global one, where it has at least 100 pairs.
func fsnScore(faces []mface, score func(i, j int) float64, cent []facedata.Descriptor, fmr float64, mode fsnMode) fsnOffsets {
	k := len(cent)
	cl := make([]int, len(faces))
	for i := range faces {
		cl[i] = nearestCentre(cent, &faces[i].d)
	}
	var all []float64
	cells := make([][]float64, k*k)
	for i := range faces {
		for j := i + 1; j < len(faces); j++ {
			if faces[i].id == faces[j].id {
				continue
			}
			s := score(i, j)
			all = append(all, s)
			a, b := min(cl[i], cl[j]), max(cl[i], cl[j])
			switch mode {
			case fsnWithin:
				if a == b {
					cells[a] = append(cells[a], s)
				}
			case fsnAny:
				cells[a] = append(cells[a], s)
				if a != b {
					cells[b] = append(cells[b], s)
				}
			case fsnPair:
				cells[a*k+b] = append(cells[a*k+b], s)
			}
		}
	}
	global := quantileAt(all, fmr)
	f := fsnOffsets{cent: cent, mode: mode, off: make([]float64, k*k)}
	for c, s := range cells {
		if len(s) >= 100 {
			f.off[c] = quantileAt(s, fmr) - global
		}
	}
	return f
}

// on scores pairs of faces: score moved by the pair's offset.
func (f fsnOffsets) on(faces []mface, score func(i, j int) float64) func(i, j int) float64 {
	cl := make([]int, len(faces))
	for i := range faces {
		cl[i] = nearestCentre(f.cent, &faces[i].d)
	}
	k := len(f.cent)
	return func(i, j int) float64 {
		a, b := min(cl[i], cl[j]), max(cl[i], cl[j])
		if f.mode == fsnPair {
			return score(i, j) - f.off[a*k+b]
		}
		return score(i, j) - (f.off[a]+f.off[b])/2
	}
}

// quantileAt is the score at or below which a fraction fmr of s lies.
func quantileAt(s []float64, fmr float64) float64 {
	slices.Sort(s)
	return s[max(0, int(fmr*float64(len(s)))-1)]
}

// kmeansCentres are k cluster centres of the faces (Lloyd's algorithm, 50
// rounds, started from k faces drawn with seed).
func kmeansCentres(faces []mface, k int, seed uint64) []facedata.Descriptor {
	r := rand.New(rand.NewPCG(seed, 9))
	cent := make([]facedata.Descriptor, k)
	for i, p := range r.Perm(len(faces))[:k] {
		cent[i] = faces[p].d
	}
	for round := 0; round < 50; round++ {
		sum := make([][facedata.DescriptorSize]float64, k)
		n := make([]int, k)
		for i := range faces {
			c := nearestCentre(cent, &faces[i].d)
			n[c]++
			for j, v := range faces[i].d {
				sum[c][j] += float64(v)
			}
		}
		for c := range cent {
			for j := range cent[c] {
				if n[c] > 0 {
					cent[c][j] = float32(sum[c][j] / float64(n[c]))
				}
			}
		}
	}
	return cent
}

func nearestCentre(cent []facedata.Descriptor, d *facedata.Descriptor) int {
	best, at := math.Inf(1), 0
	for c := range cent {
		if x := d.Distance(&cent[c]); x < best {
			best, at = x, c
		}
	}
	return at
}

// ratioAt is the max/min within-group FMR ratio at the threshold where the
// overall FMR over all non-mated pairs is fmr, the groups' false matches
// (groups in name order) and, with ci, its 95 % bootstrap interval (300
// replicates, faces resampled with the threshold fixed; every utkface-dev
// chip is its own identity).
func ratioAt(faces []mface, score func(i, j int) float64, fmr float64, ci bool) string {
	_, out := measureRatio(faces, score, fmr, ci)
	return out
}

// measureRatio is ratioAt's figure: the ratio itself beside its text.
func measureRatio(faces []mface, score func(i, j int) float64, fmr float64, ci bool) (float64, string) {
	type pair struct {
		i, j int32
		s    float64
	}
	var all []float64
	var within []pair
	for i := range faces {
		for j := i + 1; j < len(faces); j++ {
			if faces[i].id == faces[j].id {
				continue
			}
			s := score(i, j)
			all = append(all, s)
			if faces[i].g == faces[j].g {
				within = append(within, pair{int32(i), int32(j), s})
			}
		}
	}
	th := quantileAt(all, fmr)
	groups := []string{}
	gi := map[string]int{}
	for _, f := range faces {
		if _, ok := gi[f.g]; !ok {
			gi[f.g] = 0
			groups = append(groups, f.g)
		}
	}
	slices.Sort(groups)
	for x, g := range groups {
		gi[g] = x
	}
	ratio := func(w []float64) (float64, []float64) {
		fm, n := make([]float64, len(groups)), make([]float64, len(groups))
		for _, p := range within {
			g, wt := gi[faces[p.i].g], w[p.i]*w[p.j]
			n[g] += wt
			if p.s <= th {
				fm[g] += wt
			}
		}
		lo, hi := math.Inf(1), 0.0
		for g := range fm {
			v := fm[g] / n[g]
			lo, hi = min(lo, v), max(hi, v)
		}
		return hi / lo, fm
	}
	ones := make([]float64, len(faces))
	for i := range ones {
		ones[i] = 1
	}
	r, fm := ratio(ones)
	out := fmt.Sprintf("%g: %5.2f %v", fmr, r, fm)
	if !ci {
		return r, out
	}
	rng := rand.New(rand.NewPCG(5, 5))
	var reps []float64
	w := make([]float64, len(faces))
	for range 300 {
		clear(w)
		for range faces {
			w[rng.IntN(len(faces))]++
		}
		reps = append(reps, func() float64 { v, _ := ratio(w); return v }())
	}
	slices.SortFunc(reps, cmp.Compare[float64])
	return r, out + fmt.Sprintf(" [%.2f, %.2f]", reps[len(reps)*25/1000], reps[len(reps)*975/1000-1])
}
