package eval

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/media"
	"facecase/models"
	"facecase/recognition"
	"facecase/recognition/scorenorm"
)

// cropEmbedder describes tight, aligned face chips (UTKFace's) as the
// engine's tests do: the whole chip is the face box for dlib's landmarks,
// so no detector runs, and every chip the engine describes is kept
// whatever its quality.
type cropEmbedder struct{ e *recognition.Engine }

func (cropEmbedder) ModelID() string { return "engine, whole chip as the face box" }

func (c cropEmbedder) Embed(ctx context.Context, path string) (facedata.Descriptor, error) {
	img, err := media.LoadImage(path)
	if err != nil {
		return facedata.Descriptor{}, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	defer img.Close()
	faces, err := c.e.AnalyzeBoxes(ctx, img, []facedata.Rect{{W: float64(img.Cols()), H: float64(img.Rows())}})
	if err != nil {
		return facedata.Descriptor{}, err
	}
	if len(faces) != 1 || faces[0].Descriptor == nil {
		return facedata.Descriptor{}, fmt.Errorf("%s: %w", path, ErrNoFace)
	}
	return *faces[0].Descriptor, nil
}

// TestFairMatchingOnUTKFace measures the bias of the raw distance and of
// the normalised score on utkface-dev (128 adults in each of five groups,
// every chip a different person: non-mated pairs only), at the operating
// points where the overall FMR is 1e-2, 1e-3 and 1e-4, and checks what
// the normalisation achieves. The figures are logged (go test -v) and
// recorded in docs/fairness.md.
//
// What holds: with the dataset as its own cohort and local scaling
// (scorenorm.Domain), the max/min within-group FMR ratio over the five
// groups is at most 2.0 at FMR 1e-2 (1.67; raw distance 51) and at 1e-3
// (1.48), as the issue asks. At 1e-4 each group has 1 to 6 false matches
// in 8,128 pairs (30,000 would be needed): the figure is reported with its
// bootstrap interval, or why there is none. The 1e-2 figure's interval
// reaches above 2.0 ([1.35, 2.75]), and on held-out halves it spreads over
// 1.1 to 2.6 (docs/fairness.md).
func TestFairMatchingOnUTKFace(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: describing utkface-dev's 640 chips takes about a minute")
	}
	dir := testenv.SharedData(t, "utkface-dev")
	testenv.Model(t, "descriptor")
	opts := recognition.DefaultOptions()
	e, err := recognition.NewEngine(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	cohort, err := models.LoadCohort()
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ReadManifest(filepath.Join(dir, "labels.csv"), []string{"race"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Bootstrap = 300
	cfg.Normalizer = scorenorm.LabNormalizer{Cohort: cohort}
	r, err := Run(context.Background(), ds, cropEmbedder{e}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := r.Summary.Fairness
	if f == nil || f.Score != scorenorm.KindDomain || len(f.Points) != 3 {
		t.Fatalf("fairness %+v", f)
	}
	if n := r.Summary.Enrolment.Enrolled; n < 600 {
		t.Fatalf("%d of 640 chips described", n)
	}
	t.Logf("normalisation: %s", f.Normalisation)
	for _, p := range f.Points {
		raw, norm := p.Raw.Columns[0], p.Normalised.Columns[0]
		t.Logf("FMR %g (raw threshold %v, normalised %v): max/min group FMR ratio raw %s (%s/%s), normalised %s (%s/%s)",
			p.TargetFMR, *p.Raw.Threshold, *p.Normalised.Threshold, ratioCI(raw.MaxMinRatio), raw.Highest, raw.Lowest,
			ratioCI(norm.MaxMinRatio), norm.Highest, norm.Lowest)
		for g := range raw.Groups {
			t.Logf("    %-6s FMR raw %s, normalised %s", raw.Groups[g].Group, rateCI(raw.Groups[g].FMR), rateCI(norm.Groups[g].FMR))
		}
	}
	byTarget := map[float64]FairPoint{}
	for _, p := range f.Points {
		byTarget[p.TargetFMR] = p
	}
	// The bias exists: at FMR 1e-2 the raw distance's worst group has ten
	// times the false matches of its best.
	p2 := byTarget[1e-2]
	if r := p2.Raw.Columns[0].MaxMinRatio; !r.Defined || r.Value < 10 {
		t.Errorf("raw ratio at 1e-2: %s, want the bias (>= 10) visible", r)
	}
	// At 1e-2 and 1e-3: at most 2.0 over the five groups, and at 1e-2 at
	// most a tenth of the raw distance's.
	for _, fmr := range []float64{1e-2, 1e-3} {
		if r := byTarget[fmr].Normalised.Columns[0].MaxMinRatio; !r.Defined || r.Value > 2.0 {
			t.Errorf("normalised max/min ratio at FMR %g: %s, want <= 2.0", fmr, r)
		}
	}
	if r, rawR := p2.Normalised.Columns[0].MaxMinRatio, p2.Raw.Columns[0].MaxMinRatio; !r.Defined || r.Value > rawR.Value/10 {
		t.Errorf("normalised max/min ratio at FMR 1e-2: %s, want at most a tenth of raw %s", r, rawR)
	}
	// At 1e-4: too few pairs per group to support it; the figure comes
	// with its interval (or the reason it is undefined).
	p4 := byTarget[1e-4]
	if r := p4.Normalised.Columns[0].MaxMinRatio; r.CI == nil && r.Note == "" {
		t.Errorf("normalised ratio at 1e-4 %+v: want it with its interval, or why not", r)
	}
	if p4.Normalised.Columns[0].Groups[0].FMR.CI == nil {
		t.Error("group FMRs at 1e-4 without intervals")
	}
}

func ratioCI(r Ratio) string {
	if r.CI == nil {
		return r.String() + " " + r.Note
	}
	return fmt.Sprintf("%s [%.3g, %.3g]", r, r.CI.Low, r.CI.High)
}

func rateCI(r Rate) string {
	if r.CI == nil {
		return fmt.Sprintf("%s (%d/%d)", r, r.Errors, r.Trials)
	}
	return fmt.Sprintf("%s (%d/%d) [%.3g, %.3g]", r, r.Errors, r.Trials, r.CI.Low, r.CI.High)
}
