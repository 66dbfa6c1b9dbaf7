package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"facecase/facedata"
	"facecase/models"
	"facecase/progress"
	"facecase/recognition/eval"
	"facecase/recognition/scorenorm"
)

func init() {
	register(&command{
		name:    "eval",
		summary: "measure accuracy and bias (FMR, FNMR, per-group rates, calibration) on a labelled face dataset",
		usage:   "--dataset PATH --out DIR [--groups COL,...] [--target-fmr X,...] [options]",
		run:     runEval,
	})
}

// newEvalEmbedder loads the recognition engine; tests replace it.
var newEvalEmbedder = eval.NewEngineEmbedder

// evalFlags holds the options of the eval command.
type evalFlags struct {
	dataset, out, groups, targetFMR, pairs, pattern, labels, ranks string
	cache                                                          string
	detector                                                       facedata.DetectorName
	threshold                                                      float64
	bootstrap, minFace, workers                                    int
	seed                                                           uint64
	noCache, noScores, jsonProgress                                bool
}

func runEval(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, commands["eval"])
	var f evalFlags
	fs.StringVar(&f.dataset, "dataset", "", "dataset: a folder per identity, a CSV manifest (path, identity, group columns), or the image folder of --pairs")
	fs.StringVar(&f.out, "out", "", "folder for report.html, summary.json, groups.csv, samples.csv and scores.csv (created if needed)")
	fs.StringVar(&f.groups, "groups", "", "group columns of the manifest or fields of --pattern to report on (default: all)")
	fs.StringVar(&f.targetFMR, "target-fmr", "1e-3,1e-4", "false match rates to calibrate thresholds for, comma-separated, each above 0 and below 1")
	floatFlag(fs, &f.threshold, "threshold", "D", facedata.SameThreshold, numberRange[float64]{Min: 0, Max: eval.MaxThreshold}, "operating threshold (distance at or below = match), a multiple of 0.0001")
	fs.StringVar(&f.pairs, "pairs", "", "LFW-style pairs file; --dataset is then the folder of NAME/NAME_NNNN.jpg images")
	fs.StringVar(&f.pattern, "pattern", "", "read labels from file names, e.g. '{age}_{sex}_*.jpg' ({identity} or the folder names the person)")
	fs.StringVar(&f.labels, "labels", "", "CSV of field,value,name giving names to coded --pattern values")
	fs.StringVar(&f.ranks, "ranks", "1,5,10", "ranks to report FNIR at, comma-separated, each 1 or more")
	intFlag(fs, &f.bootstrap, "bootstrap", "N", 1000, numberRange[int]{Min: 0, Max: 100000}, "bootstrap replicates for confidence intervals (0: none)")
	uint64Flag(fs, &f.seed, "seed", "S", 1, seedRange, "bootstrap seed")
	fs.StringVar(&f.cache, "cache", "", "descriptor cache file (default: the user cache folder's facecase/eval-cache.db)")
	fs.BoolVar(&f.noCache, "no-cache", false, "compute every descriptor and keep none")
	fs.BoolVar(&f.noScores, "no-scores", false, "do not write scores.csv (every pair's score: N*(N-1)/2 rows, 1.2 GB for 10,000 images)")
	detectorFlag(fs, &f.detector, "(default: the engine's)")
	intFlag(fs, &f.minFace, "min-face", "PX", 0, minFaceRange, "smallest face in pixels (0: the engine's default)")
	intFlag(fs, &f.workers, "workers", "N", 0, numberRange[int]{Min: 0, Max: workersRange.Max}, "parallel workers (0: the number of CPUs)")
	fs.BoolVar(&f.jsonProgress, "json-progress", false, "print progress as JSON lines on stderr")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	cfg, err := f.config()
	if err != nil {
		return err
	}
	ds, err := f.readDataset()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "dataset %s: %d images of %d identities; %s\n", ds.Source, len(ds.Samples), len(ds.Identities()), ds.Skipped.Summary())
	emb, err := newEvalEmbedder(eval.EngineConfig{Detector: f.detector, MinFaceSize: f.minFace})
	if err != nil {
		return err
	}
	defer emb.Close()
	cohort, err := models.LoadCohort()
	if err != nil {
		return err
	}
	// Raw distances and normalised scores side by side (summary fairness).
	cfg.Normalizer = scorenorm.LabNormalizer{Cohort: cohort}
	if !f.noCache {
		cache, err := f.openCache()
		if err != nil {
			return err
		}
		defer cache.Close()
		cfg.Cache = cache
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return fmt.Errorf("create output folder: %w", err)
	}

	var rep progress.Reporter = newJSONProgress(env.stderr)
	finish := func() {}
	if !f.jsonProgress {
		tp := newTextProgress(env.stderr)
		rep, finish = tp, tp.Finish
	}
	cfg.Progress = rep
	r, err := f.run(ctx, ds, emb, cfg)
	finish()
	if err != nil {
		return err
	}
	if err := eval.WriteReport(f.out, r); err != nil {
		return err
	}
	printEvalSummary(env.stdout, f.out, r)
	return nil
}

