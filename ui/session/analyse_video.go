package session

import (
	"context"
	"time"

	"facecase/casefile"
	"facecase/internal/scanstore"
	"facecase/media"
	"facecase/progress"
	"facecase/tracking"
)

// analyseVideo runs media.Scan (detection on every frame or every Nth,
// chosen to keep up with the video, with the tracker carrying boxes in
// between) and stores the detections with their track ids, the tracks and
// the people followed whole (person tracks, each face tied to its person);
// a resumed analysis stores only the frames after those an interrupted run
// stored. The analysis is recorded done when the scan went to the end.
func (s *Session) analyseVideo(ctx context.Context, ev casefile.Evidence, path string, st casefile.AnalysisStatus, rep progress.Reporter) (Analysis, error) {
	eng, err := s.engines.Get(s.UserSettings().VideoDetector)
	if err != nil {
		return Analysis{}, err
	}
	people, err := s.engines.People()
	if err != nil {
		return Analysis{}, err
	}
	src, err := media.Open(ctx, path, media.SourceOptions{})
	if err != nil {
		return Analysis{}, err
	}
	defer src.Close()
	w := scanstore.NewWriter(s.Case, ev.ID)
	if st.Stored > 0 {
		w.ResumeAfter(st.LastFrame)
	}
	trim := cTrimmer{every: videoTrimEvery, last: time.Now()}
	sum, err := media.Scan(ctx, src, eng, media.ScanOptions{
		Progress: progress.Func(func(u progress.Update) {
			trim.maybe()
			u.Item = ev.Name
			rep.Report(u)
		}),
		OnDetections: func(dets []media.ScanDetection) error { return w.Add(ctx, dets) },
		OnTrack:      w.PutTrack,
		OnCut:        w.Cut,
		People:       people,
		OnPersonTrack: func(p tracking.PersonTrack) error {
			return w.PutPersonTrack(p)
		},
	})
	if ferr := w.Flush(ctx); err == nil {
		err = ferr
	}
	if err == nil {
		err = s.FinishAnalysis(ev.ID)
	}
	return Analysis{Frames: sum.Frames, Faces: w.Faces(), Tracks: w.Tracks(), People: w.People(), MostPeople: sum.MostPeople,
		Broken: sum.Source.Broken}, err
}
