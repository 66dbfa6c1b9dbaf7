package casefile

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"facecase/facedata"
	"facecase/recognition/scorenorm"
)

func TestRankCandidatesByNormalisedScore(t *testing.T) {
	rng := newRand(7)
	probe := randomDescriptor(rng)
	labels := map[uint64]string{1: "A", 2: "B", 3: "C", 4: "D"}
	enrol := []Enrolment{
		{ID: 1, SubjectID: 1, Descriptors: []facedata.Descriptor{nearDescriptor(rng, probe, 0.5), nearDescriptor(rng, probe, 0.3)}},
		{ID: 2, SubjectID: 2, Descriptors: []facedata.Descriptor{nearDescriptor(rng, probe, 0.2)}},
		{ID: 3, SubjectID: 3, Descriptors: []facedata.Descriptor{randomDescriptor(rng)}},
		{ID: 4, SubjectID: 1, Descriptors: []facedata.Descriptor{nearDescriptor(rng, probe, 0.45)}},
		{ID: 5, SubjectID: 4, Descriptors: []facedata.Descriptor{randomDescriptor(rng)}},
	}
	co := testCohort(t)
	for i := range enrol {
		for _, d := range enrol[i].Descriptors {
			enrol[i].CohortStats = append(enrol[i].CohortStats, co.Stats(&d))
		}
	}
	gallery, err := watchlistTemplates(enrol, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &watchlistScorer{cohort: co, gallery: gallery, kind: scorenorm.KindShipped}
	point, err := w.point(1e-3, ThresholdCalibration{})
	if err != nil {
		t.Fatal(err)
	}
	pt := templates(t, probe)[0]
	got := w.rank(pt, labels, point, 0)
	if len(got) != 2 {
		t.Fatalf("candidates %+v, want subjects 2 and 1 only (3 and 4 are strangers to the probe)", got)
	}
	if got[0].SubjectID != 2 || got[0].Rank != 1 || got[1].SubjectID != 1 || got[1].Rank != 2 {
		t.Fatalf("order %+v", got)
	}
	if got[1].EnrolmentID != 1 || got[1].DescriptorIndex != 1 || math.Abs(got[1].Distance-0.3) > 1e-4 || got[1].Label != "A" {
		t.Fatalf("best of subject 1: %+v", got[1])
	}
	for _, c := range got {
		g := enrol[c.EnrolmentID-1]
		exact := probe.Distance(&g.Descriptors[c.DescriptorIndex])
		score := scorenorm.Score(exact, pt.Cohort, g.CohortStats[c.DescriptorIndex])
		if c.Distance != exact || c.Score != score || c.Score > point.Threshold {
			t.Fatalf("candidate %+v: distance %v, score %v, threshold %v", c, exact, score, point.Threshold)
		}
	}
	if top := w.rank(pt, labels, point, 1); len(top) != 1 || top[0].SubjectID != 2 {
		t.Fatalf("max 1: %+v", top)
	}
	// Enrolments stored before statistics were computed need a cohort.
	enrol[0].CohortStats = nil
	if _, err := watchlistTemplates(enrol, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("enrolment without statistics and no cohort: %v", err)
	}
	if g, err := watchlistTemplates(enrol, co); err != nil || g[0].t.Cohort != co.Stats(&enrol[0].Descriptors[0]) {
		t.Fatalf("statistics computed for an old enrolment: %+v, %v", g[0].t.Cohort, err)
	}
}

// searchFixture is a case with two enrolled subjects, an evidence item and
// a detection whose face is subject 1 at distance 0.3.
func searchFixture(t *testing.T) (*Case, uint64, Subject, Subject) {
	t.Helper()
	c := newTestCase(t)
	rng := newRand(8)
	ev := addTestEvidence(t, c, "scene.jpg")
	alice, err := c.AddSubject("Alice Example", "known associate")
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := c.AddSubject("Bob Example", "")
	da, db := randomDescriptor(rng), randomDescriptor(rng)
	if _, err := c.Enrol(alice.ID, Provenance{Source: "custody photo 2021-55", Date: "2021-03-04"}, templates(t, da)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Enrol(bob.ID, Provenance{Source: "passport scan"}, templates(t, db, nearDescriptor(rng, db, 0.1))); err != nil {
		t.Fatal(err)
	}
	det := testDetections(rng, ev.ID, 2)
	near := nearDescriptor(rng, da, 0.3)
	det[0].Descriptor, det[0].Cohort = &near, testCohort(t).Stats(&near)
	ids, err := c.AddDetections(context.Background(), det, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, ids[0], alice, bob
}

func TestSearchStoresEverything(t *testing.T) {
	c, detID, alice, _ := searchFixture(t)
	req := testSearch(t, Probe{DetectionID: detID})
	req.Purpose = "identify robber 1"
	rec, err := c.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Candidates) != 1 || rec.Candidates[0].SubjectID != alice.ID || math.Abs(rec.Candidates[0].Distance-0.3) > 1e-4 {
		t.Fatalf("candidates %+v", rec.Candidates)
	}
	want, _ := testCohort(t).Calibration().Point(1e-2)
	if rec.Point != want || rec.Candidates[0].Score > want.Threshold || !strings.Contains(rec.Normalisation, "shipped cohort test-cohort-v1") ||
		rec.WatchlistSize != 2 || rec.WatchlistDescriptors != 3 || rec.WatchlistVersion != 4 ||
		rec.Operator != "DS Khan" || rec.Purpose != "identify robber 1" || rec.Probe.EvidenceID != 1 || rec.Probe.Box == nil {
		t.Fatalf("search record %+v, want operating point %+v", rec, want)
	}
	stored, err := c.SearchRecord(rec.ID)
	if err != nil || stored.Probe.Descriptor != rec.Probe.Descriptor || len(stored.Candidates) != 1 || stored.Point != want {
		t.Fatalf("stored %+v %v", stored, err)
	}
	// The audit entry names the operating point.
	log, err := c.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	last := log[len(log)-1]
	if last.Action != ActionSearch || !strings.Contains(string(last.Details), `"target_fmr":0.01`) || !strings.Contains(string(last.Details), `"score_threshold"`) {
		t.Fatalf("audit entry %s: %s", last.Action, last.Details)
	}
	// No purpose given: the case's purpose is recorded.
	rec2, err := c.Search(context.Background(), testSearch(t, Probe{DetectionID: detID}))
	if err != nil || rec2.Purpose != testInfo().Purpose || len(rec2.Candidates) != 1 {
		t.Fatalf("second search %+v %v", rec2, err)
	}
	noCohort := testSearch(t, Probe{DetectionID: detID})
	noCohort.Cohort = nil
	for _, bad := range []SearchRequest{
		{Probe: Probe{DetectionID: detID}, TargetFMR: -1, Cohort: testCohort(t)},
		{Probe: Probe{DetectionID: detID}, TargetFMR: math.NaN(), Cohort: testCohort(t)},
		{Probe: Probe{DetectionID: detID}, TargetFMR: 1e-6, Cohort: testCohort(t)}, // below the calibrated range
		noCohort,
		testSearch(t, Probe{EvidenceID: 1}),    // zero descriptor
		testSearch(t, Probe{DetectionID: 999}), // unknown
		testSearch(t, Probe{DetectionID: detID, EvidenceID: 5}),
	} {
		if _, err := c.Search(context.Background(), bad); !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) {
			t.Errorf("search %+v: %v", bad, err)
		}
	}
	if all, _ := c.Searches(); len(all) != 2 {
		t.Fatalf("%d searches stored", len(all))
	}
}

func TestReviewRules(t *testing.T) {
	c, detID, alice, bob := searchFixture(t)
	// Bob is a stranger to the probe; a third subject, Carol, is enrolled
	// close enough to be the second candidate.
	carol, err := c.AddSubject("Carol Example", "")
	if err != nil {
		t.Fatal(err)
	}
	probe, err := c.Detection(detID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Enrol(carol.ID, Provenance{Source: "photo"}, templates(t, nearDescriptor(newRand(9), *probe.Descriptor, 0.8))); err != nil {
		t.Fatal(err)
	}
	rec, err := c.Search(context.Background(), testSearch(t, Probe{DetectionID: detID}))
	if err != nil || len(rec.Candidates) != 2 {
		t.Fatalf("search %+v, %v; want Alice and Carol", rec, err)
	}
	status := func() Status {
		t.Helper()
		cr, err := c.CandidateStatus(rec.ID, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		return cr.Status
	}
	if s := status(); s != StatusUnreviewed {
		t.Fatalf("before review: %s", s)
	}
	if err := c.SetSettings(Settings{RequireTwoReviewers: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: alice.ID, Decision: DecisionConfirm, Note: "ear shape"}); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != StatusAwaitingSecondReview {
		t.Fatalf("one confirm of two: %s", s)
	}
	// The same reviewer confirming again does not count twice.
	c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: alice.ID, Decision: DecisionConfirm})
	if s := status(); s != StatusAwaitingSecondReview {
		t.Fatalf("same reviewer twice: %s", s)
	}
	if m, _ := c.ConfirmedMatches(); len(m) != 0 {
		t.Fatal("confirmed with one reviewer")
	}
	c.actor = "DI Osei"
	if _, err := c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: alice.ID, Decision: "confirm"}); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != StatusConfirmed {
		t.Fatalf("two reviewers: %s", s)
	}
	m, _ := c.ConfirmedMatches()
	if len(m) != 1 || m[0].Candidate.SubjectID != alice.ID || m[0].Search.ID != rec.ID {
		t.Fatalf("confirmed matches %+v", m)
	}
	c.actor = "DC Mills"
	c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: alice.ID, Decision: DecisionReject})
	if s := status(); s != StatusDisputed {
		t.Fatalf("confirm and reject: %s", s)
	}
	if _, err := c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: bob.ID, Decision: DecisionConfirm}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("review of bob, who is no candidate: %v", err)
	}
	c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: carol.ID, Decision: DecisionInconclusive})
	if cr, _ := c.CandidateStatus(rec.ID, carol.ID); cr.Status != StatusInconclusive {
		t.Fatalf("inconclusive: %s", cr.Status)
	}
	if _, err := c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: 99, Decision: DecisionConfirm}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("review of a non-candidate: %v", err)
	}
	if _, err := c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: alice.ID, Decision: "maybe"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad decision: %v", err)
	}
	if rs, _ := c.Reviews(rec.ID); len(rs) != 5 {
		t.Fatalf("%d reviews stored", len(rs))
	}
	// One reviewer rule.
	c.SetSettings(Settings{})
	c.actor = "DC Mills"
	c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: alice.ID, Decision: DecisionConfirm})
	if s := status(); s != StatusConfirmed {
		t.Fatalf("one reviewer rule after everyone confirms: %s", s)
	}
}
