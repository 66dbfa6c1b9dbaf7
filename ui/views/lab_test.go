package views

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/recognition/eval"
	"facecase/recognition/scorenorm"
	"facecase/ui/async"
	"facecase/ui/internal/uitest"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

func newLab(t *testing.T, f *fakeLab) (*LabView, *widgets.TaskBar, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	tasks := widgets.NewTaskBar()
	v := NewLabView(context.Background(), w, f, tasks)
	w.SetContent(container.NewBorder(nil, tasks, nil, nil, v.Content()))
	w.Resize(fyne.NewSize(1200, 900))
	t.Cleanup(w.Close)
	return v, tasks, w
}

// labManifest writes 8 identities x 4 photos (the first four identities
// sex f, the others m) and a manifest of them, with one photo without a
// face and one row naming a missing file.
func labManifest(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	photos := map[string]string{} // relative path: content
	rows := []string{"path,identity,sex"}
	for i, id := range []string{"ada", "bo", "cy", "di", "ed", "fin", "gus", "hal"} {
		sex := "m"
		if i < 4 {
			sex = "f"
		}
		for n := 1; n <= 4; n++ {
			rel := fmt.Sprintf("%s/%d.jpg", id, n)
			photos[rel] = "photo " + rel
			rows = append(rows, fmt.Sprintf("%s,%s,%s", rel, id, sex))
		}
	}
	photos["hal/4.jpg"] = "blank: no face"
	rows = append(rows, "ada/9.jpg,ada,f")
	photos["labels.csv"] = strings.Join(rows, "\n") + "\n"
	for rel, content := range photos {
		p := filepath.Join(root, filepath.FromSlash(rel))
		err := os.MkdirAll(filepath.Dir(p), 0o755)
		if err == nil {
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(root, "labels.csv")
}

// labEventually polls cond (read under the UI lock) until it holds.
func labEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitUntil(t, what, cond)
}

func TestLabRunShowsResultsAndSetsTheCaseThreshold(t *testing.T) {
	f := newFakeLab(t)
	v, tasks, w := newLab(t, f)
	manifest := labManifest(t)
	reports := t.TempDir()
	v.kind.SetSelected(LabKindManifest)
	if v.groups.Disabled() || !v.images.Disabled() {
		t.Fatal("a manifest needs group columns and no pairs images")
	}
	if v.targetFMR.Text != "0.001" || v.threshold.Text != "0.6" {
		t.Fatalf("defaults: target FMR %q, threshold %q; want 0.001 and dlib's 0.6", v.targetFMR.Text, v.threshold.Text)
	}
	v.dataset.SetText(manifest)
	v.groups.SetText("sex")
	v.targetFMR.SetText("0.05")
	v.reportFolder.SetText(reports)
	test.Tap(v.runButton)

	labEventually(t, "progress in the task bar", func() bool {
		return tasks.Visible() && strings.Contains(visibleText(tasks), "enrol 3/32 images")
	})
	async.Locked(func() {
		if !v.runButton.Disabled() {
			t.Error("Run stays enabled while a run is under way")
		}
	})
	close(f.gate)
	labEventually(t, "the results", func() bool { return v.Outcome() != nil })

	// What the view shows is what eval computed.
	var out *session.LabOutcome
	async.Locked(func() { out = v.Outcome() })
	s := &out.Result.Summary
	f.mu.Lock()
	requests := append([]session.LabRequest(nil), f.requests...)
	f.mu.Unlock()
	if len(requests) != 1 || requests[0].Kind != session.LabManifest || requests[0].TargetFMR != 0.05 ||
		requests[0].Threshold != 0.6 || strings.Join(requests[0].Groups, ",") != "sex" {
		t.Fatalf("requests %+v", requests)
	}
	if s.Enrolment.NoFace != 1 || len(s.Groups) != 1 || len(s.Calibration) != 1 || s.Calibration[0].Threshold == nil {
		t.Fatalf("unexpected evaluation: enrolment %+v, %d group columns, calibration %+v", s.Enrolment, len(s.Groups), s.Calibration)
	}
	calibrated := *s.Calibration[0].Threshold
	var text string
	async.Locked(func() {
		text = visibleText(w.Canvas().Content())
		// Something was skipped: the status is a warning, not a success.
		if v.status.Importance != widget.WarningImportance {
			t.Errorf("status %q shown with importance %v, want the warning colour", v.status.Text, v.status.Importance)
		}
	})
	want := []string{
		"labels.csv (manifest): 32 images of 8 identities",
		"failure to enrol 1",
		"1 missing file",
		fmt.Sprintf("FMR %s (%d/%d)", s.Verification.FMR, s.Verification.FMR.Errors, s.Verification.FMR.Trials),
		fmt.Sprintf("Target FMR 0.05: threshold %s gives FMR %s", thresholdText(calibrated), rateText(s.Calibration[0].FMR)),
		"By sex, at the operating threshold 0.6",
		"FMR ratio",
		"FMR of non-mated pairs across groups",
		"FNMR (cost) at " + thresholdText(calibrated),
		"Report: " + filepath.Join(reports, "run", eval.ReportFile),
		"The case has no operating point of its own",
		"Fair matching: raw distance and normalised score",
		"FMR normalised", "ratio raw", "max / min",
	}
	for _, g := range s.Groups[0].Groups {
		want = append(want, g.FMRRatio.String(), rateText(g.FNMR))
	}
	for _, wnt := range want {
		if !strings.Contains(text, wnt) {
			t.Errorf("the Lab does not show %q", wnt)
		}
	}
	if _, err := os.Stat(filepath.Join(reports, "run", eval.ReportFile)); err != nil {
		t.Errorf("report: %v", err)
	}
	// Every plot that eval could draw is shown as an image.
	drawn := map[image.Image]bool{}
	for _, p := range out.Plots {
		if p.Image != nil {
			drawn[p.Image] = true
		}
	}
	shown := 0
	async.Locked(func() {
		uitest.Walk(w.Canvas().Content(), func(o fyne.CanvasObject) {
			if img, ok := o.(*canvas.Image); ok && drawn[img.Image] {
				shown++
			}
		})
	})
	if len(drawn) < 3 || shown != len(drawn) {
		t.Errorf("%d plots drawn by eval, %d shown", len(drawn), shown)
	}

	// The operating point offered is the run's target FMR, with the
	// normalised threshold that meets it on this data and eval's rates.
	th, fmr, fnmr, err := out.Result.NormalisedThreshold(0.05)
	if err != nil {
		t.Fatal(err)
	}
	async.Locked(func() {
		if v.choice.Text != "0.05" {
			t.Errorf("FMR offered %q, want the run's 0.05", v.choice.Text)
		}
		if r := v.choiceRates.Text; !strings.Contains(r, "score ≤ "+thresholdText(th)) ||
			!strings.Contains(r, "all pairs: FMR "+rateText(fmr)+", FNMR "+rateText(fnmr)) || !strings.Contains(r, "sex=f: FMR") {
			t.Errorf("rates at the operating point: %q", r)
		}
	})
	// An FMR the data cannot support is explained, and cannot be applied.
	async.Locked(func() { v.choice.SetText("1e-5") })
	async.Locked(func() {
		if !strings.Contains(v.choiceRates.Text, "too few non-mated pairs") || !v.useThreshold.Disabled() {
			t.Errorf("FMR 1e-5 on 32 images: %q, button disabled %v", v.choiceRates.Text, v.useThreshold.Disabled())
		}
		v.choice.SetText("0.05")
	})
	test.Tap(v.useThreshold)
	labEventually(t, "the case's operating point", func() bool { return strings.Contains(v.caseDefault.Text, "measured FMR") })
	f.mu.Lock()
	applied := append([]casefile.ThresholdCalibration(nil), f.applied...)
	f.mu.Unlock()
	if len(applied) != 1 {
		t.Fatalf("%d operating points applied", len(applied))
	}
	cal := applied[0]
	if cal.Threshold != th || cal.Score != scorenorm.KindShipped || cal.Dataset != "labels.csv" || cal.TargetFMR != 0.05 || cal.Model != "views-test-embedder" ||
		cal.FMRErrors != fmr.Errors || cal.FMRTrials != fmr.Trials || cal.FNMRErrors != fnmr.Errors || cal.FNMRTrials != fnmr.Trials ||
		!cal.MeasuredAt.Equal(f.finished) {
		t.Fatalf("applied %+v; want score threshold %v with FMR %d/%d and FNMR %d/%d", cal, th, fmr.Errors, fmr.Trials, fnmr.Errors, fnmr.Trials)
	}

	// The Settings form shows the case's operating point and refuses an
	// FMR outside the calibrated range with the reason.
	cs, _ := f.Settings()
	form := showCaseSettings(w, f.UserSettings(), cs, func(session.Settings) {})
	note := form.calibration.Text
	rate, _ := cal.FMR()
	wantNote := fmt.Sprintf("Case operating point: FMR 0.05, score ≤ %s (%s) — measured FMR %s on labels.csv (2026-11-26)",
		thresholdText(th), scorenorm.KindShipped, sciRate(rate))
	if !strings.Contains(note, wantNote) || !strings.Contains(overlayText(w), wantNote) {
		t.Errorf("settings note %q, want it to contain %q", note, wantNote)
	}
	if err := form.searchFMR.Validate(); err != nil {
		t.Errorf("the default search FMR does not validate: %v", err)
	}
	form.searchFMR.SetText("1e-7")
	if err := form.searchFMR.Validate(); err == nil || !strings.Contains(err.Error(), "rule of three") {
		t.Errorf("search FMR 1e-7: %v, want it refused with the reason", err)
	}
}

func TestLabCancel(t *testing.T) {
	f := newFakeLab(t)
	v, tasks, _ := newLab(t, f)
	v.kind.SetSelected(LabKindManifest)
	v.dataset.SetText(labManifest(t))
	v.reportFolder.SetText("")
	test.Tap(v.runButton)
	labEventually(t, "the run to start", func() bool { return tasks.Busy() })
	async.Locked(tasks.Cancel)
	labEventually(t, "the run to stop", func() bool { return !tasks.Busy() && strings.Contains(v.status.Text, "cancelled") })
	async.Locked(func() {
		if v.Outcome() != nil || v.runButton.Disabled() {
			t.Errorf("after cancelling: outcome %v, Run disabled %v", v.Outcome(), v.runButton.Disabled())
		}
	})
}

func TestLabBadDatasetsAreExplained(t *testing.T) {
	wrongColumns := filepath.Join(t.TempDir(), "wrong.csv")
	if err := os.WriteFile(wrongColumns, []byte("file,who\na.jpg,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, kind, dataset, target string
		want                        []string
	}{
		{"empty folder", LabKindFolders, t.TempDir(), "0.001", []string{"no usable images", "has no usable images"}},
		{"wrong columns", LabKindManifest, wrongColumns, "0.001", []string{"does not have the columns", `"identity"`}},
		{"no dataset", LabKindFolders, "", "0.001", []string{"choose a dataset first"}},
		{"bad target", LabKindFolders, t.TempDir(), "2", []string{"target FMR: a rate between 0 and 1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeLab(t)
			v, tasks, _ := newLab(t, f)
			v.kind.SetSelected(c.kind)
			v.dataset.SetText(c.dataset)
			v.targetFMR.SetText(c.target)
			test.Tap(v.runButton)
			close(f.gate) // the run ends once Run has returned, as on the UI goroutine
			labEventually(t, "the error", func() bool {
				return !tasks.Busy() && !strings.HasPrefix(v.status.Text, "Evaluating") && v.status.Text != ""
			})
			async.Locked(func() {
				for _, w := range c.want {
					if !strings.Contains(v.status.Text, w) {
						t.Errorf("status %q does not say %q", v.status.Text, w)
					}
				}
				if v.Outcome() != nil {
					t.Error("a failed run shows results")
				}
			})
		})
	}
}

func TestThresholdNote(t *testing.T) {
	if n := ThresholdNote(casefile.Settings{}); n != "" {
		t.Errorf("no case operating point: %q", n)
	}
	if n := ThresholdNote(casefile.Settings{MatchThreshold: 0.55}); !strings.Contains(n, "distance 0.55 (set without a measurement); no longer used") {
		t.Errorf("distance default from before normalisation: %q", n)
	}
	cal := casefile.ThresholdCalibration{Threshold: -2.125, Score: "as-norm/in-domain", Dataset: "people", TargetFMR: 1e-3, FMRErrors: 12, FMRTrials: 12000,
		FNMRErrors: 3, FNMRTrials: 60, MeasuredAt: time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)}
	got := ThresholdNote(casefile.Settings{Calibration: cal})
	want := "Case operating point: FMR 0.001, score ≤ -2.125 (as-norm/in-domain) — measured FMR 1.0e-03 on people (2026-11-26), FNMR 5.0e-02; " +
		"12 of 12000 non-mated pairs matched."
	if got != want {
		t.Errorf("note\n got %q\nwant %q", got, want)
	}
}
