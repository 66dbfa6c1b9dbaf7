package eval

import (
	"context"
	"fmt"
	"io"

	"facecase/progress"
)

// Result is a finished evaluation: the Summary plus the score histograms
// the plots and the desktop Lab view are drawn from.
type Result struct {
	Summary   Summary
	Dataset   *Dataset
	Enrolment *Enrolment
	// columns, groupNames: column 0 is "all"; nonMated[c][g] and
	// mated[c][g] are the score histograms of group g of column c.
	columns    []string
	groupNames [][]string
	nonMated   [][]*Histogram
	mated      [][]*Histogram
	// fair holds both scores' histograms when a Normalizer was given.
	fair *fairHistograms
}

// Run evaluates the dataset: it enrols every image with emb (through
// cfg.Cache), scores pairs (every pair, or those of a pairs file) and
// computes verification, identification, per-group and calibration
// figures. Long steps report to cfg.Progress and stop when ctx is cancelled.
func Run(ctx context.Context, ds *Dataset, emb Embedder, cfg Config) (*Result, error) {
	kT, err := cfg.check()
	if err != nil {
		return nil, err
	}
	rep := cfg.Progress
	if rep == nil {
		rep = progress.Discard
	}
	en, err := Enrol(ctx, ds, emb, cfg.Cache, cfg.Workers, rep)
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", ds.Source, err)
	}
	set := newScoringSet(ds, en)
	opt := scoreOptions{threshold: cfg.Threshold, workers: cfg.Workers, maxRecords: cfg.MaxBootstrapPairs, scores: cfg.Scores, progress: rep}
	t, listed, err := scorePairs(ctx, ds, set, cfg, &opt)
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", ds.Source, err)
	}
	r := &Result{Dataset: ds, Enrolment: en, columns: set.columns, groupNames: set.groupNames, nonMated: t.nonMated}
	r.mated = matedHistograms(set, t)

	s := &r.Summary
	r.summariseVerification(emb, set, t, listed, kT, cfg)

	gallery, searches, err := searchAll(ctx, set, cfg.Workers, rep)
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: search: %w", ds.Source, err)
	}
	s.Identification = identification(set, gallery, searches, cfg)

	iv, err := bootstrapGroups(ctx, ds, set, t, cfg, rep, s)
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: bootstrap: %w", ds.Source, err)
	}
	s.Groups = groupTables(r, set, t, en, kT, iv, searches)
	if cfg.Normalizer != nil {
		if s.Fairness, r.fair, err = fairness(ctx, ds, set, cfg, rep, r.nonMated[0][0], opt.tri); err != nil {
			return nil, fmt.Errorf("evaluate %s: raw and normalised: %w", ds.Source, err)
		}
	}
	s.Skipped = ds.Skipped.List()
	s.Notes = append(s.Notes, datasetNotes(r, set)...)
	if s.Notes == nil {
		s.Notes = []string{}
	}
	return r, nil
}

// summariseVerification fills the summary's description of the run and
// its verification and calibration figures.
func (r *Result) summariseVerification(emb Embedder, set *scoringSet, t *tally, listed []listedScore, kT int, cfg Config) {
	s, ds := &r.Summary, r.Dataset
	s.Tool = "facecase eval"
	s.Model = emb.ModelID()
	s.Threshold = cfg.Threshold
	s.Dataset = DatasetInfo{Source: ds.Source, Kind: ds.Kind, Images: len(ds.Samples), Identities: len(set.identities), GroupColumns: append([]string{}, ds.GroupColumns...)}
	if ds.Kind == KindPairs {
		s.Dataset.ListedPairs = int(int64(len(t.mated)) + int64(r.nonMated[0][0].Total()))
	}
	s.Enrolment = enrolmentInfo(r.Enrolment)
	s.Verification = verification(r, kT)
	if ds.Kind == KindPairs {
		if fa, ok := foldAccuracy(listed, ds.Folds); ok {
			s.Verification.Folds = &fa
		} else {
			s.Notes = append(s.Notes, "fold accuracy not computed: the pairs file does not have two or more complete folds")
		}
	}
	s.Calibration = calibrations(r, cfg.TargetFMRs)
}

