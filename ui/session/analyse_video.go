package session

import (
	"context"

	"facecase/casefile"
	"facecase/media"
	"facecase/progress"
	"facecase/tracking"
)

// analyseVideo runs media.Scan (detection on every frame or every Nth,
// chosen to keep up with the video, with the tracker carrying boxes in
// between) and stores the detections with their track ids, and the tracks.
func (s *Session) analyseVideo(ctx context.Context, ev casefile.Evidence, path string, rep progress.Reporter) (Analysis, error) {
	eng, err := s.engines.Get(s.UserSettings().VideoDetector)
	if err != nil {
		return Analysis{}, err
	}
	src, err := media.Open(ctx, path, media.SourceOptions{})
	if err != nil {
		return Analysis{}, err
	}
	defer src.Close()
	w := &scanWriter{c: s.Case, evidenceID: ev.ID}
	sum, err := media.Scan(ctx, src, eng, media.ScanOptions{
		Progress: progress.Func(func(u progress.Update) {
			u.Item = ev.Name
			rep.Report(u)
		}),
		OnDetections: func(dets []media.ScanDetection) error { return w.add(ctx, dets) },
		OnTrack:      w.putTrack,
	})
	if ferr := w.flush(ctx); err == nil {
		err = ferr
	}
	return Analysis{Frames: sum.Frames, Faces: w.faces, Tracks: w.tracks, Broken: sum.Source.Broken}, err
}

// scanWriter stores what a scan finds: detections in batches, tracks as
// they end.
type scanWriter struct {
	c          *casefile.Case
	evidenceID uint64
	batch      []casefile.Detection
	faces      int
	tracks     int
}

func (w *scanWriter) add(ctx context.Context, dets []media.ScanDetection) error {
	for i := range dets {
		w.batch = append(w.batch, detectionOf(w.evidenceID, dets[i].At, &dets[i].Face, dets[i].TrackID))
	}
	if len(w.batch) >= casefile.DetectionBatchSize {
		return w.flush(ctx)
	}
	return nil
}

func (w *scanWriter) flush(ctx context.Context) error {
	if len(w.batch) == 0 {
		return nil
	}
	// Stored even when ctx has ended: what a cancelled scan found is kept.
	if _, err := w.c.AddDetections(context.WithoutCancel(ctx), w.batch, nil); err != nil {
		return err
	}
	w.faces += len(w.batch)
	w.batch = w.batch[:0]
	return nil
}

func (w *scanWriter) putTrack(t tracking.Track) error {
	ct := casefile.Track{EvidenceID: w.evidenceID, ID: uint64(t.ID),
		FirstFrame: uint32(t.First.Index), LastFrame: uint32(t.Last.Index)}
	for _, p := range t.Path {
		ct.Path = append(ct.Path, casefile.TrackPoint{Frame: uint32(p.Frame), Time: p.Time, Box: p.Box})
	}
	if err := w.c.PutTrack(ct); err != nil {
		return err
	}
	w.tracks++
	return nil
}