// config turns the flags into evaluation settings.
func (f *evalFlags) config() (eval.Config, error) {
	cfg := eval.DefaultConfig()
	if f.dataset == "" || f.out == "" {
		return cfg, fmt.Errorf("%w: --dataset and --out are required", errUsage)
	}
	if _, err := eval.GridIndex(f.threshold); err != nil {
		return cfg, fmt.Errorf("%w: --threshold: %v", errUsage, err)
	}
	cfg.Threshold = f.threshold
	targets, err := evalParseList(f.targetFMR, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
	if err != nil || len(targets) == 0 {
		return cfg, fmt.Errorf("%w: --target-fmr %q: want numbers such as 1e-3,1e-4", errUsage, f.targetFMR)
	}
	for _, t := range targets {
		if !(t > 0 && t < 1) {
			return cfg, fmt.Errorf("%w: --target-fmr %v is not between 0 and 1", errUsage, t)
		}
	}
	cfg.TargetFMRs = targets
	ranks, err := evalParseList(f.ranks, strconv.Atoi)
	if err != nil || len(ranks) == 0 {
		return cfg, fmt.Errorf("%w: --ranks %q: want whole numbers such as 1,5,10", errUsage, f.ranks)
	}
	for _, r := range ranks {
		if r < 1 {
			return cfg, fmt.Errorf("%w: --ranks: rank %d is below 1", errUsage, r)
		}
	}
	cfg.Ranks = ranks
	cfg.Bootstrap, cfg.Seed, cfg.Workers = f.bootstrap, f.seed, f.workers
	if f.pairs != "" && (f.pattern != "" || f.groups != "") {
		return cfg, fmt.Errorf("%w: --pairs cannot be combined with --pattern or --groups", errUsage)
	}
	if f.labels != "" && f.pattern == "" {
		return cfg, fmt.Errorf("%w: --labels names the values of --pattern fields; give --pattern too", errUsage)
	}
	if evalOutInside(f.out, f.dataset) {
		return cfg, fmt.Errorf("%w: --out %s is inside the dataset %s; choose a folder outside it so the dataset is never written to", errUsage, f.out, f.dataset)
	}
	return cfg, nil
}

// readDataset reads the dataset in the form the flags describe.
func (f *evalFlags) readDataset() (*eval.Dataset, error) {
	groups := evalSplitList(f.groups)
	switch {
	case f.pairs != "":
		return eval.ReadPairs(f.pairs, f.dataset)
	case f.pattern != "":
		var names eval.LabelNames
		if f.labels != "" {
			var err error
			if names, err = eval.ReadLabelNames(f.labels); err != nil {
				return nil, err
			}
		}
		return eval.ReadPattern(f.dataset, f.pattern, names, groups)
	}
	st, err := os.Stat(f.dataset)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if st.IsDir() {
		if len(groups) > 0 {
			return nil, fmt.Errorf("%w: --groups needs group labels: give a CSV manifest as --dataset, or --pattern", errUsage)
		}
		return eval.ReadFolders(f.dataset)
	}
	return eval.ReadManifest(f.dataset, groups)
}

func (f *evalFlags) openCache() (*eval.Cache, error) {
	path := f.cache
	if path == "" {
		var err error
		if path, err = eval.DefaultCachePath(); err != nil {
			return nil, fmt.Errorf("%w (or use --cache FILE or --no-cache)", err)
		}
	}
	return eval.OpenCache(path)
}

// run evaluates, writing scores.csv through a temporary file that is only
// renamed into place when the run succeeds.
func (f *evalFlags) run(ctx context.Context, ds *eval.Dataset, emb eval.Embedder, cfg eval.Config) (*eval.Result, error) {
	if f.noScores {
		return eval.Run(ctx, ds, emb, cfg)
	}
	final := filepath.Join(f.out, eval.ScoresFile)
	tmp, err := os.CreateTemp(f.out, "."+eval.ScoresFile+".*")
	if err != nil {
		return nil, fmt.Errorf("write scores: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	w := bufio.NewWriterSize(tmp, 1<<20)
	cfg.Scores = w
	r, err := eval.Run(ctx, ds, emb, cfg)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), final)
	}
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	return r, nil
}

