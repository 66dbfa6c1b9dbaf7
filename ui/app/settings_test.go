package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"facecase/casefile"
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

func TestSettingsKeepACaseDefaultThreshold(t *testing.T) {
	a := newTestApp(t)
	dir := t.TempDir()
	plain := openTestCase(t, a, filepath.Join(dir, "plain.facecase"))
	calibrated := openTestCase(t, a, filepath.Join(dir, "lab.facecase"))
	if err := calibrated.sess.SetCaseThreshold(casefile.ThresholdCalibration{Threshold: 0.52, Dataset: "people",
		FMRErrors: 1, FMRTrials: 1000, FNMRErrors: 3, FNMRTrials: 100, MeasuredAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}

	// From the start window: every case takes the new settings, but the
	// calibrated case keeps its own threshold.
	a.SetSettings(session.Settings{Detector: "hog", Threshold: 0.55, Reviewer: "Det. Flow"})
	if got := plain.sess.UserSettings(); got.Threshold != 0.55 || got.Detector != "hog" {
		t.Errorf("plain case: %+v, want threshold 0.55 and the new detector", got)
	}
	if got := calibrated.sess.UserSettings(); got.Threshold != 0.52 || got.Detector != "hog" {
		t.Errorf("calibrated case: %+v, want its own 0.52 and the new detector", got)
	}

	// From the calibrated case's own window: the change is that case's,
	// and not every other case's threshold.
	a.applySettings(session.Settings{Detector: "ssd", Threshold: 0.5, Reviewer: "Det. Flow"}, calibrated)
	if got := calibrated.sess.UserSettings().Threshold; got != 0.5 {
		t.Errorf("calibrated case searches at %v after its own window set 0.5", got)
	}
	if got := plain.sess.UserSettings(); got.Threshold != 0.55 || got.Detector != "ssd" {
		t.Errorf("plain case: %+v, want threshold still 0.55 and detector ssd", got)
	}
	if got := a.Settings().Threshold; got != 0.55 {
		t.Errorf("saved threshold %v, want 0.55 (a case's own threshold is not saved for all)", got)
	}
}
