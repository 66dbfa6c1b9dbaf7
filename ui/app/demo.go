package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"facecase/casefile"
	"facecase/internal/synth"
	"facecase/models"
	"facecase/progress"
	"facecase/ui/session"
)

// Demo case layout under DataDir: the case is built in demo.partial and
// the folder renamed to demo when complete, so a failed or cancelled build
// never leaves a half-made demo case behind under the final name.
const (
	demoFolder  = "demo"
	demoPartial = "demo.partial"
	demoFile    = "demo.facecase"
	demoVideo   = "walkway.mp4"
	// demoStreetVideo is OpenCV's sample of people walking (Debian
	// opencv-doc), the demo's footage for people tracking.
	demoStreetVideo = "vtest.avi"
	// demoPeople is how many faces from the sample photos walk through the
	// demo video (synth.TrackingScene's five actors).
	demoPeople = 5
)

// DemoCasePath is where the demo case lives once made.
func DemoCasePath() string { return filepath.Join(DataDir(), demoFolder, demoFile) }

// EnsureDemoCase returns the demo case's path, making the case first when
// it does not exist: the sample photos installed with the models, a video
// of faces from them walking along known paths (with a crossing and an
// occlusion) and OpenCV's video of people walking (when installed), all
// analysed; one face enrolled on the watchlist, and the
// other faces and every video track searched, so the case opens with
// detections, tracks and candidates to review.
func EnsureDemoCase(ctx context.Context, engines *session.Engines, settings session.Settings, rep progress.Reporter) (string, error) {
	final := DemoCasePath()
	if _, err := os.Stat(final); err == nil {
		return final, nil
	}
	if rep == nil {
		rep = progress.Discard
	}
	samples, err := models.SamplesDir()
	if err != nil {
		return "", err
	}
	photos, err := samplePhotos(samples)
	if err != nil {
		return "", err
	}
	partial := filepath.Join(DataDir(), demoPartial)
	if err := os.RemoveAll(partial); err != nil { // a build that was interrupted
		return "", fmt.Errorf("make the demo case: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(partial, "originals"), 0o755); err != nil {
		return "", fmt.Errorf("make the demo case: %w", err)
	}
	if settings.Reviewer == "" {
		settings.Reviewer = "Demo investigator"
	}
	s, err := session.Create(filepath.Join(partial, demoFile), casefile.CaseInfo{
		Number: "DEMO-1", Title: "Demo case: sample photos, a walkway video and people walking",
		Investigator: settings.Reviewer, Purpose: "Demonstration of facecase on sample material",
		Authorisation: "none needed: demonstration material",
	}, engines, settings)
	if err != nil {
		return "", err
	}
	err = buildDemo(ctx, s, photos, filepath.Join(partial, "originals", demoVideo), rep)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("make the demo case: %w", err)
	}
	if err := os.Rename(partial, filepath.Dir(final)); err != nil {
		return "", fmt.Errorf("make the demo case: %w", err)
	}
	return final, nil
}

func samplePhotos(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("demo samples: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(strings.ToLower(e.Name()), ".jpg") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("demo samples: no photos in %s: %w", dir, fs.ErrNotExist)
	}
	sort.Strings(out)
	return out, nil
}

// stageReporter prefixes the stage of every update.
func stageReporter(rep progress.Reporter, stage string) progress.Reporter {
	return progress.Func(func(u progress.Update) {
		u.Stage = stage
		rep.Report(u)
	})
}

