package scorenorm

import (
	"bytes"
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"facecase/facedata"
	"facecase/internal/cputime"
	"facecase/internal/synthdesc"
)

// strangers are n descriptors of different synthetic people.
func strangers(n int, seed uint64) []facedata.Descriptor {
	g := synthdesc.New(synthdesc.Config{Seed: seed})
	out := make([]facedata.Descriptor, n)
	for i := range out {
		out[i] = g.Stranger(i)
	}
	return out
}

func testCohort(t testing.TB, n, k int) *Cohort {
	t.Helper()
	c, err := New(Info{ID: "test-v1", K: k, DescriptorModelSHA256: "ab"}, strangers(n, 7))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSelectFirst(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 500; trial++ {
		n := 1 + r.IntN(60)
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.IntN(12)) // many ties
		}
		k := r.IntN(n + 1)
		want := slices.Clone(v)
		slices.Sort(want)
		selectFirst(v, k, cmp.Compare[float32])
		got := slices.Clone(v[:k])
		slices.Sort(got)
		if !slices.Equal(got, want[:k]) {
			t.Fatalf("n=%d k=%d: first k %v, want %v", n, k, got, want[:k])
		}
	}
}

// TestStatsAreNearestMeanAndDeviation checks Stats against a plain
// computation: sort every distance, take the K smallest.
func TestStatsAreNearestMeanAndDeviation(t *testing.T) {
	c := testCohort(t, 100, 10)
	for _, d := range strangers(20, 99) {
		var ds []float64
		for i := 0; i < c.Size(); i++ {
			x := c.Descriptor(i)
			ds = append(ds, d.Distance(&x))
		}
		slices.Sort(ds)
		var mu, v float64
		for _, x := range ds[:10] {
			mu += x / 10
		}
		for _, x := range ds[:10] {
			v += (x - mu) * (x - mu) / 10
		}
		got := c.Stats(&d)
		if math.Abs(float64(got.Mu)-mu) > 1e-5 || math.Abs(float64(got.Sigma)-math.Sqrt(v)) > 1e-5 {
			t.Fatalf("stats %+v, want mu %.6f sigma %.6f", got, mu, math.Sqrt(v))
		}
		if !got.Valid() {
			t.Fatalf("stats %+v not valid", got)
		}
	}
}

func TestScoreFormula(t *testing.T) {
	a := facedata.CohortStats{Mu: 0.5, Sigma: 0.1}
	b := facedata.CohortStats{Mu: 0.7, Sigma: 0.05}
	// ½[(0.4-0.5)/0.1 + (0.4-0.7)/0.05] = ½[-1 - 6] = -3.5
	if s := Score(0.4, a, b); math.Abs(s+3.5) > 1e-6 {
		t.Fatalf("score %v, want -3.5", s)
	}
	if Score(0.4, a, b) != Score(0.4, b, a) {
		t.Fatal("score is not symmetric")
	}
	// A face with sigma 0 does not divide by zero.
	if s := Score(0.4, facedata.CohortStats{Mu: 0.5}, a); math.IsInf(s, 0) || math.IsNaN(s) {
		t.Fatalf("score %v with sigma 0", s)
	}
}

func TestCalibrationThresholds(t *testing.T) {
	c := testCohort(t, 120, 20)
	cal := c.Calibration()
	if cal.Pairs != 120*119/2 {
		t.Fatalf("%d pairs, want %d", cal.Pairs, 120*119/2)
	}
	if math.Abs(cal.MinFMR-3.0/float64(cal.Pairs)) > 1e-12 || cal.MaxFMR != MaxCalibratedFMR {
		t.Fatalf("range [%v, %v]", cal.MinFMR, cal.MaxFMR)
	}
	if err := cal.valid(); err != nil {
		t.Fatal(err)
	}
	lo, err := cal.Threshold(1e-3)
	if err != nil {
		t.Fatal(err)
	}
	hi, err := cal.Threshold(1e-2)
	if err != nil {
		t.Fatal(err)
	}
	if !(lo < hi) {
		t.Fatalf("threshold at 1e-3 %v not below the one at 1e-2 %v", lo, hi)
	}
	// The thresholds meet their rates on the cohort's own pairs, within
	// the interpolation between neighbouring scores.
	scores := cohortScores(c)
	for _, fmr := range []float64{1e-2, 3e-2, 0.1} {
		th, err := cal.Threshold(fmr)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range scores {
			if s <= th {
				n++
			}
		}
		if got := float64(n) / float64(len(scores)); math.Abs(got-fmr) > 1.5/float64(len(scores))+fmr*0.02 {
			t.Errorf("at FMR %v the threshold %v matches %v of the pairs", fmr, th, got)
		}
	}
	for _, bad := range []float64{0, -1, 1, math.NaN(), cal.MinFMR / 2, 0.2} {
		if _, err := cal.Threshold(bad); !errors.Is(err, ErrUncalibrated) {
			t.Errorf("FMR %v: err %v, want ErrUncalibrated", bad, err)
		}
	}
	if _, err := cal.Threshold(cal.MinFMR); err != nil {
		t.Errorf("the lowest calibrated rate is refused: %v", err)
	}
}

func cohortScores(c *Cohort) []float64 {
	n := c.Size()
	st := make([]facedata.CohortStats, n)
	for i := range st {
		d := c.Descriptor(i)
		st[i] = c.stats(&d, i)
	}
	var out []float64
	for i := 0; i < n; i++ {
		a := c.Descriptor(i)
		for j := i + 1; j < n; j++ {
			b := c.Descriptor(j)
			out = append(out, Score(a.Distance(&b), st[i], st[j]))
		}
	}
	return out
}

func TestFileRoundTrip(t *testing.T) {
	c := testCohort(t, 40, 8)
	raw, err := Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Encode(c)
	if err != nil || !bytes.Equal(raw, again) {
		t.Fatal("encoding is not repeatable")
	}
	back, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if back.Info() != c.Info() || back.Size() != 40 || back.K() != 8 {
		t.Fatalf("decoded %+v", back.Info())
	}
	if !slices.Equal(back.vec, c.vec) || !slices.Equal(back.cal.Points, c.cal.Points) {
		t.Fatal("decoded cohort differs")
	}
}

func TestDecodeRefusesDamage(t *testing.T) {
	c := testCohort(t, 40, 8)
	raw, _ := Encode(c)
	cases := map[string][]byte{
		"empty":      nil,
		"not cohort": []byte("hello world, this is not a cohort"),
		"truncated":  raw[:len(raw)-3],
		"extra":      append(slices.Clone(raw), 0, 0, 0, 0),
		"header":     bytes.Replace(raw, []byte(`"k": 8`), []byte(`"k": 80`), 1),
	}
	nan := slices.Clone(raw)
	copy(nan[len(nan)-4:], []byte{0, 0, 0xc0, 0x7f})
	cases["nan"] = nan
	for name, b := range cases {
		if _, err := Decode(b); !errors.Is(err, ErrBadCohort) {
			t.Errorf("%s: err %v, want ErrBadCohort", name, err)
		}
	}
}

// BenchmarkStats is the cost of one face's cohort statistics against a
// cohort of the shipped one's size (360 faces, K = 25). Target: 0.1 ms. It
// reports the process's CPU time per face beside the wall time, which on a
// loaded machine says more.
func BenchmarkStats(b *testing.B) {
	c := testCohort(b, 360, DefaultK)
	probes := strangers(64, 3)
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		c.Stats(&probes[i%len(probes)])
	}
	if end := cputime.Process(); cpu >= 0 && end >= 0 {
		b.ReportMetric(float64((end-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
	}
}
