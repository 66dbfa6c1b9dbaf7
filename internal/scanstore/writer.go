// Package scanstore stores what a media.Scan finds in a case file: it is
// the glue between media and tracking on one side and casefile on the
// other, so that casefile stays free of media code (and of cgo). The
// desktop app and `facecase-cli scan --case` both use it.
package scanstore

import (
	"context"
	"fmt"
	"sort"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/media"
	"facecase/tracking"
)

// DetectionOf is the detection record of a face found at a frame of an
// evidence item (trackID 0 when no tracker ran, as for photos).
func DetectionOf(evidenceID uint64, at tracking.Stamp, f *facedata.Face, trackID int) casefile.Detection {
	return casefile.Detection{
		EvidenceID: evidenceID, Frame: uint32(at.Index), Time: at.Time,
		Box: f.Box, Score: f.Score, Detector: f.Detector,
		Landmarks: f.Landmarks, Quality: f.Quality, Descriptor: f.Descriptor, Cohort: f.Cohort,
		TrackID: uint64(trackID),
	}
}

// TrackOf is the track record of a tracker's track in an evidence item.
func TrackOf(evidenceID uint64, t tracking.Track) casefile.Track {
	ct := casefile.Track{EvidenceID: evidenceID, ID: uint64(t.ID),
		FirstFrame: uint32(t.First.Index), LastFrame: uint32(t.Last.Index),
		Path: make([]casefile.TrackPoint, 0, len(t.Path))}
	for _, p := range t.Path {
		ct.Path = append(ct.Path, casefile.TrackPoint{Frame: uint32(p.Frame), Time: p.Time, Box: p.Box})
	}
	return ct
}

// Writer stores what a media.Scan of one evidence item finds:
// detections in batched transactions of casefile.DetectionBatchSize, tracks as the
// tracker ends them. The desktop app and `facecase-cli scan --case` both
// use it. It is not safe for concurrent use (media.Scan calls its
// callbacks from one goroutine).
type Writer struct {
	c          *casefile.Case
	evidenceID uint64
	batch      []casefile.Detection
	faces      int
	tracks     int
	people     int
	cuts       []int  // frames starting a new shot, in order
	skip       bool   // frames up to skipTo are stored already
	skipTo     uint32 // (a resumed analysis; see ResumeAfter)
}

// NewWriter stores scan results of evidence item evidenceID in c.
func NewWriter(c *casefile.Case, evidenceID uint64) *Writer {
	return &Writer{c: c, evidenceID: evidenceID}
}

// ResumeAfter makes the writer drop the detections of frames up to and
// including frame: an interrupted analysis stored them already (casefile
// commits whole frames; see casefile.AnalysisStatus.LastFrame).
func (w *Writer) ResumeAfter(frame uint32) { w.skip, w.skipTo = true, frame }

// Add buffers detections and stores a batch once casefile.DetectionBatchSize are
// waiting; pass it as media.ScanOptions.OnDetections.
func (w *Writer) Add(ctx context.Context, dets []media.ScanDetection) error {
	for i := range dets {
		if w.skip && uint32(dets[i].At.Index) <= w.skipTo {
			continue
		}
		w.batch = append(w.batch, DetectionOf(w.evidenceID, dets[i].At, &dets[i].Face, dets[i].TrackID))
	}
	if len(w.batch) >= casefile.DetectionBatchSize {
		return w.Flush(ctx)
	}
	return nil
}

// Flush stores the buffered detections. It stores them even when ctx has
// ended: what a cancelled scan found so far is kept (Ctrl-C, Cancel).
func (w *Writer) Flush(ctx context.Context) error {
	if len(w.batch) == 0 {
		return nil
	}
	n := len(w.batch)
	_, err := w.c.AddDetections(context.WithoutCancel(ctx), w.batch, nil)
	w.batch = w.batch[:0]
	if err != nil {
		return fmt.Errorf("store %d detections of evidence %d: %w", n, w.evidenceID, err)
	}
	w.faces += n
	return nil
}

// Cut records a scene cut; pass it as media.ScanOptions.OnCut. Tracks the
// cut ends are stored with it (casefile.Track.CutFrame).
func (w *Writer) Cut(at tracking.Stamp) error {
	w.cuts = append(w.cuts, at.Index)
	return nil
}

// PutTrack stores a track the tracker has ended; pass it as
// media.ScanOptions.OnTrack. A track ended by a cut ends before it: the
// first cut after the track's last frame is the one that ended it (a track
// lost earlier is delivered before any later cut is known).
func (w *Writer) PutTrack(t tracking.Track) error {
	ct := TrackOf(w.evidenceID, t)
	if k := sort.SearchInts(w.cuts, t.Last.Index+1); k < len(w.cuts) {
		ct.CutFrame = uint32(w.cuts[k])
	}
	if err := w.c.PutTrack(ct); err != nil {
		return fmt.Errorf("store track %d of evidence %d: %w", t.ID, w.evidenceID, err)
	}
	w.tracks++
	return nil
}

// Faces is the number of detections stored so far.
func (w *Writer) Faces() int { return w.faces }

// Tracks is the number of tracks stored so far.
func (w *Writer) Tracks() int { return w.tracks }
