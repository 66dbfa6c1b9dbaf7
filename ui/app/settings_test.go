package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"facecase/casefile"
	"facecase/recognition/scorenorm"
	"facecase/ui/async"
	"facecase/ui/session"
)

// openTestCase makes a case file and shows its window.
func openTestCase(t *testing.T, a *App, path string) *CaseWindow {
	t.Helper()
	s, err := a.CreateCase(context.Background(), casefile.CaseInfo{Number: filepath.Base(path), Title: "settings",
		Investigator: "Det. Flow", Purpose: "test settings", Authorisation: "test"}, path)
	if err != nil {
		t.Fatal(err)
	}
	var cw *CaseWindow
	async.DoAndWait("test show case", func() {
		a.ShowCase(s)
		cw, _ = a.Window(path)
	})
	if cw == nil {
		t.Fatal("no case window")
	}
	return cw
}

func TestSettingsKeepACaseOperatingPoint(t *testing.T) {
	a := newTestApp(t)
	dir := t.TempDir()
	plain := openTestCase(t, a, filepath.Join(dir, "plain.facecase"))
	calibrated := openTestCase(t, a, filepath.Join(dir, "lab.facecase"))
	if err := calibrated.sess.SetCaseThreshold(casefile.ThresholdCalibration{Threshold: -1.5, Score: scorenorm.KindShipped, TargetFMR: 2e-3,
		Dataset: "people", FMRErrors: 1, FMRTrials: 1000, FNMRErrors: 3, FNMRTrials: 100, MeasuredAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}

	// From the start window: every case takes the new settings, but the
	// calibrated case keeps its own operating point.
	a.SetSettings(session.Settings{Detector: "hog", SearchFMR: 5e-4, Reviewer: "Det. Flow"})
	if got := plain.sess.UserSettings(); got.SearchFMR != 5e-4 || got.Detector != "hog" {
		t.Errorf("plain case: %+v, want search FMR 5e-4 and the new detector", got)
	}
	if got := calibrated.sess.UserSettings(); got.SearchFMR != 2e-3 || got.Detector != "hog" {
		t.Errorf("calibrated case: %+v, want its own 2e-3 and the new detector", got)
	}

	// From the calibrated case's own window: the change is that case's,
	// and not every other case's search FMR.
	a.applySettings(session.Settings{Detector: "ssd", SearchFMR: 1e-3, Reviewer: "Det. Flow"}, calibrated)
	if got := calibrated.sess.UserSettings().SearchFMR; got != 1e-3 {
		t.Errorf("calibrated case searches at %v after its own window set 1e-3", got)
	}
	if got := plain.sess.UserSettings(); got.SearchFMR != 5e-4 || got.Detector != "ssd" {
		t.Errorf("plain case: %+v, want search FMR still 5e-4 and detector ssd", got)
	}
	if got := a.Settings().SearchFMR; got != 5e-4 {
		t.Errorf("saved search FMR %v, want 5e-4 (a case's own operating point is not saved for all)", got)
	}
	// Each change reached the cases' audit logs.
	log, err := plain.sess.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	changes := 0
	for _, e := range log {
		if e.Action == casefile.ActionChangeSessionSettings {
			changes++
		}
	}
	if changes != 2 {
		t.Errorf("%d session settings changes audited in the plain case, want 2", changes)
	}
}
