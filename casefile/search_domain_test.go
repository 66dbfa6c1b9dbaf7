package casefile

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"facecase/facedata"
	"facecase/recognition/scorenorm"
)

// TestLargeWatchlistIsItsOwnCohort: a watchlist of MinDomainFaces
// descriptors or more scores and calibrates in-domain, and the probe's
// mate among them is still found.
func TestLargeWatchlistIsItsOwnCohort(t *testing.T) {
	c := newTestCase(t)
	rng := newRand(31)
	ev := addTestEvidence(t, c, "scene.jpg")
	var target facedata.Descriptor
	var targetID uint64
	for i := 0; i < scorenorm.MinDomainFaces; i++ {
		s, err := c.AddSubject("subject "+string(rune('A'+i%26))+string(rune('a'+i/26)), "")
		if err != nil {
			t.Fatal(err)
		}
		d := randomDescriptor(rng)
		if i == 17 {
			target, targetID = d, s.ID
		}
		if _, err := c.Enrol(s.ID, Provenance{Source: "photo"}, templates(t, d)); err != nil {
			t.Fatal(err)
		}
	}
	det := testDetections(rng, ev.ID, 1)
	probe := nearDescriptor(rng, target, 0.35)
	det[0].Descriptor, det[0].Cohort = &probe, testCohort(t).Stats(&probe)
	ids, err := c.AddDetections(context.Background(), det, nil)
	if err != nil {
		t.Fatal(err)
	}
	req := testSearch(t, Probe{DetectionID: ids[0]})
	req.TargetFMR = 1e-3
	rec, err := c.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rec.Normalisation, "in-domain") || !strings.HasPrefix(rec.Point.Calibration, "in-domain cohort of 250 faces") {
		t.Fatalf("normalisation %q, calibration %q: want the watchlist's own", rec.Normalisation, rec.Point.Calibration)
	}
	if len(rec.Candidates) != 1 || rec.Candidates[0].SubjectID != targetID {
		t.Fatalf("candidates %+v, want subject %d only", rec.Candidates, targetID)
	}
	// The same face scored without storing a search gives the same
	// candidate and operating point (live alerts).
	before, _ := c.Searches()
	cands, point, err := c.Candidates(context.Background(), facedata.Template{Descriptor: probe, Cohort: det[0].Cohort}, 1e-3, testCohort(t), 0)
	if err != nil || point != rec.Point || len(cands) != 1 || cands[0] != rec.Candidates[0] {
		t.Fatalf("Candidates: %+v %+v %v; want %+v %+v", cands, point, err, rec.Candidates, rec.Point)
	}
	if after, _ := c.Searches(); len(after) != len(before) {
		t.Fatal("Candidates stored a search")
	}
	// A case operating point calibrated on another kind of score is not
	// used; one of this kind, for this FMR, is.
	own := ThresholdCalibration{Threshold: -3.5, Score: scorenorm.KindShipped, Dataset: "lab", TargetFMR: 1e-3,
		FMRErrors: 1, FMRTrials: 1000, MeasuredAt: rec.Time}
	if err := c.SetCalibratedThreshold(own); err != nil {
		t.Fatal(err)
	}
	if again, err := c.Search(context.Background(), req); err != nil || again.Point != rec.Point {
		t.Fatalf("shipped-kind case calibration used for an in-domain search: %+v %v", again.Point, err)
	}
	own.Score = scorenorm.KindDomain
	if err := c.SetCalibratedThreshold(own); err != nil {
		t.Fatal(err)
	}
	again, err := c.Search(context.Background(), req)
	if err != nil || again.Point.Threshold != -3.5 || !strings.HasPrefix(again.Point.Calibration, "case calibration") {
		t.Fatalf("case calibration not used: %+v %v", again.Point, err)
	}
}

func TestEnrolNeedsCohortStatistics(t *testing.T) {
	c := newTestCase(t)
	s, err := c.AddSubject("A", "")
	if err != nil {
		t.Fatal(err)
	}
	d := randomDescriptor(newRand(3))
	if _, err := c.Enrol(s.ID, Provenance{Source: "x"}, []facedata.Template{{Descriptor: d}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("enrolment without statistics: %v", err)
	}
	e, err := c.Enrol(s.ID, Provenance{Source: "x"}, templates(t, d))
	if err != nil || len(e.CohortStats) != 1 || e.Template(0).Cohort != testCohort(t).Stats(&d) {
		t.Fatalf("enrolment %+v %v", e, err)
	}
}

func TestSessionSettingsChangesAreAudited(t *testing.T) {
	c := newTestCase(t)
	a := SessionSettings{Detector: "ssd", VideoDetector: "blazeface", SearchFMR: 1e-4, VerifyFMR: 1e-3}
	b := a
	b.SearchFMR, b.Detector = 1e-3, "hog"
	before, _ := c.AuditLog()
	if err := c.RecordSessionSettings(a, a); err != nil {
		t.Fatal(err)
	}
	if err := c.RecordSessionSettings(a, b); err != nil {
		t.Fatal(err)
	}
	bad := b
	bad.VerifyFMR = 0
	if err := c.RecordSessionSettings(b, bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("settings without a verification FMR: %v", err)
	}
	bad = b
	bad.VideoDetector = "magic"
	if err := c.RecordSessionSettings(b, bad); !errors.Is(err, ErrInvalid) || !errors.Is(err, facedata.ErrUnknownDetector) {
		t.Fatalf("settings with an unknown video detector: %v", err)
	}
	log, _ := c.AuditLog()
	if len(log) != len(before)+1 {
		t.Fatalf("%d new audit entries, want 1 (equal settings record nothing)", len(log)-len(before))
	}
	e := log[len(log)-1]
	var details struct {
		Old, New SessionSettings
		Changed  []string
	}
	if err := json.Unmarshal(e.Details, &details); err != nil {
		t.Fatal(err)
	}
	if e.Action != ActionChangeSessionSettings || e.Actor != "DS Khan" || details.Old != a || details.New != b ||
		strings.Join(details.Changed, ",") != "detector,search operating point" {
		t.Fatalf("audit entry %s by %s: %s", e.Action, e.Actor, e.Details)
	}
	if _, err := c.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
}
