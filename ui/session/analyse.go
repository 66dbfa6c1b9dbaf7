package session

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"facecase/casefile"
	"facecase/internal/scanstore"
	"facecase/media"
	"facecase/progress"
	"facecase/tracking"
)

// ErrNotMedia is returned when asked to analyse evidence that is neither a
// photo nor a video.
var ErrNotMedia = errors.New("not a photo or video")

// ErrEvidenceUnusable is returned for an evidence file that is missing or
// changed since intake: it must not be used.
var ErrEvidenceUnusable = errors.New("evidence file is missing or changed")

// Analysis is what analysing one evidence item found.
type Analysis struct {
	Frames int // frames read (1 for a photo)
	Faces  int // detections stored
	Tracks int // tracks stored (videos)
	// People counts the person tracks stored (videos) and MostPeople the
	// most people found in one frame.
	People, MostPeople int
	Broken             int // undecodable frames skipped
}

func (a Analysis) String() string {
	parts := []string{plural(a.Faces, "face")}
	if a.Frames > 1 || a.Tracks > 0 {
		parts = append(parts, plural(a.Tracks, "track"), plural(a.Frames, "frame"))
	}
	if a.People > 0 {
		who := fmt.Sprintf("%d people", a.People)
		if a.People == 1 {
			who = "1 person"
		}
		parts = append(parts, fmt.Sprintf("%s followed (at most %d in a frame)", who, a.MostPeople))
	}
	if a.Broken > 0 {
		parts = append(parts, plural(a.Broken, "broken frame")+" skipped")
	}
	return strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Analyse finds the faces in an evidence item and stores them as
// detections (and, for a video, the tracks), with progress in frames. The
// working copy is read, never the original, and only when its last check
// found it usable. The item's analysis is pending until every face is
// stored: a photo's faces and the "done" mark are one transaction, and an
// interrupted video is resumed after the last frame it stored. An item
// whose analysis is done is not analysed again; one whose analysis fails
// (not an interruption: that stays pending) is recorded as failed, with
// the reason, and is analysed again when it is added again.
func (s *Session) Analyse(ctx context.Context, ev casefile.Evidence, rep progress.Reporter) (Analysis, error) {
	if rep == nil {
		rep = progress.Discard
	}
	if ch := s.EvidenceCheckFor(ev.ID); ch.State == casefile.EvidenceMissing || ch.State == casefile.EvidenceChanged {
		return Analysis{}, fmt.Errorf("analyse %s: %w: %s %s", ev.Name, ErrEvidenceUnusable, ch.State, ch.Detail)
	}
	if ev.Kind != casefile.KindPhoto && ev.Kind != casefile.KindVideo {
		return Analysis{}, fmt.Errorf("analyse %s: %w (%s)", ev.Name, ErrNotMedia, ev.MediaType)
	}
	st, err := s.Case.Analysis(ev.ID)
	if err != nil {
		return Analysis{}, err
	}
	switch st.State {
	case casefile.AnalysisDone:
		return Analysis{Faces: int(st.Stored)}, nil
	case casefile.AnalysisNotRequested, casefile.AnalysisFailed:
		if err := s.RequestAnalysis(ev.ID); err != nil {
			return Analysis{}, err
		}
		st.State = casefile.AnalysisPending
	}
	path := s.EvidencePath(ev)
	s.startAnalysis(ev.Kind)
	// The item's frames and copies are free when it ends; glibc would keep
	// their pages (a trim takes milliseconds, the nets' arenas stay).
	defer trimCAllocator()
	var a Analysis
	switch ev.Kind {
	case casefile.KindPhoto:
		a, err = s.analysePhoto(ctx, ev, path, st)
	case casefile.KindVideo:
		a, err = s.analyseVideo(ctx, ev, path, st, rep)
	default:
		err = fmt.Errorf("%w (%s)", ErrNotMedia, ev.MediaType)
	}
	if err != nil {
		if ctx.Err() == nil {
			if ferr := s.FailAnalysis(ev.ID, err.Error()); ferr != nil {
				err = errors.Join(err, ferr)
			}
		}
		return a, fmt.Errorf("analyse %s: %w", ev.Name, err)
	}
	return a, nil
}

func (s *Session) analysePhoto(ctx context.Context, ev casefile.Evidence, path string, st casefile.AnalysisStatus) (Analysis, error) {
	eng, err := s.engines.Get(s.UserSettings().Detector)
	if err != nil {
		return Analysis{}, err
	}
	img, err := media.LoadImage(path)
	if err != nil {
		return Analysis{}, err
	}
	defer img.Close()
	faces, err := eng.Analyze(ctx, img)
	if err != nil {
		return Analysis{}, err
	}
	dets := make([]casefile.Detection, len(faces))
	for i := range faces {
		dets[i] = scanstore.DetectionOf(ev.ID, tracking.Stamp{}, &faces[i], 0)
	}
	if _, err := s.StoreAnalysis(ctx, ev.ID, st.StillToStore(dets), nil); err != nil {
		return Analysis{}, err
	}
	return Analysis{Frames: 1, Faces: len(dets)}, nil
}
