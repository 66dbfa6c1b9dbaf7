package recognition_test

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/recognition/scorenorm"
)

// TestEngineGivesEveryDescriptorItsCohortStats: the statistics are
// computed with the descriptor, against the shipped cohort.
func TestEngineGivesEveryDescriptorItsCohortStats(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	e := testEngine(t)
	c := e.Cohort()
	if c == nil || c.K() != scorenorm.DefaultK {
		t.Fatalf("engine cohort %v", c)
	}
	faces := analyzeFile(t, e, filepath.Join(dir, "two_people.jpg"))
	if len(faces) != 2 {
		t.Fatalf("%d faces", len(faces))
	}
	for _, f := range faces {
		if !f.Cohort.Valid() || f.Cohort != c.Stats(f.Descriptor) {
			t.Errorf("face at %v: statistics %+v, want %+v", f.Box, f.Cohort, c.Stats(f.Descriptor))
		}
		// Real faces sit at dlib distances of about 0.4 to 0.7 from their
		// nearest strangers.
		if f.Cohort.Mu < 0.3 || f.Cohort.Mu > 0.9 || f.Cohort.Sigma <= 0 || f.Cohort.Sigma > 0.2 {
			t.Errorf("face at %v: statistics %+v out of the range of real faces", f.Box, f.Cohort)
		}
	}
}

// TestPeopleFNMRAtFMR1e3 compares mated pairs at the operating points of
// FMR 1e-3 of each score, both calibrated on the shipped cohort's own
// non-mated pairs: normalising must not cost more than 1 percentage point
// of FNMR on faceapi/people.
func TestPeopleFNMRAtFMR1e3(t *testing.T) {
	dir := testenv.SharedData(t, "faceapi/people")
	e := testEngine(t)
	c := e.Cohort()
	// The raw distance's threshold at FMR 1e-3 on the same pairs the
	// normalised score is calibrated on.
	var raw []float64
	for i := 0; i < c.Size(); i++ {
		a := c.Descriptor(i)
		for j := i + 1; j < c.Size(); j++ {
			b := c.Descriptor(j)
			raw = append(raw, a.Distance(&b))
		}
	}
	slices.Sort(raw)
	rawThreshold := raw[int(math.Floor(1e-3*float64(len(raw))))-1]
	point, err := c.Calibration().Point(1e-3)
	if err != nil {
		t.Fatal(err)
	}
	people, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var faces []facedata.Face
	var who []string
	for _, p := range people {
		files, _ := filepath.Glob(filepath.Join(dir, p.Name(), "*.png"))
		for _, f := range files {
			faces = append(faces, cropFace(t, e, f))
			who = append(who, p.Name())
		}
	}
	mated, missRaw, missNorm := 0, 0, 0
	for i := range faces {
		for j := i + 1; j < len(faces); j++ {
			if who[i] != who[j] {
				continue
			}
			mated++
			p := scorenorm.Compare(faces[i].Descriptor, faces[i].Cohort, faces[j].Descriptor, faces[j].Cohort)
			if p.Distance > rawThreshold {
				missRaw++
			}
			if !point.Match(p.Score) {
				missNorm++
			}
		}
	}
	fnmrRaw, fnmrNorm := float64(missRaw)/float64(mated), float64(missNorm)/float64(mated)
	t.Logf("FNMR at FMR 1e-3 on %d mated pairs: raw %.4f (distance <= %.4f), normalised %.4f (%s)", mated, fnmrRaw, rawThreshold, fnmrNorm, point)
	if mated != 80 {
		t.Fatalf("%d mated pairs, want 8 people x 10", mated)
	}
	if fnmrNorm > fnmrRaw+0.01 {
		t.Errorf("normalised FNMR %.4f is worse than raw %.4f + 1 point", fnmrNorm, fnmrRaw)
	}
}
