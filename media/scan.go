package media

import (
	"context"
	"errors"
	"io"
	"time"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/progress"
	"facecase/tracking"
)

// FaceAnalyzer finds the faces in a BGR frame. *recognition.Engine is one.
type FaceAnalyzer interface {
	Analyze(ctx context.Context, frame gocv.Mat) ([]facedata.Face, error)
}

// PeopleFinder finds whole people in a BGR frame, with what the person
// tracker recognises them by. *recognition.PeopleFinder is one.
type PeopleFinder interface {
	FindPeople(ctx context.Context, frame gocv.Mat) ([]facedata.Person, error)
}

// ScanOptions configure Scan.
type ScanOptions struct {
	// Every runs detection on every Nth frame and lets the tracker carry
	// the boxes in between; 0 chooses N automatically (see EveryChooser).
	Every int
	// MaxEvery bounds the automatic choice (default 8).
	MaxEvery int
	// Tracking configures the tracker.
	Tracking tracking.Config
	// Progress receives updates: stage "scan", unit "frames".
	Progress progress.Reporter
	// OnFrame, when set, is called for every frame after tracking (to draw
	// or record it). The frame's Mat is valid only during the call and may
	// be drawn on.
	OnFrame func(ScanFrame) error
	// OnDetections receives every detected face once its track is known:
	// at once for faces on confirmed tracks, and when the track is
	// confirmed or dropped for faces on tentative ones (TrackID 0 for
	// faces whose track never was confirmed). Calls are therefore not
	// strictly in frame order.
	OnDetections func([]ScanDetection) error
	// OnTrack receives each track when it ends (and every track still open
	// at the end of the source or on cancellation).
	OnTrack func(tracking.Track) error
	// OnCut, when set, is called at each scene cut with the frame that
	// starts the new shot, before the tracks the cut ended reach OnTrack.
	OnCut func(at tracking.Stamp) error
	// KeepTracksAcrossCuts turns off scene-cut detection. By default, a
	// frame that changes the whole picture (an edited video switching
	// camera) ends every track and is analysed.
	KeepTracksAcrossCuts bool
	// People, when set, also finds whole people on every detection frame;
	// they are followed by a person tracker and each face is attached to
	// the person it belongs to (ScanDetection.PersonID).
	People PeopleFinder
	// PersonTracking configures the person tracker.
	PersonTracking tracking.PersonConfig
	// OnPeople receives every detected person once their track is known,
	// as OnDetections does for faces.
	OnPeople func([]ScanPerson) error
	// OnPersonTrack receives each person track when it ends (and every one
	// still open at the end), its face links resolved to face track ids.
	OnPersonTrack func(tracking.PersonTrack) error
}

// ScanFrame is one frame as Scan saw it.
type ScanFrame struct {
	Frame *Frame
	// Detected says whether detection ran on this frame; Faces and
	// Assignments are its results (nil otherwise).
	Detected    bool
	Faces       []facedata.Face
	Assignments []tracking.Assignment
	// Tracks are the confirmed tracks being followed, after this frame.
	Tracks []tracking.Track
	// People and PersonAssignments are the people found when detection ran
	// and People was set; PersonTracks the confirmed person tracks being
	// followed after this frame.
	People            []facedata.Person
	PersonAssignments []tracking.Assignment
	PersonTracks      []tracking.PersonTrack
}

// ScanDetection is one detected face with the track it belongs to.
type ScanDetection struct {
	At      tracking.Stamp
	Face    facedata.Face
	TrackID int
	// PersonID is the person track the face was attached to in this frame
	// (0: none, or no person tracking).
	PersonID int
}

// ScanPerson is one detected person with the person track it belongs to.
type ScanPerson struct {
	At      tracking.Stamp
	Person  facedata.Person
	TrackID int
}

// ScanSummary reports what a scan did.
type ScanSummary struct {
	// Frames were read from the source; DetectionFrames of them were
	// analysed.
	Frames, DetectionFrames int
	// Detections counts faces found; Tracks counts confirmed tracks.
	Detections, Tracks int
	// People counts the people found (every detection frame's people
	// added up), PersonTracks the confirmed person tracks, and MostPeople
	// the most people found in one frame (crowds are never capped: this
	// is the figure to read).
	People, PersonTracks, MostPeople int
	// Cuts counts the scene cuts found.
	Cuts int
	// Every is the detection interval in force at the end.
	Every int
	// DetectTime is the mean time of one detection.
	DetectTime time.Duration
	// Elapsed is the scan's wall time.
	Elapsed time.Duration
	// Source are the source's counts of broken, dropped and missing frames.
	Source Stats
}

// FPS is the frames processed per second of wall time.
func (s ScanSummary) FPS() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Frames) / s.Elapsed.Seconds()
}

// Scan runs analyzer and a tracker over src until it ends, ctx is
// cancelled or a callback fails. Everything finished is delivered before
// it returns, also on cancellation: open tracks are ended and reported,
// and pending detections are flushed. It returns nil at the end of a file
// and ctx's error on cancellation.
func Scan(ctx context.Context, src Source, analyzer FaceAnalyzer, opts ScanOptions) (ScanSummary, error) {
	s := &scanRun{
		src: src, an: analyzer, opts: opts,
		tr:      tracking.New(opts.Tracking),
		every:   NewEveryChooser(src.Info(), opts.Every, opts.MaxEvery),
		pending: map[int][]ScanDetection{},
		start:   time.Now(),
	}
	if opts.People != nil {
		s.people = newScanPeople(opts)
	}
	if !opts.KeepTracksAcrossCuts && !src.Info().Live {
		s.cuts = newCutDetector()
		defer s.cuts.close()
	}
	if s.opts.Progress == nil {
		s.opts.Progress = progress.Discard
	}
	err := s.loop(ctx) // never nil: io.EOF at the end of a file
	complete := errors.Is(err, io.EOF)
	if complete {
		err = nil
	}
	// Deliver what was found also when the scan failed or was cancelled;
	// the first error is the one reported.
	if ferr := s.finish(); err == nil {
		err = ferr
	}
	s.sum.Every = s.every.Every()
	s.sum.Elapsed = time.Since(s.start)
	s.sum.Source = src.Stats()
	if s.sum.DetectionFrames > 0 {
		s.sum.DetectTime = s.detectTotal / time.Duration(s.sum.DetectionFrames)
	}
	s.report(true, complete && err == nil)
	return s.sum, err
}
