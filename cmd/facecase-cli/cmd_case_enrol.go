package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/internal/fsutil"
)

func init() {
	registerCaseSub(&command{
		name:    "enrol",
		summary: "put a person on the case's watchlist from photos of them",
		usage:   "(--label NAME [--notes TEXT] | --subject ID) [--source TEXT] [--date DATE] [--face K] [--detector NAME] [--actor NAME] CASE IMAGE...",
		run:     runCaseEnrol,
	})
}

func runCaseEnrol(ctx context.Context, env *cliEnv, args []string) error {
	fs := caseFlags(env, "enrol")
	label := fs.String("label", "", "name or label of a new watchlist subject")
	notes := fs.String("notes", "", "notes on the new subject")
	subjectID := newUint64Flag(fs, "subject", "ID", 0, idRange, "add the images to this existing subject instead")
	source := fs.String("source", "", "where the images come from (default: each image's file name)")
	date := fs.String("date", "", "when the images were taken or obtained")
	face := newIntFlag(fs, "face", "K", 0, faceIndexRange, "use the K-th face of each image (1 = first in reading order); needed when an image shows several faces")
	detector := facedata.DefaultDetector
	detectorFlag(fs, &detector, "")
	actor := actorFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 2 {
		return fmt.Errorf("%w: need a case and at least one image", errUsage)
	}
	if (*label == "") == (*subjectID == 0) {
		return fmt.Errorf("%w: give either --label (new subject) or --subject (existing subject)", errUsage)
	}
	c, err := openCase(fs.Arg(0), *actor)
	if err != nil {
		return err
	}
	defer closeCase(env, c)
	engine := newCaseEngine(detector, 20)
	defer engine.Close()

	// Describe every image before changing the case, so a bad image
	// leaves no half-enrolled subject.
	type enrolment struct {
		prov     casefile.Provenance
		template facedata.Template
		note     string
	}
	var todo []enrolment
	for _, path := range fs.Args()[1:] {
		faces, err := engine.faces(ctx, path)
		if err != nil {
			return err
		}
		f, err := pickFace(faces, *face, path)
		if err != nil {
			return err
		}
		sum, err := fsutil.SHA256File(path)
		if err != nil {
			return err
		}
		src := *source
		if src == "" {
			src = filepath.Base(path)
		}
		t, _ := f.Template()
		e := enrolment{prov: casefile.Provenance{Source: src, Date: *date, ImageSHA256: sum}, template: t}
		if !f.Quality.Usable {
			e.note = fmt.Sprintf(" (warning: low quality: %v)", f.Quality.Reasons)
		}
		todo = append(todo, e)
	}
	var s casefile.Subject
	if *subjectID != 0 {
		subjects, err := c.Subjects()
		if err != nil {
			return err
		}
		for _, x := range subjects {
			if x.ID == *subjectID {
				s = x
			}
		}
		if s.ID == 0 {
			return fmt.Errorf("no subject %d in the case", *subjectID)
		}
	} else if s, err = c.AddSubject(*label, *notes); err != nil {
		return err
	}
	for _, e := range todo {
		en, err := c.Enrol(s.ID, e.prov, []facedata.Template{e.template})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "subject %d (%s): enrolment %d from %s%s\n", s.ID, s.Label, en.ID, fsutil.ShowPath(e.prov.Source), e.note)
	}
	return nil
}

// pickFace chooses the face to use: the k-th (1-based) or, when k is 0,
// the only one.
func pickFace(faces []facedata.Face, k int, path string) (facedata.Face, error) {
	switch {
	case len(faces) == 0:
		return facedata.Face{}, fmt.Errorf("%s: no face found", fsutil.ShowPath(path))
	case k == 0 && len(faces) > 1:
		return facedata.Face{}, fmt.Errorf("%s shows %d faces: choose one with --face 1..%d", fsutil.ShowPath(path), len(faces), len(faces))
	case k < 0 || k > len(faces):
		return facedata.Face{}, fmt.Errorf("%s shows %d faces, there is no face %s", fsutil.ShowPath(path), len(faces), strconv.Itoa(k))
	}
	f := faces[max(k, 1)-1]
	if f.Descriptor == nil {
		return f, fmt.Errorf("%s: the face has no descriptor", fsutil.ShowPath(path))
	}
	return f, nil
}
