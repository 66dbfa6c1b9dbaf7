package main

import (
	"context"
	"encoding/json"
	"fmt"

	"facecase/facedata"
	"facecase/internal/fsutil"
	"facecase/recognition"
	"facecase/recognition/scorenorm"
)

func init() {
	register(&command{
		name:    "compare",
		summary: "normalised score, distance and verdict for every pair of faces in two photos",
		usage:   "[--fmr FMR] [--detector NAME] [--json] IMAGE_A IMAGE_B",
		run:     runCompare,
	})
}

// pairRecord is one face pair as compare --json prints it.
type pairRecord struct {
	FaceA int           `json:"face_a"`
	FaceB int           `json:"face_b"`
	BoxA  facedata.Rect `json:"box_a"`
	BoxB  facedata.Rect `json:"box_b"`
	// Score is the normalised score the verdict is made on; Distance the
	// raw Euclidean distance, for experts.
	Score    float64 `json:"score"`
	Distance float64 `json:"distance"`
	// Point is the operating point: target FMR and score threshold.
	Point   scorenorm.OperatingPoint `json:"operating_point"`
	Verdict string                   `json:"verdict"`
	// Warning says when either face is below the quality limits.
	Warning string `json:"warning,omitempty"`
}

// Verdicts are worded as leads, never as identifications.
const (
	verdictSame      = "possible same person (investigative lead only)"
	verdictDifferent = "different people"
)

func runCompare(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, commands["compare"])
	opts := recognition.DefaultOptions()
	fmr := newFMRFlag(fs, "fmr", scorenorm.DefaultVerifyFMR, "operating point")
	fs.Var(retiredThreshold{fmrFlag: "fmr"}, "threshold", "retired: the operating point is --fmr")
	detectorFlag(fs, &opts.Detector, "")
	intFlag(fs, &opts.MinFaceSize, "min-face", "PX", opts.MinFaceSize, minFaceRange, "smallest face to find, in pixels")
	asJSON := fs.Bool("json", false, "print one JSON object per face pair")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("%w: need exactly two images", errUsage)
	}
	engine, err := recognition.NewEngine(opts)
	if err != nil {
		return err
	}
	defer engine.Close()
	point, err := engine.Cohort().Calibration().Point(*fmr)
	if err != nil {
		return fmt.Errorf("%w: --fmr: %w", errUsage, err)
	}
	var faces [2][]facedata.Face
	for i, path := range fs.Args() {
		r := analyzeFile(ctx, engine, path)
		if r.Err != nil {
			return fmt.Errorf("%s: %w", fsutil.ShowPath(path), r.Err)
		}
		if len(r.Faces) == 0 {
			return &exitError{code: 1, err: fmt.Errorf("%s: no face found", fsutil.ShowPath(path))}
		}
		faces[i] = r.Faces
	}
	enc := json.NewEncoder(env.stdout)
	if !*asJSON {
		fmt.Fprintf(env.stdout, "operating point %s\n", point)
	}
	for i, a := range faces[0] {
		for j, b := range faces[1] {
			p := scorenorm.Compare(a.Descriptor, a.Cohort, b.Descriptor, b.Cohort)
			rec := pairRecord{FaceA: i + 1, FaceB: j + 1, BoxA: a.Box, BoxB: b.Box, Score: p.Score, Distance: p.Distance,
				Point: point, Verdict: verdictDifferent}
			if point.Match(p.Score) {
				rec.Verdict = verdictSame
			}
			if !a.Quality.Usable || !b.Quality.Usable {
				rec.Warning = fmt.Sprintf("low quality (A: %v, B: %v): the score is unreliable", a.Quality.Reasons, b.Quality.Reasons)
			}
			if *asJSON {
				if err := enc.Encode(rec); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintf(env.stdout, "A#%d %s  B#%d %s  score %.3f (distance %.3f)  %s", rec.FaceA, boxText(a.Box), rec.FaceB, boxText(b.Box), p.Score, p.Distance, rec.Verdict)
			if rec.Warning != "" {
				fmt.Fprintf(env.stdout, "  [%s]", rec.Warning)
			}
			fmt.Fprintln(env.stdout)
		}
	}
	return nil
}

func boxText(r facedata.Rect) string {
	return fmt.Sprintf("(%.0f,%.0f %.0fx%.0f)", r.X, r.Y, r.W, r.H)
}
