package eval

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"facecase/facedata"
	"facecase/progress"
)

// Normalizer makes the normalised score the Lab shows beside the raw
// distance (see package recognition/scorenorm's LabNormalizer). It sees
// descriptors and identities, never group labels.
type Normalizer interface {
	// Prepare readies the score for a run's enrolled descriptors, with
	// the identity index of each (the faces searched against, so they may
	// serve as an in-domain cohort) and, when the Lab has them, the
	// distance of every two: rows(i) is face i's distances to faces
	// i+1 .. n-1 (nil otherwise). It returns the score of faces
	// a and b at distance d, the kind of score (what its thresholds apply
	// to) and a description of the normalisation for reports.
	Prepare(ctx context.Context, descs []facedata.Descriptor, ident []int32, rows func(i int) []float32) (score func(a, b int, d float64) float64, kind, name string, err error)
}

// Fairness puts raw distances and normalised scores side by side at
// matched overall false match rates: for each target FMR each score gets
// the threshold that meets it on this data, and the table shows what that
// threshold gives each group. A fair matcher has the same FMR in every
// group; MaxMinRatio measures how far from it each score is.
type Fairness struct {
	// Score is the kind of normalised score (what a threshold calibrated
	// on it applies to), Normalisation describes it.
	Score         string `json:"score"`
	Normalisation string `json:"normalisation"`
	// Points holds one comparison per target FMR (Config.FairnessFMRs).
	Points []FairPoint `json:"points"`
	// Note says why figures are missing.
	Note string `json:"note,omitempty"`
}

// FairPoint compares both scores at one target FMR.
type FairPoint struct {
	TargetFMR float64 `json:"target_fmr"`
	// Reliable is false with fewer non-mated pairs than the rule of
	// three asks (MinNonMatedPairs).
	Reliable         bool  `json:"reliable"`
	MinNonMatedPairs int64 `json:"min_non_mated_pairs"`
	// Raw is the distance, Normalised the normalised score.
	Raw        FairSide `json:"raw"`
	Normalised FairSide `json:"normalised"`
}

// FairSide is what one score gives at its threshold for a target FMR.
type FairSide struct {
	// Threshold meets the target overall on this data; nil when none
	// does (Note says why).
	Threshold *float64 `json:"threshold"`
	// FMR and FNMR are the overall rates at Threshold.
	FMR  Rate `json:"fmr"`
	FNMR Rate `json:"fnmr"`
	// Columns hold the per-group rates of every group column.
	Columns []FairColumn `json:"columns"`
	Note    string       `json:"note,omitempty"`
}

// FairColumn is one group column at one threshold.
type FairColumn struct {
	Column string      `json:"column"`
	Groups []FairGroup `json:"groups"`
	// MaxMinRatio is the highest within-group FMR over the lowest (1 is
	// fair), with its bootstrap interval; Highest and Lowest name the
	// groups.
	MaxMinRatio Ratio  `json:"max_min_ratio"`
	Highest     string `json:"highest"`
	Lowest      string `json:"lowest"`
}

// FairGroup is one group's rates: FMR over non-mated pairs within the
// group, FNMR over its mated pairs, the FMR over the lowest group's.
type FairGroup struct {
	Group    string `json:"group"`
	FMR      Rate   `json:"fmr"`
	FNMR     Rate   `json:"fnmr"`
	FMRRatio Ratio  `json:"fmr_ratio"`
}

// DefaultFairnessFMRs are the operating points the raw and normalised
// scores are compared at.
var DefaultFairnessFMRs = []float64{1e-2, 1e-3, 1e-4}

