package casefile

import (
	"sync"
	"testing"

	"facecase/facedata"
	"facecase/recognition/scorenorm"
)

var (
	testCohortOnce sync.Once
	testCohortVal  *scorenorm.Cohort
	testCohortErr  error
)

// testCohort is a score normalisation cohort of 100 random descriptors of
// the size of real ones (strangers about 2 apart), K=10; its calibration
// covers FMR 6e-4 to 0.1. t may be nil (in a crash test's child process).
func testCohort(t testing.TB) *scorenorm.Cohort {
	testCohortOnce.Do(func() {
		rng := newRand(1000)
		descs := make([]facedata.Descriptor, 100)
		for i := range descs {
			descs[i] = randomDescriptor(rng)
		}
		testCohortVal, testCohortErr = scorenorm.New(scorenorm.Info{ID: "test-cohort-v1", K: 10, DescriptorModelSHA256: "test"}, descs)
	})
	if testCohortErr != nil {
		panic(testCohortErr)
	}
	return testCohortVal
}

// templates gives each descriptor its statistics against the test cohort.
func templates(t testing.TB, descs ...facedata.Descriptor) []facedata.Template {
	c := testCohort(t)
	out := make([]facedata.Template, len(descs))
	for i := range descs {
		out[i] = facedata.Template{Descriptor: descs[i], Cohort: c.Stats(&descs[i])}
	}
	return out
}

// testSearch is a search request at FMR 1e-2 with the test cohort.
func testSearch(t testing.TB, p Probe) SearchRequest {
	return SearchRequest{Probe: p, TargetFMR: 1e-2, Cohort: testCohort(t)}
}
