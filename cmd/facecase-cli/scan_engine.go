package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"facecase/facedata"
	"facecase/internal/fsutil"
	"facecase/media"
	"facecase/recognition"
)

// This file is the only place where the scan command calls the
// recognition engine.

// scanEngines starts engines on demand, one per detector and smallest face
// size, and closes them all at the end.
type scanEngines struct {
	descriptors bool
	engines     map[string]*recognition.Engine
	finders     map[string]*recognition.PeopleFinder
}

func newScanEngines(descriptors bool) *scanEngines {
	return &scanEngines{descriptors: descriptors, engines: map[string]*recognition.Engine{},
		finders: map[string]*recognition.PeopleFinder{}}
}

// people returns the person finder for a person detector and smallest
// person height.
func (s *scanEngines) people(detector facedata.PersonDetectorName, minHeight int) (media.PeopleFinder, error) {
	key := fmt.Sprintf("%s/%d", detector, minHeight)
	if f, ok := s.finders[key]; ok {
		return f, nil
	}
	f, err := recognition.NewPeopleFinder(detector, recognition.PersonOptions{MinHeight: minHeight})
	if err != nil {
		return nil, err
	}
	s.finders[key] = f
	return f, nil
}

// analyzer returns the engine for a detector and smallest face size.
func (s *scanEngines) analyzer(detector facedata.DetectorName, minFace int) (media.FaceAnalyzer, error) {
	key := fmt.Sprintf("%s/%d", detector, minFace)
	if e, ok := s.engines[key]; ok {
		return e, nil
	}
	opts := recognition.DefaultOptions()
	opts.Detector, opts.MinFaceSize, opts.Descriptors = detector, minFace, s.descriptors
	e, err := recognition.NewEngine(opts)
	if err != nil {
		return nil, err
	}
	s.engines[key] = e
	return e, nil
}

func (s *scanEngines) Close() {
	for _, e := range s.engines {
		e.Close()
	}
	for _, f := range s.finders {
		f.Close()
	}
}

// watchEntry is a person to name tracks after: the descriptor of the
// largest face in their photo, with its cohort statistics.
type watchEntry struct {
	Name       string
	Photo      string
	Descriptor facedata.Descriptor
	Cohort     facedata.CohortStats
}

// enrol reads "NAME=PHOTO" or "PHOTO" (named after the file) and describes
// the largest face in the photo with the photo detector.
func (s *scanEngines) enrol(ctx context.Context, arg string) (watchEntry, error) {
	name, photo, ok := strings.Cut(arg, "=")
	if !ok {
		photo = arg
		name = strings.TrimSuffix(filepath.Base(photo), filepath.Ext(photo))
	}
	if name == "" || photo == "" {
		return watchEntry{}, fmt.Errorf("%w: --watch wants NAME=PHOTO or PHOTO, got %q", errUsage, arg)
	}
	img, err := media.LoadImage(photo)
	if err != nil {
		return watchEntry{}, fmt.Errorf("watch %s: %w", fsutil.ShowPath(name), err)
	}
	defer img.Close()
	an, err := s.analyzer(recognition.DefaultOptions().Detector, recognition.DefaultOptions().MinFaceSize)
	if err != nil {
		return watchEntry{}, err
	}
	faces, err := an.Analyze(ctx, img)
	if err != nil {
		return watchEntry{}, fmt.Errorf("watch %s: %s: %w", fsutil.ShowPath(name), fsutil.ShowPath(photo), err)
	}
	best := -1
	for i := range faces {
		if faces[i].Descriptor != nil && (best < 0 || faces[i].Box.Area() > faces[best].Box.Area()) {
			best = i
		}
	}
	if best < 0 {
		return watchEntry{}, fmt.Errorf("watch %s: no face found in %s", fsutil.ShowPath(name), fsutil.ShowPath(photo))
	}
	return watchEntry{Name: name, Photo: photo, Descriptor: *faces[best].Descriptor, Cohort: faces[best].Cohort}, nil
}