// fairness scores every pair both ways, calibrates both scores for each
// target and measures each group, with bootstrap intervals. rawAll is the
// raw scores' overall non-mated histogram (nil when not known yet), tri
// every pair's distance (nil: computed here when the set is small enough).
func fairness(ctx context.Context, ds *Dataset, set *scoringSet, cfg Config, rep progress.Reporter, rawAll *Histogram, tri *triangle) (*Fairness, *fairHistograms, error) {
	var err error
	if tri == nil {
		if tri, err = pairDistances(ctx, ds, set, cfg.Workers, rep); err != nil {
			return nil, nil, err
		}
	}
	rep.Report(progress.Update{Stage: "cohort statistics", Total: int64(set.size()), Unit: "faces"})
	var rows func(i int) []float32
	if tri != nil {
		rows = tri.row
	}
	score, kind, name, err := cfg.Normalizer.Prepare(ctx, set.desc, set.ident, rows)
	if err != nil {
		return nil, nil, fmt.Errorf("cohort statistics: %w", err)
	}
	f := &Fairness{Score: kind, Normalisation: name, Points: []FairPoint{}}
	src := newFairSource(ds, set, score)
	src.tri = tri
	targets := slices.Clone(cfg.FairnessFMRs)
	slices.SortFunc(targets, func(a, b float64) int { return cmp.Compare(b, a) }) // loosest first
	// The pairs the bootstrap needs are kept while scoring, below bounds
	// that should hold the loosest thresholds; should one not, a second
	// pass collects them.
	bound := src.recordBounds(rawAll, targets[0])
	h, rec, err := src.histograms(ctx, cfg.Workers, rep, bound)
	if err != nil {
		return nil, nil, err
	}
	var th [2][]int // grid index per kind and target; -1: none
	for kind := range th {
		th[kind] = make([]int, len(targets))
		for i, t := range targets {
			th[kind][i] = -1
			if k, ok := calibrate(h.nonMated[kind][0][0], t); ok {
				th[kind][i] = k
			}
		}
	}
	var iv *fairIntervals
	if cfg.Bootstrap > 0 {
		if !recordsCover(h, th, bound) {
			if rec, err = src.records(ctx, h, th, cfg.Workers); err != nil {
				return nil, nil, err
			}
		}
		iv, err = fairBootstrap(ctx, set, src, rec, h, th, len(targets), cfg.Bootstrap, cfg.Seed, cfg.Workers, rep)
		if err != nil {
			return nil, nil, err
		}
	} else {
		f.Note = "confidence intervals not computed (0 replicates asked for)"
	}
	n := int64(h.nonMated[0][0][0].Total())
	for i, t := range targets {
		p := FairPoint{TargetFMR: t, MinNonMatedPairs: ruleOfThree(t)}
		p.Reliable = n >= p.MinNonMatedPairs
		p.Raw = fairSide(set, h, kindRaw, th[kindRaw][i], iv, i)
		p.Normalised = fairSide(set, h, kindNormalised, th[kindNormalised][i], iv, i)
		f.Points = append(f.Points, p)
	}
	return f, h, nil
}

// The two kinds of score compared.
const (
	kindRaw        = 0
	kindNormalised = 1
)

// fairSide reads one score's rates at grid index k from the histograms.
// Without a threshold (k < 0) every column and group is listed with its
// rates not available, so both sides of a point always have the same
// columns and groups.
func fairSide(set *scoringSet, h *fairHistograms, kind, k int, iv *fairIntervals, target int) FairSide {
	s := FairSide{Columns: []FairColumn{}}
	na := Rate{Note: NotAvailable}
	if k < 0 {
		s.Note = "no threshold meets the target on this data"
		s.FMR, s.FNMR = na, na
	} else {
		t := h.nonMated[kind][0][0].threshold(k)
		s.Threshold = &t
		s.FMR, s.FNMR = fmrAt(h.nonMated[kind][0][0], k), fnmrAt(h.mated[kind][0][0], k)
	}
	for c := 1; c < len(set.columns); c++ {
		col := FairColumn{Column: set.columns[c]}
		groups := make([]GroupResult, len(set.groupNames[c]))
		for g, name := range set.groupNames[c] {
			groups[g] = GroupResult{Group: name, FMR: na, FNMR: na}
			if k >= 0 {
				groups[g].FMR, groups[g].FNMR = fmrAt(h.nonMated[kind][c][g], k), fnmrAt(h.mated[kind][c][g], k)
			}
			if iv != nil && k >= 0 {
				groups[g].FMR.CI, groups[g].FNMR.CI = iv.fmr[kind][target][c][g], iv.fnmr[kind][target][c][g]
			}
		}
		col.Lowest = fmrRatios(groups, nil, c)
		for g := range groups {
			fg := FairGroup{Group: groups[g].Group, FMR: groups[g].FMR, FNMR: groups[g].FNMR, FMRRatio: groups[g].FMRRatio}
			if iv != nil && k >= 0 {
				fg.FMRRatio.CI = iv.ratio[kind][target][c][g]
			}
			col.Groups = append(col.Groups, fg)
		}
		col.MaxMinRatio, col.Highest = maxMinRatio(groups)
		if iv != nil && k >= 0 {
			col.MaxMinRatio.CI = iv.maxMin[kind][target][c]
			if col.MaxMinRatio.CI == nil && col.MaxMinRatio.Defined {
				col.MaxMinRatio.Note = "no interval: in most bootstrap replicates a group has no false match, so the ratio is undefined there; too few pairs support this FMR within the groups"
			}
		}
		s.Columns = append(s.Columns, col)
	}
	return s
}

