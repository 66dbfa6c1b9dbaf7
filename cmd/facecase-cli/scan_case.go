package main

import (
	"context"
	"errors"
	"fmt"

	"facecase/casefile"
	"facecase/media"
	"facecase/tracking"
)

func init() { openCaseSink = openCaseScanSink }

// errAlreadyScanned skips a source whose evidence item already holds
// detections: scanning it again would store every face twice.
var errAlreadyScanned = errors.New("already scanned into this case")

// caseScanBatch is how many detections go into one case transaction.
const caseScanBatch = 2000

// caseScanSink stores scan results in a case file: each source becomes an
// evidence item (copied into the case's media folder and hashed), its faces
// detections, its tracks tracks.
type caseScanSink struct {
	ctx      context.Context
	c        *casefile.Case
	evidence uint64
	pending  []casefile.Detection
}

func openCaseScanSink(ctx context.Context, path string) (scanSink, error) {
	c, err := openCase(path, defaultActor())
	if err != nil {
		return nil, err
	}
	return &caseScanSink{ctx: ctx, c: c}, nil
}

// BeginSource adds the source file as evidence (or finds it, when the same
// file is already evidence) and refuses one that was scanned before.
func (s *caseScanSink) BeginSource(info media.Info) error {
	if info.Live {
		return fmt.Errorf("%s is a live camera: record it with the desktop app; scan stores files only", info.URI)
	}
	ev, err := s.c.AddEvidence(s.ctx, info.URI, casefile.AddOptions{})
	if err != nil && !errors.Is(err, casefile.ErrDuplicateEvidence) {
		return err
	}
	n, err := s.c.DetectionCount(ev.ID)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%s is evidence %d with %d detections: %w", info.URI, ev.ID, n, errAlreadyScanned)
	}
	s.evidence = ev.ID
	return nil
}

// Detections buffers faces and stores them in batches.
func (s *caseScanSink) Detections(info media.Info, dets []media.ScanDetection) error {
	for _, d := range dets {
		f := d.Face
		s.pending = append(s.pending, casefile.Detection{
			EvidenceID: s.evidence,
			Frame:      uint32(d.At.Index),
			Time:       d.At.Time,
			Box:        f.Box,
			Score:      f.Score,
			Detector:   f.Detector,
			Landmarks:  f.Landmarks,
			Quality:    f.Quality,
			Descriptor: f.Descriptor,
			TrackID:    uint64(d.TrackID),
		})
	}
	if len(s.pending) >= caseScanBatch {
		return s.flush()
	}
	return nil
}

// Track stores a finished track with its path.
func (s *caseScanSink) Track(info media.Info, t tracking.Track, _ *watchMatch) error {
	if err := s.flush(); err != nil {
		return err
	}
	ct := casefile.Track{EvidenceID: s.evidence, ID: uint64(t.ID)}
	for _, p := range t.Path {
		ct.Path = append(ct.Path, casefile.TrackPoint{Frame: uint32(p.Frame), Time: p.Time, Box: p.Box})
	}
	return s.c.PutTrack(ct)
}

// EndSource stores what is left of the source's detections.
func (s *caseScanSink) EndSource(media.Info, scanSourceRecord) error { return s.flush() }

// Close stores what is buffered and closes the case.
func (s *caseScanSink) Close() error {
	err := s.flush()
	if cerr := s.c.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *caseScanSink) flush() error {
	if len(s.pending) == 0 {
		return nil
	}
	// Stored even when the scan is being cancelled: Ctrl-C keeps the work
	// finished so far.
	_, err := s.c.AddDetections(context.WithoutCancel(s.ctx), s.pending, nil)
	s.pending = s.pending[:0]
	return err
}
