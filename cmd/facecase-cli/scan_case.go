package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"facecase/casefile"
	"facecase/internal/fsutil"
	"facecase/internal/scanstore"
	"facecase/media"
	"facecase/tracking"
)

func init() { openCaseSink = openCaseScanSink }

// errAlreadyScanned skips a source whose evidence item already holds
// detections: scanning it again would store every face twice.
var errAlreadyScanned = errors.New("already scanned into this case")

// caseScanSink stores scan results in a case file: each source becomes an
// evidence item (copied into the case's media folder and hashed), its faces
// detections, its tracks tracks.
type caseScanSink struct {
	ctx context.Context
	c   *casefile.Case
	w   *scanstore.Writer // of the current source
	// evidenceID is the current source's evidence item
	evidenceID uint64
}

func openCaseScanSink(ctx context.Context, path string) (scanSink, error) {
	c, err := openCase(path, defaultActor())
	if err != nil {
		return nil, err
	}
	return &caseScanSink{ctx: ctx, c: c}, nil
}

// BeginSource adds the source file as evidence with its analysis pending
// (or finds it, when the same file is already evidence), refuses one that
// was scanned before, and resumes one whose scan was interrupted after
// the frames it stored.
func (s *caseScanSink) BeginSource(info media.Info) error {
	if err := s.flush(); err != nil {
		return err
	}
	s.w = nil
	if info.Live {
		return fmt.Errorf("%s is a live camera: record it with the desktop app; scan stores files only", fsutil.ShowPath(info.URI))
	}
	ev, err := s.c.AddEvidence(s.ctx, info.URI, casefile.AddOptions{Analyse: []string{casefile.KindPhoto, casefile.KindVideo}})
	if err != nil && !errors.Is(err, casefile.ErrDuplicateEvidence) {
		return err
	}
	st, err := s.c.Analysis(ev.ID)
	if err != nil {
		return err
	}
	switch {
	case st.State == casefile.AnalysisDone || (st.State == casefile.AnalysisNotRequested && st.Stored > 0):
		return fmt.Errorf("%s is evidence %d with %d detections: %w", fsutil.ShowPath(info.URI), ev.ID, st.Stored, errAlreadyScanned)
	case st.State == casefile.AnalysisNotRequested || st.State == casefile.AnalysisFailed:
		if err := s.c.RequestAnalysis(ev.ID); err != nil {
			return err
		}
	}
	s.w = scanstore.NewWriter(s.c, ev.ID)
	s.evidenceID = ev.ID
	if st.Stored > 0 {
		s.w.ResumeAfter(st.LastFrame)
	}
	return nil
}

// Detections buffers faces and stores them in batches.
func (s *caseScanSink) Detections(info media.Info, dets []media.ScanDetection) error {
	if s.w == nil {
		return fmt.Errorf("%s: detections for a source that was not added to the case", fsutil.ShowPath(info.URI))
	}
	return s.w.Add(s.ctx, dets)
}

// Track stores a finished track with its path (and the detections before
// it, so that the track's detections are in the case when it is).
func (s *caseScanSink) Track(info media.Info, t tracking.Track, _ *watchMatch) error {
	if err := s.flush(); err != nil {
		return err
	}
	if s.w == nil {
		return fmt.Errorf("%s: a track for a source that was not added to the case", fsutil.ShowPath(info.URI))
	}
	return s.w.PutTrack(t)
}

// EndSource stores what is left of the source's detections and records
// the source's analysis done when the scan went through to the end, or
// failed when it stopped on an error; a cancelled scan stays pending, and
// a later scan of the file resumes it.
func (s *caseScanSink) EndSource(_ media.Info, rec scanSourceRecord) error {
	if err := s.flush(); err != nil || s.w == nil {
		return err
	}
	s.w = nil
	switch {
	case rec.Cancelled:
		return nil
	case rec.Error != "":
		return s.c.FailAnalysis(s.evidenceID, rec.Error)
	}
	return s.c.FinishAnalysis(s.evidenceID)
}

// Close stores what is buffered and closes the case.
func (s *caseScanSink) Close() error {
	err := s.flush()
	if cerr := closeWithReceipt(s.c, os.Stderr); err == nil {
		err = cerr
	}
	return err
}

// flush stores the current source's buffered detections, even when the
// scan is being cancelled: Ctrl-C keeps the work finished so far.
func (s *caseScanSink) flush() error {
	if s.w == nil {
		return nil
	}
	return s.w.Flush(s.ctx)
}
