package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"facecase/facedata"
	"facecase/internal/fsutil"
	"facecase/media"
	"facecase/models"
	"facecase/progress"
	"facecase/recognition"
	"facecase/recognition/scorenorm"
	"facecase/tracking"
)

func init() {
	register(&command{
		name:    "scan",
		summary: "find and track faces in photos, videos and cameras; JSON lines of detections and tracks",
		usage:   "[--case CASE] [--detector NAME] [--min-face PX] [--people=false] [--min-person PX] [--every N] [--render OUT.mp4] [--watch NAME=PHOTO]... [--json] SOURCE...",
		run:     runScan,
	})
}

// Smallest faces looked for when --min-face is not given. Photos list
// every face the engine can find; in video, faces under 40 px are too
// small to search with (an inter-ocular distance under 15 px, see
// recognition.DefaultQualityLimits) and tiling for them costs several
// times the detection time.
const (
	photoMinFace = 20
	videoMinFace = 40
)

// videoDetector finds faces in video frames when --detector is not given
// (chosen by BenchmarkScan; see docs/benchmarks.md).
const videoDetector = facedata.BlazeFace

// scanFlags are the scan command's options.
type scanFlags struct {
	casePath    string
	detector    facedata.DetectorName
	minFace     int
	every       int
	maxEvery    int
	render      string
	watch       stringList
	watchFMR    float64
	watchPoint  scorenorm.OperatingPoint
	descriptors bool
	asJSON      bool
	people      bool
	personDet   facedata.PersonDetectorName
	minPerson   int
}

func runScan(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, commands["scan"])
	var f scanFlags
	fs.StringVar(&f.casePath, "case", "", "store detections and tracks in this case file (instead of JSON lines on stdout)")
	detectorFlag(fs, &f.detector, "(default: "+string(facedata.DefaultDetector)+" for photos, "+string(videoDetector)+" for video and cameras)")
	intFlag(fs, &f.minFace, "min-face", "PX", 0, minFaceRange, fmt.Sprintf("smallest face to find, in pixels (default: %d for photos, %d for video; 0: one pass over the whole frame)", photoMinFace, videoMinFace))
	intFlag(fs, &f.every, "every", "N", 0, numberRange[int]{Min: 0, Max: 1000}, "detect on every Nth frame, tracking in between (0: choose N so the scan keeps up with the video's frame rate)")
	intFlag(fs, &f.maxEvery, "max-every", "N", 8, numberRange[int]{Min: 1, Max: 1000}, "largest N the automatic choice may take")
	fs.StringVar(&f.render, "render", "", "write the video with face boxes and path dots to this new file (.mp4, .avi, .mkv; one video source)")
	fs.Var(&f.watch, "watch", "name tracks after the person in this photo: NAME=PHOTO or PHOTO (repeatable)")
	fmr := newFMRFlag(fs, "fmr", scorenorm.DefaultSearchFMR, "operating point for naming a track after a --watch person")
	fs.Var(retiredThreshold{fmrFlag: "fmr"}, "threshold", "retired: the operating point of --watch is --fmr")
	fs.BoolVar(&f.descriptors, "descriptors", true, "compute descriptors (tracking through crossings and --watch need them)")
	fs.BoolVar(&f.asJSON, "json", false, "print progress as JSON lines on stderr")
	fs.BoolVar(&f.people, "people", true, "in video and cameras, also find and track whole people (seen from any side, face visible or not) and tie each face to its person")
	personDetectorFlag(fs, &f.personDet)
	intFlag(fs, &f.minPerson, "min-person", "PX", recognition.DefaultMinPersonHeight, minPersonRange, "smallest person to find, in pixels of height")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: no source given", errUsage)
	}
	if !flagGiven(fs, "min-face") {
		f.minFace = -1 // chosen per source in scanSource
	}
	if len(f.watch) > 0 && !f.descriptors {
		return fmt.Errorf("%w: --watch needs descriptors", errUsage)
	}
	if len(f.watch) > 0 {
		cohort, err := models.LoadCohort()
		if err != nil {
			return err
		}
		if f.watchPoint, err = cohort.Calibration().Point(*fmr); err != nil {
			return fmt.Errorf("%w: --fmr: %w", errUsage, err)
		}
	}
	sources, fromFolder, err := expandScanArgs(fs.Args())
	if err != nil {
		return err
	}
	if f.render != "" && len(sources) != 1 {
		return fmt.Errorf("%w: --render takes exactly one video source, got %d", errUsage, len(sources))
	}
	sink, err := openScanSink(ctx, env, f.casePath)
	if err != nil {
		return err
	}
	defer sink.Close()
	engines := newScanEngines(f.descriptors)
	defer engines.Close()
	var watch []watchEntry
	for _, w := range f.watch {
		e, err := engines.enrol(ctx, w)
		if err != nil {
			return err
		}
		watch = append(watch, e)
	}
	s := &scanCommand{env: env, flags: f, sink: sink, engines: engines, watch: watch}
	failed := 0
	for _, uri := range sources {
		err := s.scanSource(ctx, uri)
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return ctx.Err()
		case fromFolder[uri] && errors.Is(err, media.ErrUnsupported):
			fmt.Fprintf(env.stderr, "%s: skipped: %v\n", fsutil.ShowPath(uri), err)
		default:
			var fatal *scanFatal
			if errors.As(err, &fatal) {
				return fatal.err
			}
			failed++
			fmt.Fprintf(env.stderr, "%s: %v\n", fsutil.ShowPath(uri), err)
		}
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d sources could not be scanned", failed, len(sources))}
	}
	return nil
}

