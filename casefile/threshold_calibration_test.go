package casefile

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// testCalibration is a lab measurement: 12 false matches in 12,000
// non-mated pairs and 3 misses in 60 mated pairs at 0.52.
func testCalibration() ThresholdCalibration {
	return ThresholdCalibration{Threshold: 0.52, Dataset: "people", Model: "descriptor=ab12", TargetFMR: 1e-3,
		FMRErrors: 12, FMRTrials: 12000, FNMRErrors: 3, FNMRTrials: 60,
		MeasuredAt: time.Date(2026, 11, 26, 1, 2, 3, 456, time.FixedZone("CET", 3600))}
}

func TestSetCalibratedThresholdIsStoredAndAudited(t *testing.T) {
	c := newTestCase(t)
	if err := c.SetSettings(Settings{RequireTwoReviewers: true}); err != nil {
		t.Fatal(err)
	}
	before, err := c.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	cal := testCalibration()
	if err := c.SetCalibratedThreshold(cal); err != nil {
		t.Fatal(err)
	}
	p := c.Path()
	c.Close()
	c2, err := Open(p, Options{Actor: "DS Khan"})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	s, err := c2.Settings()
	if err != nil {
		t.Fatal(err)
	}
	want := cal
	want.MeasuredAt = time.Date(2026, 11, 26, 0, 2, 3, 0, time.UTC)
	if !s.RequireTwoReviewers || s.MatchThreshold != 0.52 || s.Calibration != want {
		t.Fatalf("settings after reopening: %+v, want two reviewers kept, threshold 0.52 and %+v", s, want)
	}
	if fmr, ok := s.Calibration.FMR(); !ok || fmr != 1e-3 {
		t.Errorf("FMR = %v, %v; want 0.001", fmr, ok)
	}
	if fnmr, ok := s.Calibration.FNMR(); !ok || fnmr != 0.05 {
		t.Errorf("FNMR = %v, %v; want 0.05", fnmr, ok)
	}
	log, err := c2.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	var change *AuditEntry
	for i := len(before); i < len(log); i++ {
		if log[i].Action == ActionChangeSettings {
			change = &log[i]
		}
	}
	if change == nil {
		t.Fatalf("no %s entry after the calibration", ActionChangeSettings)
	}
	var details struct{ Old, New Settings }
	if err := json.Unmarshal(change.Details, &details); err != nil {
		t.Fatal(err)
	}
	if details.Old.MatchThreshold != 0 || details.New.Calibration != want || change.Actor != "DS Khan" {
		t.Errorf("audit entry %s by %s: old %+v new %+v", change.Details, change.Actor, details.Old, details.New)
	}
	if _, err := c2.VerifyAudit(); err != nil {
		t.Errorf("audit chain after the change: %v", err)
	}
}

func TestSetCalibratedThresholdTwiceRecordsOneChange(t *testing.T) {
	c := newTestCase(t)
	if err := c.SetCalibratedThreshold(testCalibration()); err != nil {
		t.Fatal(err)
	}
	n := len(mustAudit(t, c))
	if err := c.SetCalibratedThreshold(testCalibration()); err != nil {
		t.Fatal(err)
	}
	if got := len(mustAudit(t, c)); got != n {
		t.Errorf("setting the same calibration again added %d audit entries", got-n)
	}
}