// maxMinRatio is the highest group FMR over the lowest (the groups'
// ratios to the lowest are already set), and the highest group's name.
func maxMinRatio(groups []GroupResult) (Ratio, string) {
	best, at := -1.0, -1
	for g := range groups {
		if v, ok := groups[g].FMR.Value(); ok && v > best {
			best, at = v, g
		}
	}
	if at < 0 {
		return Ratio{Note: "no group has an FMR"}, ""
	}
	r := groups[at].FMRRatio
	r.CI = nil
	if !r.Defined && r.Note == "" {
		r.Note = "undefined"
	}
	return r, groups[at].Group
}

// ErrNoNormalisedScore is returned when a normalised figure is asked of a
// run made without a Normalizer.
var ErrNoNormalisedScore = errors.New("the run has no normalised score")

// ErrTooFewPairs is returned when the data cannot support a target FMR:
// fewer non-mated pairs than the rule of three asks.
var ErrTooFewPairs = errors.New("too few non-mated pairs for the target FMR")

// NormalisedThreshold calibrates the normalised score for a target FMR on
// this run's data: the highest grid threshold whose overall FMR meets the
// target, and the overall FMR and FNMR there. It fails with
// ErrNoNormalisedScore for a run without one, and ErrTooFewPairs when the
// data has fewer non-mated pairs than the rule of three asks for the
// target.
func (r *Result) NormalisedThreshold(target float64) (threshold float64, fmr, fnmr Rate, err error) {
	if r.fair == nil {
		return 0, Rate{}, Rate{}, ErrNoNormalisedScore
	}
	if !(target > 0 && target < 1) {
		return 0, Rate{}, Rate{}, fmt.Errorf("%w: target FMR %v is not between 0 and 1", ErrConfig, target)
	}
	nm := r.fair.nonMated[kindNormalised][0][0]
	if n, need := int64(nm.Total()), ruleOfThree(target); n < need {
		return 0, Rate{}, Rate{}, fmt.Errorf("%w: %d non-mated pairs, %d are needed to support FMR %g (rule of three)", ErrTooFewPairs, n, need, target)
	}
	k, ok := calibrate(nm, target)
	if !ok {
		return 0, Rate{}, Rate{}, fmt.Errorf("%w: no normalised threshold meets FMR %g", ErrTooFewPairs, target)
	}
	return nm.threshold(k), fmrAt(nm, k), fnmrAt(r.fair.mated[kindNormalised][0][0], k), nil
}

// NormalisedRatesAt is the FMR and FNMR of a group at a normalised score
// threshold that NormalisedThreshold gave (a point of the 0.001 grid).
func (r *Result) NormalisedRatesAt(column, group string, threshold float64) (fmr, fnmr Rate, err error) {
	if r.fair == nil {
		return Rate{}, Rate{}, ErrNoNormalisedScore
	}
	c, g, err := r.group(column, group)
	if err != nil {
		return Rate{}, Rate{}, err
	}
	k := int(math.Round((threshold - normalisedGrid.min) / normalisedGrid.step))
	if k < 0 || k >= normalisedGrid.size() || math.Abs(normalisedGrid.edges[k]-threshold) > 1e-9 {
		return Rate{}, Rate{}, fmt.Errorf("%w: normalised threshold %v is not on the 0.001 grid", ErrThresholdOffGrid, threshold)
	}
	return fmrAt(r.fair.nonMated[kindNormalised][c][g], k), fnmrAt(r.fair.mated[kindNormalised][c][g], k), nil
}
