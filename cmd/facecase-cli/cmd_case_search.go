package main

import (
	"context"
	"fmt"
	"math"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/models"
	"facecase/recognition/scorenorm"
)

func init() {
	registerCaseSub(&command{
		name:    "search",
		summary: "search the watchlist with a face of the evidence; the search is stored for review",
		usage:   "(--detection ID | --evidence ID --face K) [--fmr FMR] [--max N] [--purpose TEXT] [--detector NAME] [--actor NAME] [--json] CASE",
		run:     runCaseSearch,
	})
}

func runCaseSearch(ctx context.Context, env *cliEnv, args []string) error {
	fs := caseFlags(env, "search")
	detection := newUint64Flag(fs, "detection", "ID", 0, idRange, "search with this stored detection")
	evidence := newUint64Flag(fs, "evidence", "ID", 0, idRange, "search with a face of this evidence photo (with --face)")
	face := newIntFlag(fs, "face", "K", 0, faceIndexRange, "the K-th face of the photo (1 = first in reading order)")
	fmr := newFMRFlag(fs, "fmr", 0, "operating point (default: the case's own from its Lab, else "+scorenorm.FormatFMR(scorenorm.DefaultSearchFMR)+")")
	fs.Var(retiredThreshold{fmrFlag: "fmr"}, "threshold", "retired: the operating point is --fmr")
	maxCand := newIntFlag(fs, "max", "N", 0, numberRange[int]{Min: 0, Max: math.MaxInt}, "return at most N candidates (0: all within the threshold)")
	purpose := fs.String("purpose", "", "why this search is made (default: the case's purpose)")
	detector := facedata.DefaultDetector
	detectorFlag(fs, &detector, "(used when the photo's faces are not stored yet)")
	asJSON := fs.Bool("json", false, "print the stored search as JSON")
	actor := actorFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: need exactly one case file", errUsage)
	}
	if (*detection == 0) == (*evidence == 0) || (*evidence != 0 && *face < 1) {
		return fmt.Errorf("%w: give --detection ID, or --evidence ID with --face K", errUsage)
	}
	c, err := openCase(fs.Arg(0), *actor)
	if err != nil {
		return err
	}
	defer closeCase(env, c)
	probe := casefile.Probe{DetectionID: *detection}
	if *evidence != 0 {
		id, err := photoFaceDetection(ctx, c, *evidence, *face, detector)
		if err != nil {
			return err
		}
		probe = casefile.Probe{DetectionID: id, FaceIndex: *face}
	}
	target, cohort, err := searchFMR(c, *fmr)
	if err != nil {
		return err
	}
	rec, err := c.Search(ctx, casefile.SearchRequest{Probe: probe, TargetFMR: target, Cohort: cohort, MaxCandidates: *maxCand, Purpose: *purpose})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env.stdout, rec)
	}
	w := env.stdout
	fmt.Fprintf(w, "search %d: evidence %d, detection %d, operating point %s, watchlist %d subjects (version %d)\n",
		rec.ID, rec.Probe.EvidenceID, rec.Probe.DetectionID, rec.Point, rec.WatchlistSize, rec.WatchlistVersion)
	if len(rec.Candidates) == 0 {
		fmt.Fprintln(w, "no subject within the operating point")
	}
	for _, cand := range rec.Candidates {
		fmt.Fprintf(w, "  %d. subject %d %s  score %.3f (distance %.4f)\n", cand.Rank, cand.SubjectID, cand.Label, cand.Score, cand.Distance)
	}
	fmt.Fprintf(w, "%s Review with: facecase-cli case review --search %d --subject ID --decision confirm|reject|inconclusive CASE\n", casefile.Notice, rec.ID)
	return nil
}

// photoFaceDetection returns the stored detection of the k-th face of an
// evidence photo, finding and storing the photo's faces first if it was
// never analysed (or its analysis never finished).
func photoFaceDetection(ctx context.Context, c *casefile.Case, evidenceID uint64, k int, detector facedata.DetectorName) (uint64, error) {
	dets, err := c.FrameDetections(evidenceID, 0)
	if err != nil {
		return 0, err
	}
	st, err := c.Analysis(evidenceID)
	if err != nil {
		return 0, err
	}
	if len(dets) == 0 && st.State != casefile.AnalysisDone {
		ev, err := c.Evidence(evidenceID)
		if err != nil {
			return 0, err
		}
		if ev.Kind != casefile.KindPhoto {
			return 0, fmt.Errorf("evidence %d is a %s: search with --detection", evidenceID, ev.Kind)
		}
		engine := newCaseEngine(detector, 20)
		defer engine.Close()
		if _, err := analysePhoto(ctx, c, engine, ev); err != nil {
			return 0, err
		}
		if dets, err = c.FrameDetections(evidenceID, 0); err != nil {
			return 0, err
		}
	}
	if k > len(dets) {
		return 0, fmt.Errorf("evidence %d shows %d faces, there is no face %d", evidenceID, len(dets), k)
	}
	return dets[k-1].ID, nil
}

// searchFMR is the target FMR of a search: fmr, or when 0 the case's own
// operating point (from its Lab) or the default search FMR. The shipped
// cohort is returned with it.
func searchFMR(c *casefile.Case, fmr float64) (float64, *scorenorm.Cohort, error) {
	cohort, err := models.LoadCohort()
	if err != nil {
		return 0, nil, err
	}
	if fmr != 0 {
		return fmr, cohort, nil
	}
	cs, err := c.Settings()
	if err != nil {
		return 0, nil, err
	}
	if own, ok := cs.Calibration.Point(); ok {
		return own.TargetFMR, cohort, nil
	}
	return scorenorm.DefaultSearchFMR, cohort, nil
}