// scanFatal marks an error that stops the whole command (a missing model,
// an output that cannot be written), not just one source.
type scanFatal struct{ err error }

func (e *scanFatal) Error() string { return e.err.Error() }

func openScanSink(ctx context.Context, env *cliEnv, casePath string) (scanSink, error) {
	if casePath == "" {
		return newJSONSink(env.stdout), nil
	}
	return openCaseSink(ctx, casePath)
}

// scanCommand holds what every source of one run shares.
type scanCommand struct {
	env     *cliEnv
	flags   scanFlags
	sink    scanSink
	engines *scanEngines
	watch   []watchEntry
}

// scanSource opens, scans and reports one source.
func (s *scanCommand) scanSource(ctx context.Context, uri string) error {
	src, err := media.Open(ctx, uri, media.SourceOptions{})
	if err != nil {
		s.sink.EndSource(media.Info{URI: uri}, scanSourceRecord{Source: uri, Error: err.Error()})
		return err
	}
	defer src.Close()
	info := src.Info()
	detector, minFace := s.flags.detector, s.flags.minFace
	if detector == "" {
		detector = videoDetector
		if info.Kind == media.KindPhoto {
			detector = facedata.DefaultDetector
		}
	}
	if minFace < 0 {
		minFace = videoMinFace
		if info.Kind == media.KindPhoto {
			minFace = photoMinFace
		}
	}
	an, err := s.engines.analyzer(detector, minFace)
	if err != nil {
		return &scanFatal{err}
	}
	if err := s.sink.BeginSource(info); err != nil {
		// This source cannot be stored (already scanned, unreadable, a
		// live camera for a case); the others go on.
		return err
	}
	var render *media.VideoWriter
	if s.flags.render != "" {
		if info.Kind == media.KindPhoto {
			return fmt.Errorf("%w: --render needs a video or camera, %s is a photo", errUsage, fsutil.ShowPath(uri))
		}
		fps := info.FPS
		if fps <= 0 {
			fps = 25
		}
		if render, err = media.CreateVideo(s.flags.render, fps, info.Width, info.Height); err != nil {
			return &scanFatal{err}
		}
	}
	rep, finish := s.progress()
	opts := media.ScanOptions{
		Every:    s.flags.every,
		MaxEvery: s.flags.maxEvery,
		Tracking: tracking.DefaultConfig(),
		Progress: rep,
		OnDetections: func(d []media.ScanDetection) error {
			return s.sink.Detections(info, d)
		},
		OnTrack: func(t tracking.Track) error {
			return s.sink.Track(info, t, s.name(t))
		},
	}
	if s.flags.people && info.Kind != media.KindPhoto {
		pf, err := s.engines.people(s.flags.personDet, s.flags.minPerson)
		if err != nil {
			return &scanFatal{err}
		}
		opts.People = pf
		opts.PersonTracking = tracking.DefaultPersonConfig()
		opts.OnPeople = func(p []media.ScanPerson) error { return s.sink.People(info, p) }
		opts.OnPersonTrack = func(p tracking.PersonTrack) error { return s.sink.PersonTrack(info, p) }
	}
	if render != nil {
		opts.OnFrame = func(f media.ScanFrame) error { return renderFrame(render, f) }
	}
	sum, scanErr := media.Scan(ctx, src, an, opts)
	finish()
	var renderErr error
	if render != nil {
		renderErr = render.Close() // also on Ctrl-C: the frames so far make a playable video
	}
	rec := sourceRecord(info, detector, minFace, sum, scanErr)
	if err := s.sink.EndSource(info, rec); err != nil {
		return &scanFatal{err}
	}
	s.printSummary(info, sum, scanErr)
	if scanErr != nil {
		return scanErr
	}
	return renderErr
}

// name returns the watch-list person track t is named after, if any: the
// best normalised score of its best face within the operating point (the
// tracker itself follows faces by raw distance).
func (s *scanCommand) name(t tracking.Track) *watchMatch {
	if t.Best.Descriptor == nil || !t.Best.Cohort.Valid() {
		return nil
	}
	var best *watchMatch
	for _, w := range s.watch {
		p := scorenorm.Compare(t.Best.Descriptor, t.Best.Cohort, &w.Descriptor, w.Cohort)
		if s.flags.watchPoint.Match(p.Score) && (best == nil || p.Score < best.Score) {
			best = &watchMatch{Name: w.Name, Score: p.Score, Distance: p.Distance, TargetFMR: s.flags.watchPoint.TargetFMR}
		}
	}
	return best
}

// progress picks the progress printer: JSON lines with --json, a status
// line on a terminal, nothing otherwise.
func (s *scanCommand) progress() (progress.Reporter, func()) {
	if s.flags.asJSON {
		return newJSONProgress(s.env.stderr), func() {}
	}
	if f, ok := s.env.stderr.(*os.File); ok && isTerminal(f) {
		tp := newTextProgress(s.env.stderr)
		return tp, tp.Finish
	}
	return progress.Discard, func() {}
}
