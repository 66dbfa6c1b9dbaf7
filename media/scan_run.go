package media

import (
	"context"
	"fmt"
	"time"

	"facecase/facedata"
	"facecase/progress"
	"facecase/tracking"
)

// scanRun is the state of one Scan.
type scanRun struct {
	src         Source
	an          FaceAnalyzer
	opts        ScanOptions
	tr          *tracking.Tracker
	every       *EveryChooser
	cuts        *cutDetector            // nil when off
	pending     map[int][]ScanDetection // by track key, for tentative tracks
	sum         ScanSummary
	start       time.Time
	lastFrame   int
	detectTotal time.Duration
	lastReport  time.Time
	people      *scanPeople // nil without person tracking
}

func (s *scanRun) loop(ctx context.Context) error {
	for {
		begin := time.Now()
		f, err := s.src.Next(ctx)
		if err != nil {
			return err
		}
		err = s.frame(ctx, &f, begin)
		f.Close()
		if err != nil {
			return err
		}
	}
}

// frame detects (or predicts), tracks and reports one frame.
func (s *scanRun) frame(ctx context.Context, f *Frame, begin time.Time) error {
	at := tracking.Stamp{Index: f.Index, Time: f.Time}
	sf := ScanFrame{Frame: f}
	var detectDur time.Duration
	cut := s.cuts != nil && s.cuts.isCut(f.Mat)
	if cut {
		s.tr.Cut()
		s.people.cut()
		s.sum.Cuts++
		if s.opts.OnCut != nil {
			if err := s.opts.OnCut(at); err != nil {
				return err
			}
		}
	}
	if cut || s.every.Detect(f.Index) {
		t0 := time.Now()
		people, err := s.people.find(ctx, f)
		if err != nil {
			return err
		}
		faces, err := s.an.Analyze(ctx, f.Mat)
		if err != nil {
			return fmt.Errorf("frame %d: %w", f.Index, err)
		}
		detectDur = time.Since(t0)
		s.detectTotal += detectDur
		if err := s.people.track(at, f, people, faces, &sf, &s.sum); err != nil {
			return err
		}
		sf.Detected, sf.Faces = true, faces
		sf.Assignments = s.tr.Update(at, faces)
		s.sum.DetectionFrames++
		s.sum.Detections += len(faces)
		if err := s.assign(at, faces, sf.Assignments, s.people.attach(at, faces, sf.Assignments)); err != nil {
			return err
		}
	} else {
		s.tr.Predict(at)
		s.people.predict(at)
	}
	if err := s.ended(s.tr.Ended()); err != nil {
		return err
	}
	if err := s.people.ended(s.tr, &s.sum); err != nil {
		return err
	}
	if s.opts.OnFrame != nil {
		sf.Tracks = s.tr.Active()
		sf.PersonTracks = s.people.active()
		if err := s.opts.OnFrame(sf); err != nil {
			return err
		}
	}
	s.sum.Frames++
	s.lastFrame = f.Index
	s.every.Observe(f, time.Since(begin), detectDur)
	s.report(false, false)
	return nil
}

// assign delivers this frame's detections on confirmed tracks and holds
// the others until their track is decided; earlier held detections whose
// track has now been decided are delivered too.
func (s *scanRun) assign(at tracking.Stamp, faces []facedata.Face, as []tracking.Assignment, persons []int) error {
	var now []ScanDetection
	for key, dets := range s.pending {
		id, alive := s.tr.IDOf(key)
		if id != 0 || !alive {
			now = append(now, withTrack(dets, id)...)
			delete(s.pending, key)
		}
	}
	for i, a := range as {
		d := ScanDetection{At: at, Face: faces[i], TrackID: a.ID}
		if persons != nil {
			d.PersonID = persons[i]
		}
		if a.ID != 0 {
			now = append(now, d)
		} else {
			s.pending[a.Key] = append(s.pending[a.Key], d)
		}
	}
	return s.deliver(now)
}

func withTrack(dets []ScanDetection, id int) []ScanDetection {
	for i := range dets {
		dets[i].TrackID = id
	}
	return dets
}

func (s *scanRun) deliver(dets []ScanDetection) error {
	if len(dets) == 0 || s.opts.OnDetections == nil {
		return nil
	}
	return s.opts.OnDetections(dets)
}

func (s *scanRun) ended(tracks []tracking.Track) error {
	for _, t := range tracks {
		s.sum.Tracks++
		if s.opts.OnTrack != nil {
			if err := s.opts.OnTrack(t); err != nil {
				return err
			}
		}
	}
	return nil
}

// finish ends every open track and delivers everything still held.
func (s *scanRun) finish() error {
	perr := s.people.finish(s.tr, &s.sum)
	tracks := s.tr.Finish()
	var rest []ScanDetection
	for key, dets := range s.pending {
		id, _ := s.tr.IDOf(key)
		rest = append(rest, withTrack(dets, id)...)
	}
	s.pending = nil
	sortDetections(rest)
	err := s.deliver(rest)
	if terr := s.ended(tracks); err == nil {
		err = terr
	}
	if err == nil {
		err = perr
	}
	return err
}

func sortDetections(d []ScanDetection) {
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && d[j].At.Index < d[j-1].At.Index; j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
}

// report sends progress at most four times a second, and always at the
// end (final); a complete scan reports all frames done.
func (s *scanRun) report(final, complete bool) {
	if !final && time.Since(s.lastReport) < 250*time.Millisecond {
		return
	}
	s.lastReport = time.Now()
	info := s.src.Info()
	u := progress.Update{Stage: "scan", Unit: "frames", Item: info.URI, Elapsed: time.Since(s.start)}
	u.Done = int64(s.sum.Frames)
	if info.FrameCount > 0 {
		// Broken or dropped frames are not read but are done with.
		u.Done = int64(min(s.lastFrame+1, info.FrameCount))
		u.Total = int64(info.FrameCount)
		if complete {
			u.Done = u.Total
		}
	}
	s.opts.Progress.Report(u)
}
