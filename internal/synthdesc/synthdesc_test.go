package synthdesc

import (
	"math"
	"testing"

	"facecase/facedata"
)

// TestDistanceStatistics checks the calibration against what real dlib
// descriptors show: same person about 0.45 apart, different people about
// 0.8, norm about 1.4.
func TestDistanceStatistics(t *testing.T) {
	g := New(Config{Seed: DefaultSeed})
	const ids = 2000
	faces := make([]facedata.Descriptor, ids*g.ImagesPerIdentity())
	g.Fill(0, faces)
	var same, diff, norm stat
	for i := range faces {
		norm.add(faces[i].Norm())
		for j := i + 1; j < len(faces) && g.IdentityOf(j) == g.IdentityOf(i); j++ {
			same.add(faces[i].Distance(&faces[j]))
		}
		j := (i*7919 + 13) % len(faces)
		if g.IdentityOf(j) != g.IdentityOf(i) {
			diff.add(faces[i].Distance(&faces[j]))
		}
	}
	t.Logf("same person %.3f ± %.3f, different %.3f ± %.3f, norm %.3f ± %.3f",
		same.mean(), same.sd(), diff.mean(), diff.sd(), norm.mean(), norm.sd())
	check := func(what string, got, want, tol float64) {
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %.3f, want %.2f ± %.2f", what, got, want, tol)
		}
	}
	check("mean same-person distance", same.mean(), 0.45, 0.03)
	check("mean different-person distance", diff.mean(), 0.80, 0.03)
	check("mean norm", norm.mean(), 1.4, 0.05)
	// The two distributions overlap a little, as real ones do, but most
	// same-person pairs fall under dlib's 0.6 and most others above it.
	if f := same.below(facedata.SameThreshold); f < 0.9 {
		t.Errorf("only %.2f of same-person pairs under %.1f", f, facedata.SameThreshold)
	}
	if f := diff.below(facedata.SameThreshold); f > 0.05 {
		t.Errorf("%.2f of different-person pairs under %.1f", f, facedata.SameThreshold)
	}
}

func TestDeterministic(t *testing.T) {
	a, b := New(Config{Seed: 1}), New(Config{Seed: 1})
	batch := make([]facedata.Descriptor, 20)
	b.Fill(37, batch)
	for k := range batch {
		if a.Face(37+k) != batch[k] {
			t.Fatalf("face %d differs between Face and Fill", 37+k)
		}
	}
	if a.Probe(3, 0) == a.Probe(3, 1) || a.Probe(3, 0) == a.Face(15) {
		t.Error("probes repeat enrolled faces or each other")
	}
	if New(Config{Seed: 2}).Face(0) == a.Face(0) {
		t.Error("different seeds give the same face")
	}
	p := a.Probe(4, 0)
	own := a.Face(4 * a.ImagesPerIdentity())
	stranger := a.Stranger(0)
	if p.Distance(&own) >= p.Distance(&stranger) {
		t.Errorf("probe is closer to a stranger (%.2f) than to its own face (%.2f)", p.Distance(&stranger), p.Distance(&own))
	}
}

type stat struct{ v []float64 }

func (s *stat) add(x float64) { s.v = append(s.v, x) }
func (s *stat) mean() float64 {
	var t float64
	for _, x := range s.v {
		t += x
	}
	return t / float64(len(s.v))
}
func (s *stat) sd() float64 {
	m, t := s.mean(), 0.0
	for _, x := range s.v {
		t += (x - m) * (x - m)
	}
	return math.Sqrt(t / float64(len(s.v)))
}
func (s *stat) below(th float64) float64 {
	n := 0
	for _, x := range s.v {
		if x < th {
			n++
		}
	}
	return float64(n) / float64(len(s.v))
}
