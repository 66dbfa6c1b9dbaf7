package session

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"facecase/casefile"
	"facecase/internal/testenv"
	"facecase/progress"
	"facecase/recognition/eval"
	"facecase/recognition/scorenorm"
)

// labPeople labels four identities of faceapi/people by sex.
var labPeople = map[string]string{"amy": "f", "bernadette": "f", "howard": "m", "leonard": "m"}

// labPeopleManifest writes a manifest of 4 identities x 5 crops of the
// shared faceapi/people folder (skipping the test, with the folder named,
// when it is absent), plus a row naming a missing file.
func labPeopleManifest(t *testing.T) string {
	t.Helper()
	people := testenv.SharedData(t, "faceapi/people")
	lines := []string{"path,identity,sex"}
	for id, sex := range labPeople {
		files, err := filepath.Glob(filepath.Join(people, id, "*.png"))
		if err != nil || len(files) != 5 {
			t.Fatalf("%s: %d crops (%v), want 5", id, len(files), err)
		}
		for _, f := range files {
			lines = append(lines, f+","+id+","+sex)
		}
	}
	lines = append(lines, filepath.Join(people, "amy", "missing.png")+",amy,f")
	m := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(m, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return m
}

func summaryJSON(t *testing.T, s *eval.Summary) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := eval.WriteSummaryJSON(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRunLabMatchesEval runs a small evaluation on real faces through the
// session and checks it against recognition/eval run directly on the same
// data, then makes the calibrated threshold the case default.
func TestRunLabMatchesEval(t *testing.T) {
	manifest := labPeopleManifest(t)
	s := newTestSession(t)
	const target = 0.01
	req := LabRequest{Kind: LabManifest, Dataset: manifest, Groups: []string{"sex"}, Threshold: 0.6, TargetFMR: target,
		Bootstrap: 100, ReportRoot: filepath.Join(t.TempDir(), "reports"), Cache: filepath.Join(t.TempDir(), "cache.db")}
	var mu sync.Mutex
	seen := map[string]bool{}
	out, err := s.RunLab(context.Background(), req, progress.Func(func(u progress.Update) {
		mu.Lock()
		seen[u.Stage] = true
		mu.Unlock()
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, stage := range []string{"read dataset", "enrol", "score", "plots", "write report"} {
		if !seen[stage] {
			t.Errorf("no progress reported for %q", stage)
		}
	}

	// The same evaluation straight through recognition/eval, without the
	// cache: every descriptor is computed again.
	ds, err := eval.ReadManifest(manifest, []string{"sex"})
	if err != nil {
		t.Fatal(err)
	}
	emb, err := eval.NewEngineEmbedder(eval.EngineConfig{Detector: s.UserSettings().Detector})
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	cfg := eval.DefaultConfig()
	cfg.Threshold, cfg.TargetFMRs, cfg.Bootstrap = 0.6, []float64{target}, 100
	cohort, err := Cohort()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Normalizer = scorenorm.LabNormalizer{Cohort: cohort}
	direct, err := eval.Run(context.Background(), ds, emb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, want := summaryJSON(t, &out.Result.Summary), summaryJSON(t, &direct.Summary)
	if !bytes.Equal(got, want) {
		t.Fatalf("the session's summary differs from eval's:\n%s\n---\n%s", got, want)
	}
	written, err := os.ReadFile(filepath.Join(out.ReportDir, eval.SummaryFile))
	if err != nil || !bytes.Equal(written, want) {
		t.Errorf("summary.json of the report (%v) differs from eval's", err)
	}
	if _, err := os.Stat(filepath.Join(out.ReportDir, eval.ReportFile)); err != nil {
		t.Errorf("report.html: %v", err)
	}
	sm := &out.Result.Summary
	if out.Dataset != "people.csv" || sm.Dataset.Images != 20 || sm.Verification.MatedPairs == 0 || sm.Verification.NonMatedPairs == 0 ||
		out.Result.Dataset.Skipped.Count(eval.SkipMissingFile) != 1 || len(sm.Groups) != 1 || len(sm.Groups[0].Groups) != 2 {
		t.Fatalf("unexpected evaluation of people: dataset %q, %+v, %+v, groups %+v", out.Dataset, sm.Dataset, sm.Verification, sm.Groups)
	}
	// The report's plots, in its order: each drawn as eval draws it, or
	// eval's reason why there is nothing to draw.
	if len(out.Plots) != 3+2+2+2 || out.Plots[0].Title != "DET curve" || out.Plots[2].Title != "Score distributions" ||
		out.Plots[7].Title != "DET raw and normalised: sex" {
		t.Fatalf("plots: %d, first %q", len(out.Plots), out.Plots[0].Title)
	}
	for _, p := range out.Plots {
		if (p.Image == nil) == (p.Note == "") {
			t.Errorf("plot %q: image %v, note %q; want exactly one", p.Title, p.Image != nil, p.Note)
		}
	}
	scores, err := direct.PlotScores(eval.OverallColumn, eval.OverallColumn)
	if err != nil || !bytes.Equal(out.Plots[2].PNG, scores) || out.Plots[2].Image == nil {
		t.Errorf("the score plot differs from eval's (%v)", err)
	}
	if _, err := direct.PlotDET(eval.OverallColumn); (err == nil) != (out.Plots[0].Image != nil) {
		t.Errorf("DET plot: eval says %v, the session has an image: %v", err, out.Plots[0].Image != nil)
	}

	// The raw and normalised scores are compared (20 faces: the shipped
	// cohort normalises).
	if f := sm.Fairness; f == nil || f.Score != scorenorm.KindShipped || len(f.Points) != 3 {
		t.Fatalf("fairness %+v", sm.Fairness)
	}
	// Too few pairs for FMR 1e-3 on 20 faces: refused with the reason.
	if _, err := LabCalibration(out, 1e-3); !errors.Is(err, eval.ErrTooFewPairs) {
		t.Fatalf("calibration at 1e-3 on 20 faces: %v", err)
	}
	// A calibrated normalised threshold becomes the case's operating
	// point, with its rates, and the session searches at its FMR.
	const caseFMR = 0.05
	th, fmr, fnmr, err := out.Result.NormalisedThreshold(caseFMR)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := LabCalibration(out, caseFMR)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Threshold != th || cal.Score != scorenorm.KindShipped || cal.TargetFMR != caseFMR || cal.FMRErrors != fmr.Errors ||
		cal.FMRTrials != fmr.Trials || cal.FNMRErrors != fnmr.Errors || cal.FNMRTrials != fnmr.Trials {
		t.Errorf("calibration record %+v does not carry eval's threshold %v and rates %v, %v", cal, th, fmr, fnmr)
	}
	if err := s.SetCaseThreshold(cal); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := cs.Calibration.Point(); !ok || p.Threshold != th || cs.Calibration.Dataset != "people.csv" || s.UserSettings().SearchFMR != caseFMR {
		t.Errorf("after applying: case %+v, session search FMR %v", cs, s.UserSettings().SearchFMR)
	}
}

func TestRunLabRefusesAReportInsideTheDataset(t *testing.T) {
	s := newTestSession(t)
	root := t.TempDir()
	_, err := s.RunLab(context.Background(), LabRequest{Kind: LabFolders, Dataset: root, Threshold: 0.6, TargetFMR: 1e-3,
		ReportRoot: filepath.Join(root, "reports")}, nil)
	if err == nil || !strings.Contains(err.Error(), "inside the dataset") {
		t.Fatalf("err = %v, want a report folder inside the dataset refused", err)
	}
}

func TestRunLabBadDatasets(t *testing.T) {
	s := newTestSession(t)
	wrong := filepath.Join(t.TempDir(), "wrong.csv")
	if err := os.WriteFile(wrong, []byte("file,who\na.png,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		req  LabRequest
		want error
	}{
		{LabRequest{Kind: LabFolders, Dataset: t.TempDir()}, eval.ErrEmptyDataset},
		{LabRequest{Kind: LabManifest, Dataset: wrong}, eval.ErrManifestColumns},
	} {
		c.req.Threshold, c.req.TargetFMR = 0.6, 1e-3
		if _, err := s.RunLab(context.Background(), c.req, nil); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.req.Dataset, err, c.want)
		}
	}
}

func TestRunLabCancelledWritesNothing(t *testing.T) {
	manifest := labPeopleManifest(t)
	s := newTestSession(t)
	reports := filepath.Join(t.TempDir(), "reports")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.RunLab(ctx, LabRequest{Kind: LabManifest, Dataset: manifest, Threshold: 0.6, TargetFMR: 1e-3,
		ReportRoot: reports, Cache: filepath.Join(t.TempDir(), "cache.db")}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(reports); len(entries) != 0 {
		t.Errorf("a cancelled run left %d report folders", len(entries))
	}
}

func TestCaseOperatingPointIsUsedWhenTheCaseOpensAgain(t *testing.T) {
	s := newTestSession(t)
	cal := casefile.ThresholdCalibration{Threshold: -1.75, Score: scorenorm.KindShipped, TargetFMR: 1e-3, Dataset: "people.csv",
		FMRErrors: 1, FMRTrials: 1000, FNMRErrors: 2, FNMRTrials: 40, MeasuredAt: time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)}
	if err := s.SetCaseThreshold(cal); err != nil {
		t.Fatal(err)
	}
	p := s.Path()
	s.Close()
	again, err := Open(p, s.engines, Settings{Reviewer: "Det. Test"})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got := again.UserSettings().SearchFMR; got != scorenorm.DefaultSearchFMR {
		t.Fatalf("search FMR before applying the case's: %v", got)
	}
	used, err := again.UseCaseOperatingPoint()
	if err != nil || !used || again.UserSettings().SearchFMR != 1e-3 {
		t.Fatalf("UseCaseOperatingPoint = %v, %v; search FMR %v, want the case's 1e-3", used, err, again.UserSettings().SearchFMR)
	}
	log, err := again.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range log {
		if e.Action == casefile.ActionChangeSettings {
			var d struct{ New casefile.Settings }
			found = json.Unmarshal(e.Details, &d) == nil && d.New.Calibration.Dataset == "people.csv"
		}
	}
	if !found {
		t.Error("the case default was not recorded in the audit log")
	}
	// Taking the case's operating point changed the session's: audited.
	if e := log[len(log)-1]; e.Action != casefile.ActionChangeSessionSettings || !strings.Contains(string(e.Details), `"search_fmr":0.001`) {
		t.Errorf("last audit entry %s %s, want the session's change of operating point", e.Action, e.Details)
	}
}

// TestSettingsRefuseUncalibratedRates: an operating point outside the
// cohort's calibrated range is refused with the reason, and nothing
// changes; a valid change of detector or operating point is audited.
func TestSettingsRefuseUncalibratedRates(t *testing.T) {
	s := newTestSession(t)
	st := s.UserSettings()
	for _, bad := range []float64{1e-7, 0.5} {
		b := st
		b.SearchFMR = bad
		err := s.SetUserSettings(b)
		if !errors.Is(err, scorenorm.ErrUncalibrated) || !strings.Contains(err.Error(), "watchlist search operating point") {
			t.Errorf("search FMR %g: %v", bad, err)
		}
	}
	if got := s.UserSettings(); got != st {
		t.Fatalf("settings changed by refused values: %+v", got)
	}
	before, _ := s.AuditLog()
	ok := st
	ok.VerifyFMR, ok.Detector = 1e-2, "hog"
	if err := s.SetUserSettings(ok); err != nil {
		t.Fatal(err)
	}
	log, _ := s.AuditLog()
	if len(log) != len(before)+1 || log[len(log)-1].Action != casefile.ActionChangeSessionSettings ||
		!strings.Contains(string(log[len(log)-1].Details), `"changed":["detector","verification operating point"]`) {
		t.Fatalf("audit after a change: %d new entries, last %s", len(log)-len(before), log[len(log)-1].Details)
	}
	p, err := s.VerifyPoint()
	if err != nil || p.TargetFMR != 1e-2 {
		t.Fatalf("verification point %+v %v", p, err)
	}
}
