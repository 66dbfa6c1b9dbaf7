package session

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/internal/fsutil"
	"facecase/media"
	"facecase/progress"
	"facecase/recognition"
)

// ErrNoUsableFace is returned when an enrolment photo has no face to enrol
// (or a detection has no descriptor).
var ErrNoUsableFace = errors.New("no face to enrol")

// ErrSeveralFaces is returned when an enrolment photo shows more than one
// face: which one is the subject must be chosen in the viewer.
var ErrSeveralFaces = errors.New("the photo shows several faces; enrol the right one from the viewer")

// EnrolFace puts a detected face on the watchlist: under an existing
// subject (subjectID != 0) or a new one with label and notes.
func (s *Session) EnrolFace(detectionID, subjectID uint64, label, notes string, prov casefile.Provenance) (casefile.Subject, error) {
	d, err := s.Detection(detectionID)
	if err != nil {
		return casefile.Subject{}, err
	}
	if d.Descriptor == nil {
		return casefile.Subject{}, fmt.Errorf("enrol detection %d: %w: it has no descriptor", detectionID, ErrNoUsableFace)
	}
	ev, err := s.Evidence(d.EvidenceID)
	if err != nil {
		return casefile.Subject{}, err
	}
	if prov.Source == "" {
		prov.Source = fmt.Sprintf("evidence %d (%s), frame %d, face at %.0f,%.0f %.0fx%.0f",
			ev.ID, ev.Name, d.Frame, d.Box.X, d.Box.Y, d.Box.W, d.Box.H)
	}
	if prov.ImageSHA256 == "" {
		prov.ImageSHA256 = ev.SHA256
	}
	subj, err := s.subject(subjectID, label, notes)
	if err != nil {
		return casefile.Subject{}, err
	}
	t, err := s.template(*d.Descriptor, d.Cohort)
	if err != nil {
		return subj, err
	}
	if _, err := s.Enrol(subj.ID, prov, []facedata.Template{t}); err != nil {
		return subj, err
	}
	return subj, nil
}

// subject returns the subject with this id, or adds one.
func (s *Session) subject(id uint64, label, notes string) (casefile.Subject, error) {
	if id == 0 {
		return s.AddSubject(label, notes)
	}
	return s.Subject(id)
}

// EnrolOutcome is what happened to one enrolment photo.
type EnrolOutcome struct {
	Path string
	Err  error
}

// EnrolFiles enrols photo files of one subject (existing when subjectID is
// not 0, else new with label and notes). Each photo must show exactly one
// face with a descriptor; photos that do not are reported and skipped.
// prov.Source defaults to the file's name, and the file's SHA-256 is
// recorded. It returns the subject and one outcome per file.
func (s *Session) EnrolFiles(ctx context.Context, subjectID uint64, label, notes string, paths []string, prov casefile.Provenance, rep progress.Reporter) (casefile.Subject, []EnrolOutcome, error) {
	if rep == nil {
		rep = progress.Discard
	}
	eng, err := s.engines.Get(s.UserSettings().Detector)
	if err != nil {
		return casefile.Subject{}, nil, err
	}
	subj, err := s.subject(subjectID, label, notes)
	if err != nil {
		return casefile.Subject{}, nil, err
	}
	start := time.Now()
	out := make([]EnrolOutcome, 0, len(paths))
	for i, p := range paths {
		if err := ctx.Err(); err != nil {
			return subj, out, err
		}
		rep.Report(progress.Update{Stage: "enrol", Done: int64(i), Total: int64(len(paths)), Unit: "photos",
			Item: filepath.Base(p), Elapsed: time.Since(start)})
		out = append(out, EnrolOutcome{Path: p, Err: s.enrolFile(ctx, eng, subj.ID, p, prov)})
	}
	return subj, out, nil
}

func (s *Session) enrolFile(ctx context.Context, eng *recognition.Engine, subjectID uint64, path string, prov casefile.Provenance) error {
	sum, err := fsutil.SHA256File(path)
	if err != nil {
		return err
	}
	img, err := media.LoadImage(path)
	if err != nil {
		return err
	}
	defer img.Close()
	faces, err := eng.Analyze(ctx, img)
	if err != nil {
		return err
	}
	switch {
	case len(faces) == 0 || faces[0].Descriptor == nil:
		return fmt.Errorf("enrol %s: %w", path, ErrNoUsableFace)
	case len(faces) > 1:
		return fmt.Errorf("enrol %s: %w (%d faces)", path, ErrSeveralFaces, len(faces))
	}
	if prov.Source == "" {
		prov.Source = filepath.Base(path)
	}
	prov.ImageSHA256 = sum
	t, _ := faces[0].Template()
	_, err = s.Enrol(subjectID, prov, []facedata.Template{t})
	return err
}

// template is a stored face's descriptor with its cohort statistics,
// computed now for a face stored before they were.
func (s *Session) template(d facedata.Descriptor, st facedata.CohortStats) (facedata.Template, error) {
	if st.Valid() {
		return facedata.Template{Descriptor: d, Cohort: st}, nil
	}
	c, err := Cohort()
	if err != nil {
		return facedata.Template{}, err
	}
	return facedata.Template{Descriptor: d, Cohort: c.Stats(&d)}, nil
}
