package casefile

import (
	"context"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
	"facecase/recognition/scorenorm"
)

// watchlistScorer scores probes against one version of the watchlist. A
// watchlist of scorenorm.MinDomainFaces descriptors or more is its own
// cohort (in-domain local scaling, scorenorm.Domain: each comparison leaves
// the candidate subject out of both sides' cohorts) and calibrates the
// threshold on its own pairs of different subjects; a smaller one uses the
// AS-norm statistics stored with each face and the shipped cohort's
// calibration. Measured on utkface-dev, the in-domain cohort brought the
// max/min group FMR ratio at FMR 1e-3 from 9.7 (shipped cohort) to 1.5, at
// 1e-2 from 12.5 to 1.6, and the shipped calibration's FMR 1e-3 was in fact
// 6e-3 on that data (docs/fairness.md).
type watchlistScorer struct {
	version uint64
	cohort  *scorenorm.Cohort
	gallery []galleryTemplate
	dom     *scorenorm.Domain // nil: the shipped cohort's statistics
	kind    string
	name    string
}

// watchlistScorer returns the scorer of the current watchlist, reusing the
// last one while the watchlist is unchanged.
func (c *Case) watchlistScorer(ctx context.Context, cohort *scorenorm.Cohort) (*watchlistScorer, error) {
	w := &watchlistScorer{cohort: cohort}
	var enrolments []Enrolment
	err := c.view(func(tx *bolt.Tx) (err error) {
		w.version = getU64(tx.Bucket(bucketMeta), metaWatchlistVersion)
		enrolments, err = readEnrolments(tx, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	c.scorerMu.Lock()
	defer c.scorerMu.Unlock()
	if s := c.scorer; s != nil && s.version == w.version && s.cohort == cohort {
		return s, nil
	}
	if w.gallery, err = watchlistTemplates(enrolments, cohort); err != nil {
		return nil, err
	}
	w.kind = scorenorm.KindShipped
	w.name = fmt.Sprintf("AS-norm, K=%d, shipped cohort %s (%d faces): the watchlist's %d descriptors are fewer than the %d an in-domain cohort needs",
		cohort.K(), cohort.ID(), cohort.Size(), len(w.gallery), scorenorm.MinDomainFaces)
	if n := len(w.gallery); n >= scorenorm.MinDomainFaces {
		descs := make([]facedata.Descriptor, n)
		subjects := make([]int64, n)
		for i, g := range w.gallery {
			descs[i], subjects[i] = g.t.Descriptor, int64(g.subjectID)
		}
		if w.dom, err = scorenorm.NewDomain(ctx, descs, subjects, scorenorm.DomainK); err != nil {
			return nil, err
		}
		if err := w.dom.Calibrate(ctx); err != nil {
			return nil, err
		}
		w.kind = scorenorm.KindDomain
		w.name = fmt.Sprintf("local scaling, k=%d, in-domain cohort: the watchlist's %d descriptors (the candidate subject left out)", w.dom.K(), n)
	}
	c.scorer = w
	return w, nil
}

// point is the operating point of a target FMR: the case's own (from its
// Lab) when it was calibrated for this FMR and this kind of score,
// otherwise the watchlist's own calibration (in-domain) or the shipped
// cohort's. An FMR outside the calibrated range is refused with the reason.
func (w *watchlistScorer) point(fmr float64, own ThresholdCalibration) (scorenorm.OperatingPoint, error) {
	if p, ok := own.Point(); ok && own.Score == w.kind && p.TargetFMR == fmr {
		return p, nil
	}
	cal := w.cohort.Calibration()
	if w.dom != nil {
		cal = w.dom.Calibration()
	}
	return cal.Point(fmr)
}

// rank scores the probe against every enrolment descriptor (normalised
// score, with the exact distance beside it), keeps each subject's best
// descriptor, drops subjects scoring above the operating point and ranks
// the rest best first (ties by subject id). max > 0 keeps only the first
// max.
func (w *watchlistScorer) rank(probe facedata.Template, labels map[uint64]string, point scorenorm.OperatingPoint, max int) []Candidate {
	var dp *scorenorm.Probe
	if w.dom != nil {
		dp = w.dom.Probe(&probe.Descriptor)
	}
	best := map[uint64]Candidate{}
	for i, g := range w.gallery {
		var p scorenorm.Pair
		if dp != nil {
			p = scorenorm.Pair{Distance: dp.Distance(i), Score: dp.Score(i)}
		} else {
			p = scorenorm.Compare(&probe.Descriptor, probe.Cohort, &g.t.Descriptor, g.t.Cohort)
		}
		if !point.Match(p.Score) {
			continue
		}
		if cur, ok := best[g.subjectID]; ok && cur.Score <= p.Score {
			continue
		}
		best[g.subjectID] = Candidate{SubjectID: g.subjectID, Label: labels[g.subjectID], EnrolmentID: g.enrolmentID,
			DescriptorIndex: g.index, Score: p.Score, Distance: p.Distance}
	}
	out := make([]Candidate, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score < out[j].Score
		}
		return out[i].SubjectID < out[j].SubjectID
	})
	if max > 0 && len(out) > max {
		out = out[:max]
	}
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// Candidates scores a face against the watchlist exactly as Search does
// (same operating point, same normalisation) but stores nothing: for live
// alerts, which become a stored and audited search only when the reviewer
// searches with the face. It returns the candidates and the operating
// point used.
func (c *Case) Candidates(ctx context.Context, t facedata.Template, targetFMR float64, cohort *scorenorm.Cohort, max int) ([]Candidate, scorenorm.OperatingPoint, error) {
	if cohort == nil {
		return nil, scorenorm.OperatingPoint{}, fmt.Errorf("candidates: %w: no score normalisation cohort given", ErrInvalid)
	}
	w, err := c.watchlistScorer(ctx, cohort)
	if err != nil {
		return nil, scorenorm.OperatingPoint{}, fmt.Errorf("candidates in %s: %w", c.path, err)
	}
	if t.Cohort, err = templateStats(t.Descriptor, t.Cohort, cohort, "the face"); err != nil {
		return nil, scorenorm.OperatingPoint{}, err
	}
	settings, err := c.Settings()
	if err != nil {
		return nil, scorenorm.OperatingPoint{}, err
	}
	point, err := w.point(targetFMR, settings.Calibration)
	if err != nil {
		return nil, scorenorm.OperatingPoint{}, fmt.Errorf("candidates: %w: %w", ErrInvalid, err)
	}
	subjects, err := c.Subjects()
	if err != nil {
		return nil, scorenorm.OperatingPoint{}, err
	}
	labels := make(map[uint64]string, len(subjects))
	for _, s := range subjects {
		labels[s.ID] = s.Label
	}
	return w.rank(t, labels, point, max), point, nil
}
