package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"facecase/facedata"
	"facecase/internal/fsutil"
	"facecase/progress"
	"facecase/recognition"
)

func init() {
	register(&command{
		name:    "analyze",
		summary: "find faces in photos: boxes, landmarks, quality, descriptors",
		usage:   "[--detector NAME] [--min-face PX] [--json] [--jobs N] IMAGE|FOLDER...",
		run:     runAnalyze,
	})
}

// faceRecord is one face as analyze --json prints it.
type faceRecord struct {
	File       string               `json:"file"`
	Face       int                  `json:"face"`
	Box        facedata.Rect        `json:"box"`
	Score      float32              `json:"score"`
	Detector   string               `json:"detector"`
	Landmarks  []facedata.Point     `json:"landmarks"`
	Quality    facedata.Quality     `json:"quality"`
	Descriptor *facedata.Descriptor `json:"descriptor,omitempty"`
	// Cohort holds the descriptor's cohort statistics (score normalisation).
	Cohort facedata.CohortStats `json:"cohort,omitzero"`
}

func runAnalyze(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, commands["analyze"])
	opts := recognition.DefaultOptions()
	detectorFlag(fs, &opts.Detector, "")
	intFlag(fs, &opts.MinFaceSize, "min-face", "PX", opts.MinFaceSize, minFaceRange, "smallest face to find, in pixels (0: one pass over the whole image)")
	fs.BoolVar(&opts.Descriptors, "descriptors", opts.Descriptors, "compute 128-D descriptors")
	asJSON := fs.Bool("json", false, "print one JSON object per face")
	jobs := newIntFlag(fs, "jobs", "N", min(runtime.GOMAXPROCS(0), workersRange.Max), workersRange, "images analysed at the same time")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: no images given", errUsage)
	}
	files, err := expandImageArgs(fs.Args())
	if err != nil {
		return err
	}
	engine, err := recognition.NewEngine(opts)
	if err != nil {
		return err
	}
	defer engine.Close()
	var rep progress.Reporter = progress.Discard
	if len(files) > 1 && isTerminal(os.Stderr) {
		tp := newTextProgress(env.stderr)
		defer tp.Finish()
		rep = tp
	}
	failed := 0
	enc := json.NewEncoder(env.stdout)
	err = analyzeFiles(ctx, engine, files, *jobs, rep, func(r analyzeResult) error {
		if r.Err != nil {
			failed++
			fmt.Fprintf(env.stderr, "%s: %v\n", fsutil.ShowPath(r.File), r.Err)
			return nil
		}
		if *asJSON {
			for i, f := range r.Faces {
				rec := faceRecord{File: r.File, Face: i, Box: f.Box, Score: f.Score, Detector: string(f.Detector),
					Landmarks: f.Landmarks, Quality: f.Quality, Descriptor: f.Descriptor, Cohort: f.Cohort}
				if err := enc.Encode(rec); err != nil {
					return err
				}
			}
			return nil
		}
		printFacesText(env.stdout, r)
		return nil
	})
	if err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d files could not be analysed", failed, len(files))}
	}
	return nil
}

func printFacesText(w io.Writer, r analyzeResult) {
	fmt.Fprintf(w, "%s: %d face(s) in %dx%d, %s\n", fsutil.ShowPath(r.File), len(r.Faces), r.Width, r.Height, r.Elapsed.Round(time.Millisecond))
	for i, f := range r.Faces {
		state := "usable"
		if !f.Quality.Usable {
			state = fmt.Sprintf("not usable: %v", f.Quality.Reasons)
		}
		fmt.Fprintf(w, "  #%d box %.0f,%.0f %.0fx%.0f score %.2f  eyes %.0f px, sharpness %.0f, brightness %.0f, yaw %+.0f, pitch %+.0f  %s\n",
			i+1, f.Box.X, f.Box.Y, f.Box.W, f.Box.H, f.Score, f.Quality.Size, f.Quality.Sharpness,
			f.Quality.Brightness, f.Quality.Yaw, f.Quality.Pitch, state)
	}
}