// scorePairs scores the set's pairs (every pair, or those of a pairs
// file) into a tally, writing the scores file when cfg asks for one. A run
// with a Normalizer first computes every distance once (opt.tri), for the
// raw pass and the raw and normalised one.
func scorePairs(ctx context.Context, ds *Dataset, set *scoringSet, cfg Config, opt *scoreOptions) (*tally, []listedScore, error) {
	if cfg.Scores != nil {
		if _, err := io.WriteString(cfg.Scores, ScoresCSVHeader); err != nil {
			return nil, nil, fmt.Errorf("write scores: %w", err)
		}
	}
	if ds.Kind == KindPairs {
		t, listed, err := scoreListedPairs(ctx, ds, set, *opt)
		if err != nil {
			return nil, nil, fmt.Errorf("score pairs: %w", err)
		}
		return t, listed, nil
	}
	if cfg.Normalizer != nil {
		var err error
		if opt.tri, err = pairDistances(ctx, ds, set, cfg.Workers, opt.progress); err != nil {
			return nil, nil, err
		}
	}
	t, err := scoreAllPairs(ctx, set, *opt)
	if err != nil {
		return nil, nil, fmt.Errorf("score pairs: %w", err)
	}
	return t, nil, nil
}

// bootstrapGroups computes the bootstrap intervals of the overall and
// per-group rates (nil when none are asked for or too many pairs match),
// recording in s how, or why not.
func bootstrapGroups(ctx context.Context, ds *Dataset, set *scoringSet, t *tally, cfg Config, rep progress.Reporter, s *Summary) (*groupIntervals, error) {
	s.Bootstrap = BootstrapInfo{Replicates: cfg.Bootstrap, Seed: cfg.Seed, Level: ConfidenceLevel, Method: BootstrapMethod}
	switch {
	case cfg.Bootstrap == 0:
		s.Bootstrap.Note = "confidence intervals not computed (0 replicates asked for)"
		return nil, nil
	case t.overflow:
		s.Bootstrap.Note = fmt.Sprintf("confidence intervals not computed: more than %d non-mated pairs score at or below the threshold", cfg.MaxBootstrapPairs)
		return nil, nil
	}
	iv, err := bootstrapRates(ctx, set, t, ds.Kind == KindPairs, cfg.Bootstrap, cfg.Seed, cfg.Workers, rep)
	if err != nil {
		return nil, err
	}
	s.Verification.FMR.CI, s.Verification.FNMR.CI = iv.fmr[0][0], iv.fnmr[0][0]
	return iv, nil
}

// matedHistograms sorts the kept mated scores into histograms per group.
func matedHistograms(set *scoringSet, t *tally) [][]*Histogram {
	out := make([][]*Histogram, len(set.columns))
	for c := range set.columns {
		out[c] = make([]*Histogram, len(set.groupNames[c]))
		for g := range out[c] {
			out[c][g] = NewHistogram()
		}
		gc := set.group[c]
		for _, p := range t.mated {
			if g := gc[p.A]; g == gc[p.B] {
				out[c][g].Add(p.Score)
			}
		}
	}
	return out
}

func enrolmentInfo(en *Enrolment) EnrolmentInfo {
	var info EnrolmentInfo
	info.Images = len(en.Status)
	for _, st := range en.Status {
		switch st {
		case StatusEnrolled:
			info.Enrolled++
		case StatusNoFace:
			info.NoFace++
		case StatusUnreadable:
			info.Unreadable++
		}
	}
	info.FTE = Rate{Errors: int64(info.NoFace), Trials: int64(info.Enrolled + info.NoFace)}
	if !info.FTE.Defined() {
		info.FTE.Note = "no readable images"
	}
	return info
}

func verification(r *Result, kT int) Verification {
	nm, m := r.nonMated[0][0], r.mated[0][0]
	v := Verification{MatedPairs: int64(m.Total()), NonMatedPairs: int64(nm.Total()), FMR: fmrAt(nm, kT), FNMR: fnmrAt(m, kT)}
	if eer, t, ok := equalErrorRate(nm, m); ok {
		v.EER, v.EERThreshold = &eer, &t
	}
	return v
}

func datasetNotes(r *Result, set *scoringSet) []string {
	var notes []string
	if set.size() < 2 {
		notes = append(notes, "fewer than two images enrolled: no pair could be scored")
	}
	if r.mated[0][0].Total() == 0 {
		notes = append(notes, "no mated pairs: FNMR and EER are not available (every identity has at most one enrolled image)")
	}
	if r.nonMated[0][0].Total() == 0 {
		notes = append(notes, "no non-mated pairs: FMR is not available (only one identity enrolled)")
	}
	return notes
}
