package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"facecase/progress"
	"facecase/recognition/eval"
	"facecase/recognition/scorenorm"
)

// LabKind says how a Lab dataset is laid out.
type LabKind string

// Dataset layouts the Lab reads (recognition/eval's readers).
const (
	// LabFolders is a folder per identity: ROOT/<identity>/*.jpg.
	LabFolders LabKind = "folders"
	// LabManifest is a CSV of path, identity and group columns.
	LabManifest LabKind = "manifest"
	// LabPairs is an LFW-style pairs file with its folder of images.
	LabPairs LabKind = "pairs"
)

// LabRequest is an evaluation asked for in the Lab view.
type LabRequest struct {
	Kind LabKind
	// Dataset is the identity folder, the manifest or the pairs file.
	Dataset string
	// Images is the image folder of a pairs file.
	Images string
	// Groups selects a manifest's group columns; empty takes them all.
	Groups []string
	// Threshold is the operating threshold (a multiple of 0.0001) the
	// per-group figures are given at.
	Threshold float64
	// TargetFMR is the false match rate to calibrate a threshold for.
	TargetFMR float64
	// Bootstrap is the number of replicates for confidence intervals.
	Bootstrap int
	// ReportRoot is the folder the run's report folder is made in
	// ("<dataset>-<time>"); empty writes no report.
	ReportRoot string
	// Cache is the descriptor cache file; empty uses the user's
	// (eval.DefaultCachePath), shared with facecase-cli eval.
	Cache string
}

// LabOutcome is a finished Lab run.
type LabOutcome struct {
	// Result holds the figures and the histograms the rates at any
	// threshold are read from.
	Result *eval.Result
	// Dataset names the data (its folder or file name).
	Dataset string
	// Plots are the report's plots, rendered.
	Plots []LabPlot
	// ReportDir is where report.html and its tables were written ("" when
	// no report was asked for).
	ReportDir string
	// Finished is when the run ended.
	Finished time.Time
	// Notes say what the run could not do (no cache, for example).
	Notes []string
}

// newLabEmbedder loads the recognition engine for the Lab; tests may
// replace it.
var newLabEmbedder = eval.NewEngineEmbedder

// RunLab runs the accuracy lab on a dataset, as facecase-cli eval does:
// descriptors come from the recognition engine with the session's photo
// detector (through the descriptor cache), the figures from
// recognition/eval, and the report, when asked for, is written by
// eval.WriteReport. Damaged items are skipped and counted by eval; a
// dataset with nothing usable, or a manifest without the columns needed,
// is an error.
func (s *Session) RunLab(ctx context.Context, req LabRequest, rep progress.Reporter) (*LabOutcome, error) {
	if rep == nil {
		rep = progress.Discard
	}
	start := time.Now()
	cfg, err := req.config(rep)
	if err != nil {
		return nil, err
	}
	if err := req.checkReportRoot(); err != nil {
		return nil, err
	}
	rep.Report(progress.Update{Stage: "read dataset", Item: filepath.Base(req.Dataset)})
	ds, err := req.read()
	if err != nil {
		return nil, err
	}
	out := &LabOutcome{Dataset: LabDatasetName(ds)}
	emb, err := newLabEmbedder(eval.EngineConfig{Detector: s.UserSettings().Detector})
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	defer emb.Close()
	cache, note, err := openLabCache(req.Cache)
	if err != nil {
		return nil, err
	}
	if cache != nil {
		defer cache.Close()
		cfg.Cache = cache
	}
	cohort, err := Cohort()
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	// Raw distances and normalised scores side by side (the summary's
	// fairness table and plots).
	cfg.Normalizer = scorenorm.LabNormalizer{Cohort: cohort}
	if note != "" {
		out.Notes = append(out.Notes, note)
	}
	if out.Result, err = eval.Run(ctx, ds, emb, cfg); err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	if out.Plots, err = RenderLabPlots(ctx, out.Result, rep); err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	if req.ReportRoot != "" {
		rep.Report(progress.Update{Stage: "write report", Item: req.ReportRoot, Elapsed: time.Since(start)})
		if out.ReportDir, err = writeLabReport(req.ReportRoot, out.Dataset, start, out.Result); err != nil {
			return nil, err
		}
	}
	out.Finished = time.Now()
	return out, nil
}