func buildDemo(ctx context.Context, s *session.Session, photos []string, videoPath string, rep progress.Reporter) error {
	var failed []string
	onItem := func(st session.ItemStatus) {
		if st.State == session.StateFailed {
			failed = append(failed, filepath.Base(st.Path)+": "+st.Detail)
		}
	}
	if err := s.Intake(ctx, photos, stageReporter(rep, "demo: analyse photos"), onItem); err != nil {
		return err
	}
	faces, err := photoFaces(s)
	if err != nil {
		return err
	}
	if len(faces) < demoPeople {
		return fmt.Errorf("the sample photos show %d usable faces, the demo video needs %d (%s)",
			len(faces), demoPeople, strings.Join(failed, "; "))
	}
	rep.Report(progress.Update{Stage: "demo: make the video", Total: 1})
	if err := writeDemoVideo(ctx, s, faces[:demoPeople], videoPath); err != nil {
		return err
	}
	if err := s.Intake(ctx, []string{videoPath}, stageReporter(rep, "demo: analyse the video"), onItem); err != nil {
		return err
	}
	// Real footage of people walking, followed whole (installed by make
	// models; a setup without videos makes the demo without it).
	if street, err := models.LocateVideo(demoStreetVideo); err == nil {
		if err := s.Intake(ctx, []string{street}, stageReporter(rep, "demo: follow the people walking"), onItem); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "; "))
	}
	// The first video face is the enrolled subject: the video and the
	// photo it came from give candidates.
	subject := faces[0]
	if _, err := s.EnrolFace(subject.ID, 0, "Demo subject A",
		"Enrolled from a sample photo to show watchlist searches.", casefile.Provenance{Date: "demo"}); err != nil {
		return err
	}
	probes, err := demoProbes(s, subject.ID)
	if err != nil {
		return err
	}
	for i, id := range probes {
		rep.Report(progress.Update{Stage: "demo: search", Done: int64(i), Total: int64(len(probes)), Unit: "faces"})
		if _, err := s.SearchFace(ctx, id, ""); err != nil {
			return err
		}
	}
	return nil
}

// photoFaces lists the usable faces found in the photos, largest first.
func photoFaces(s *session.Session) ([]casefile.Detection, error) {
	evs, err := s.EvidenceList()
	if err != nil {
		return nil, err
	}
	var out []casefile.Detection
	for _, ev := range evs {
		if ev.Kind != casefile.KindPhoto {
			continue
		}
		dets, err := s.FrameDetections(ev.ID, 0)
		if err != nil {
			return nil, err
		}
		for _, d := range dets {
			if d.Quality.Usable && d.Descriptor != nil {
				out = append(out, d)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Quality.Size > out[j].Quality.Size })
	return out, nil
}

// writeDemoVideo renders synth.TrackingScene with the given faces as its
// five people and writes it as an MP4.
func writeDemoVideo(ctx context.Context, s *session.Session, faces []casefile.Detection, path string) error {
	crops := make([]synth.Crop, len(faces))
	for i, d := range faces {
		img, err := s.FaceCrop(ctx, d.ID, 256)
		if err != nil {
			return err
		}
		crops[i] = synth.Crop{Identity: fmt.Sprintf("person %d", i+1), Path: fmt.Sprintf("detection %d", d.ID), Image: img}
	}
	scene, err := synth.TrackingScene(crops, 1280, 720)
	if err != nil {
		return err
	}
	return synth.WriteVideo(ctx, path, "mp4v", scene, crops)
}

// demoProbes are the faces to search with: every usable photo face but
// the enrolled one, and each video track's best face.
func demoProbes(s *session.Session, enrolled uint64) ([]uint64, error) {
	evs, err := s.EvidenceList()
	if err != nil {
		return nil, err
	}
	var out []uint64
	for _, ev := range evs {
		best := map[uint64]casefile.Detection{}
		q := casefile.DetectionQuery{EvidenceID: ev.ID, Limit: 1000}
		for {
			page, err := s.Detections(q)
			if err != nil {
				return nil, err
			}
			for _, d := range page.Detections {
				if d.ID == enrolled || d.Descriptor == nil || !d.Quality.Usable {
					continue
				}
				if ev.Kind == casefile.KindPhoto {
					out = append(out, d.ID)
				} else if b, ok := best[d.TrackID]; d.TrackID != 0 && (!ok || d.Quality.Size > b.Quality.Size) {
					best[d.TrackID] = d
				}
			}
			if !page.More {
				break
			}
			q.After = page.Next
		}
		ids := make([]uint64, 0, len(best))
		for _, d := range best {
			ids = append(ids, d.ID)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		out = append(out, ids...)
	}
	return out, nil
}