// printEvalSummary prints the headline figures.
func printEvalSummary(w io.Writer, out string, r *eval.Result) {
	s := &r.Summary
	fmt.Fprintf(w, "images: %d, enrolled %d, failure to enrol %s; mated pairs %d, non-mated pairs %d\n",
		s.Enrolment.Images, s.Enrolment.Enrolled, s.Enrolment.FTE, s.Verification.MatedPairs, s.Verification.NonMatedPairs)
	fmt.Fprintf(w, "at threshold %v: FMR %s (%d/%d), FNMR %s (%d/%d)\n", s.Threshold,
		s.Verification.FMR, s.Verification.FMR.Errors, s.Verification.FMR.Trials,
		s.Verification.FNMR, s.Verification.FNMR.Errors, s.Verification.FNMR.Trials)
	if s.Verification.EER != nil {
		fmt.Fprintf(w, "EER %.4g at threshold %v\n", *s.Verification.EER, *s.Verification.EERThreshold)
	}
	if fa := s.Verification.Folds; fa != nil {
		fmt.Fprintf(w, "%d-fold accuracy %.4f ± %.4f\n", fa.Folds, fa.Mean, fa.StdDev)
	}
	for _, c := range s.Calibration {
		if c.Threshold == nil {
			fmt.Fprintf(w, "target FMR %g: %s\n", c.TargetFMR, c.Note)
			continue
		}
		note := ""
		if !c.Reliable {
			note = " (too few non-mated pairs to support it)"
		}
		fmt.Fprintf(w, "target FMR %g: threshold %v, FNMR %s%s\n", c.TargetFMR, *c.Threshold, c.FNMR, note)
	}
	for _, col := range s.Groups {
		for _, g := range col.Groups {
			fmt.Fprintf(w, "  %s=%s: FMR %s, FNMR %s, FMR ratio %s, FTE %s\n", col.Column, g.Group, g.FMR, g.FNMR, g.FMRRatio, g.FTE)
		}
	}
	if f := s.Fairness; f != nil {
		fmt.Fprintf(w, "raw distance and normalised score (%s), at matched overall FMR:\n", f.Normalisation)
		for _, p := range f.Points {
			for c := range p.Raw.Columns {
				raw, norm := p.Raw.Columns[c], p.Normalised.Columns[c]
				fmt.Fprintf(w, "  FMR %g, %s: max/min group FMR ratio raw %s, normalised %s\n", p.TargetFMR, raw.Column, ratioWithCI(raw.MaxMinRatio), ratioWithCI(norm.MaxMinRatio))
			}
		}
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintf(w, "skipped: %s\n", r.Dataset.Skipped.Summary())
	}
	fmt.Fprintf(w, "report: %s\n", filepath.Join(out, eval.ReportFile))
}

// ratioWithCI is "3.2 [1.9-6.1]", or the ratio alone without an interval.
func ratioWithCI(r eval.Ratio) string {
	if r.CI == nil {
		return r.String()
	}
	return fmt.Sprintf("%s [%.3g-%.3g]", r, r.CI.Low, r.CI.High)
}

// evalOutInside reports whether path is dir or below it.
func evalOutInside(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	if st, err := os.Stat(d); err != nil || !st.IsDir() {
		return false // a manifest or pairs file: its folder may hold the output
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && (rel == "." || !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && rel != "..")
}

func evalSplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func evalParseList[T any](s string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for _, p := range evalSplitList(s) {
		v, err := parse(p)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