// LabDatasetName is the name a dataset is known by in the Lab and in the
// case's threshold record: the base name of its folder or file.
func LabDatasetName(ds *eval.Dataset) string { return filepath.Base(ds.Source) }

// read reads the dataset with eval's reader for its layout.
func (req LabRequest) read() (*eval.Dataset, error) {
	if strings.TrimSpace(req.Dataset) == "" {
		return nil, errors.New("lab: choose a dataset first")
	}
	switch req.Kind {
	case LabFolders:
		return eval.ReadFolders(req.Dataset)
	case LabManifest:
		return eval.ReadManifest(req.Dataset, req.Groups)
	case LabPairs:
		if strings.TrimSpace(req.Images) == "" {
			return nil, errors.New("lab: a pairs file needs the folder of its images")
		}
		return eval.ReadPairs(req.Dataset, req.Images)
	}
	return nil, fmt.Errorf("lab: unknown dataset layout %q", req.Kind)
}

// config is eval's default configuration with the request's settings.
func (req LabRequest) config(rep progress.Reporter) (eval.Config, error) {
	cfg := eval.DefaultConfig()
	cfg.Threshold = req.Threshold
	cfg.TargetFMRs = []float64{req.TargetFMR}
	cfg.Bootstrap = req.Bootstrap
	cfg.Progress = rep
	if _, err := eval.GridIndex(cfg.Threshold); err != nil {
		return cfg, fmt.Errorf("lab: operating threshold: %w", err)
	}
	if !(req.TargetFMR > 0 && req.TargetFMR < 1) {
		return cfg, fmt.Errorf("lab: %w: target FMR %v is not between 0 and 1", eval.ErrConfig, req.TargetFMR)
	}
	return cfg, nil
}

// checkReportRoot refuses a report folder inside the dataset: the
// dataset is never written to.
func (req LabRequest) checkReportRoot() error {
	if req.ReportRoot == "" {
		return nil
	}
	for _, data := range []string{req.Dataset, req.Images} {
		if data != "" && within(req.ReportRoot, data) {
			return fmt.Errorf("lab: the report folder %s is inside the dataset %s; choose one outside it so the dataset is never written to", req.ReportRoot, data)
		}
	}
	return nil
}

// writeLabReport writes the report into a new folder "<name>-<time>" in
// root; an existing folder is never written into, and a report that
// cannot be written completely is removed.
func writeLabReport(root, name string, at time.Time, r *eval.Result) (string, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("lab: create the report folder: %w", err)
	}
	dir := filepath.Join(root, name+"-"+at.Format("20060102-150405"))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", fmt.Errorf("lab: create the report folder: %w", err)
	}
	if err := eval.WriteReport(dir, r); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("lab: write the report into %s: %w", dir, err)
	}
	return dir, nil
}

// within reports whether path is the folder dir or lies below it; dir may
// be a file (a manifest), whose folder is then not protected.
func within(path, dir string) bool {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return false
	}
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	for ; ; p = filepath.Dir(p) {
		if p == d {
			return true
		}
		if filepath.Dir(p) == p {
			return false
		}
	}
}

// openLabCache opens the descriptor cache. A cache held by another
// program (a facecase-cli eval run) is not waited for: the run goes on
// without it and says so in the note.
func openLabCache(path string) (*eval.Cache, string, error) {
	if path == "" {
		var err error
		if path, err = eval.DefaultCachePath(); err != nil {
			return nil, "descriptor cache not used: " + err.Error(), nil
		}
	}
	c, err := eval.OpenCache(path)
	switch {
	case errors.Is(err, eval.ErrCacheBusy):
		return nil, "descriptor cache not used: " + err.Error(), nil
	case err != nil:
		return nil, "", fmt.Errorf("lab: %w", err)
	}
	return c, "", nil
}
