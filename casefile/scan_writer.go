package casefile

import (
	"context"
	"fmt"

	"facecase/media"
	"facecase/recognition"
	"facecase/tracking"
)

// DetectionOf is the detection record of a face found at a frame of an
// evidence item (trackID 0 when no tracker ran, as for photos).
func DetectionOf(evidenceID uint64, at tracking.Stamp, f *recognition.Face, trackID int) Detection {
	return Detection{
		EvidenceID: evidenceID, Frame: uint32(at.Index), Time: at.Time,
		Box: f.Box, Score: f.Score, Detector: f.Detector,
		Landmarks: f.Landmarks, Quality: f.Quality, Descriptor: f.Descriptor,
		TrackID: uint64(trackID),
	}
}

// TrackOf is the track record of a tracker's track in an evidence item.
func TrackOf(evidenceID uint64, t tracking.Track) Track {
	ct := Track{EvidenceID: evidenceID, ID: uint64(t.ID),
		FirstFrame: uint32(t.First.Index), LastFrame: uint32(t.Last.Index),
		Path: make([]TrackPoint, 0, len(t.Path))}
	for _, p := range t.Path {
		ct.Path = append(ct.Path, TrackPoint{Frame: uint32(p.Frame), Time: p.Time, Box: p.Box})
	}
	return ct
}

// ScanWriter stores what a media.Scan of one evidence item finds:
// detections in batched transactions of DetectionBatchSize, tracks as the
// tracker ends them. The desktop app and `facecase-cli scan --case` both
// use it. It is not safe for concurrent use (media.Scan calls its
// callbacks from one goroutine).
type ScanWriter struct {
	c          *Case
	evidenceID uint64
	batch      []Detection
	faces      int
	tracks     int
}

// NewScanWriter stores scan results of evidence item evidenceID in c.
func NewScanWriter(c *Case, evidenceID uint64) *ScanWriter {
	return &ScanWriter{c: c, evidenceID: evidenceID}
}

// Add buffers detections and stores a batch once DetectionBatchSize are
// waiting; pass it as media.ScanOptions.OnDetections.
func (w *ScanWriter) Add(ctx context.Context, dets []media.ScanDetection) error {
	for i := range dets {
		w.batch = append(w.batch, DetectionOf(w.evidenceID, dets[i].At, &dets[i].Face, dets[i].TrackID))
	}
	if len(w.batch) >= DetectionBatchSize {
		return w.Flush(ctx)
	}
	return nil
}

// Flush stores the buffered detections. It stores them even when ctx has
// ended: what a cancelled scan found so far is kept (Ctrl-C, Cancel).
func (w *ScanWriter) Flush(ctx context.Context) error {
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

// PutTrack stores a track the tracker has ended; pass it as
// media.ScanOptions.OnTrack.
func (w *ScanWriter) PutTrack(t tracking.Track) error {
	if err := w.c.PutTrack(TrackOf(w.evidenceID, t)); err != nil {
		return fmt.Errorf("store track %d of evidence %d: %w", t.ID, w.evidenceID, err)
	}
	w.tracks++
	return nil
}

// Faces is the number of detections stored so far.
func (w *ScanWriter) Faces() int { return w.faces }

// Tracks is the number of tracks stored so far.
func (w *ScanWriter) Tracks() int { return w.tracks }
