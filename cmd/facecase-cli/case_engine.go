package main

import (
	"context"
	"fmt"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/internal/fsutil"
	"facecase/internal/scanstore"
	"facecase/recognition"
	"facecase/tracking"
)

// caseEngine is the one place the case commands call the recognition
// engine: it finds the faces of a photo (EXIF orientation applied by
// media.LoadImage, through analyzeFile) with landmarks, quality and
// descriptors. The engine loads its models on first use only, so case
// commands that need no faces work without the models installed.
type caseEngine struct {
	opts   recognition.Options
	engine *recognition.Engine
}

func newCaseEngine(detector facedata.DetectorName, minFace int) *caseEngine {
	opts := recognition.DefaultOptions()
	if detector != "" {
		opts.Detector = detector
	}
	opts.MinFaceSize = minFace
	opts.Descriptors = true
	return &caseEngine{opts: opts}
}

// faces analyses one photo; faces come in reading order.
func (ce *caseEngine) faces(ctx context.Context, path string) ([]facedata.Face, error) {
	if ce.engine == nil {
		e, err := recognition.NewEngine(ce.opts)
		if err != nil {
			return nil, err
		}
		ce.engine = e
	}
	r := analyzeFile(ctx, ce.engine, path)
	if r.Err != nil {
		return nil, fmt.Errorf("find faces in %s: %w", fsutil.ShowPath(path), r.Err)
	}
	return r.Faces, nil
}

// Close releases the models.
func (ce *caseEngine) Close() {
	if ce.engine != nil {
		ce.engine.Close()
		ce.engine = nil
	}
}

// facesToDetections turns the faces of a photo into detections of frame 0.
func facesToDetections(evidenceID uint64, faces []facedata.Face) []casefile.Detection {
	dets := make([]casefile.Detection, len(faces))
	for i := range faces {
		dets[i] = scanstore.DetectionOf(evidenceID, tracking.Stamp{}, &faces[i], 0)
	}
	return dets
}