func TestSetCalibratedThresholdRefusesBadMeasurements(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*ThresholdCalibration)
		want   string
	}{
		{"zero threshold", func(k *ThresholdCalibration) { k.Threshold = 0 }, "outside"},
		{"threshold too large", func(k *ThresholdCalibration) { k.Threshold = MaxThreshold + 1 }, "outside"},
		{"NaN threshold", func(k *ThresholdCalibration) { k.Threshold = math.NaN() }, "outside"},
		{"no dataset", func(k *ThresholdCalibration) { k.Dataset = "  " }, "not named"},
		{"no non-mated pairs", func(k *ThresholdCalibration) { k.FMRErrors, k.FMRTrials = 0, 0 }, "no non-mated pairs"},
		{"more errors than trials", func(k *ThresholdCalibration) { k.FMRErrors = 12001 }, "false matches"},
		{"negative misses", func(k *ThresholdCalibration) { k.FNMRErrors = -1 }, "false non-matches"},
		{"target of 1", func(k *ThresholdCalibration) { k.TargetFMR = 1 }, "target FMR"},
		{"no time", func(k *ThresholdCalibration) { k.MeasuredAt = time.Time{} }, "time"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cs := newTestCase(t)
			n := len(mustAudit(t, cs))
			cal := testCalibration()
			c.change(&cal)
			err := cs.SetCalibratedThreshold(cal)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want ErrInvalid mentioning %q", err, c.want)
			}
			if s, _ := cs.Settings(); s.MatchThreshold != 0 || s.Calibration != (ThresholdCalibration{}) {
				t.Errorf("refused calibration was stored: %+v", s)
			}
			if got := len(mustAudit(t, cs)); got != n {
				t.Errorf("refused calibration was audited")
			}
		})
	}
}

func TestSetSettingsChecksTheThreshold(t *testing.T) {
	c := newTestCase(t)
	if err := c.SetSettings(Settings{MatchThreshold: 0.55}); err != nil {
		t.Fatalf("a threshold without calibration: %v", err)
	}
	if err := c.SetSettings(Settings{MatchThreshold: -0.1}); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative threshold: %v", err)
	}
	cal := testCalibration()
	cal.MeasuredAt = cal.MeasuredAt.UTC().Truncate(time.Second)
	if err := c.SetSettings(Settings{MatchThreshold: 0.6, Calibration: cal}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "measured at threshold 0.52") {
		t.Errorf("calibration of another threshold: %v", err)
	}
	if s, _ := c.Settings(); s.MatchThreshold != 0.55 {
		t.Errorf("match threshold %v after refused changes, want 0.55", s.MatchThreshold)
	}
}

func TestSettingsWithoutThresholdKeepTheirStoredForm(t *testing.T) {
	raw, err := json.Marshal(Settings{RequireTwoReviewers: true})
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"require_two_reviewers":true}` {
		t.Errorf("settings without a threshold are stored as %s: existing cases and bundles would change", raw)
	}
}

func TestSetCalibratedThresholdReadOnly(t *testing.T) {
	c := newTestCase(t)
	p := c.Path()
	c.Close()
	r, err := Open(p, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.SetCalibratedThreshold(testCalibration()); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only case: %v", err)
	}
}

func mustAudit(t *testing.T, c *Case) []AuditEntry {
	t.Helper()
	log, err := c.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	return log
}

func TestNormalisedCalibrationIsAnOperatingPoint(t *testing.T) {
	c := newTestCase(t)
	cal := testCalibration()
	cal.Threshold, cal.Score = -2.375, "as-norm/in-domain"
	if err := c.SetCalibratedThreshold(cal); err != nil {
		t.Fatal(err)
	}
	s, err := c.Settings()
	if err != nil {
		t.Fatal(err)
	}
	p, ok := s.Calibration.Point()
	if s.MatchThreshold != 0 || !ok || p.TargetFMR != 1e-3 || p.Threshold != -2.375 || !strings.Contains(p.Calibration, "people") {
		t.Fatalf("settings %+v, point %+v %v", s, p, ok)
	}
	noTarget := cal
	noTarget.TargetFMR = 0
	if err := c.SetCalibratedThreshold(noTarget); !errors.Is(err, ErrInvalid) {
		t.Fatalf("normalised calibration without a target FMR: %v", err)
	}
	nan := cal
	nan.Threshold = math.NaN()
	if err := c.SetCalibratedThreshold(nan); !errors.Is(err, ErrInvalid) {
		t.Fatalf("NaN score threshold: %v", err)
	}
	// A distance calibration from before normalisation is no operating point.
	if _, ok := testCalibration().Point(); ok {
		t.Fatal("a distance calibration gave an operating point")
	}
}
