package main

import (
	"context"
	"errors"
	"fmt"

	"facecase/casefile"
	"facecase/internal/fsutil"
)

func init() {
	registerCaseSub(&command{
		name:    "add",
		summary: "take files in as evidence (hashed, copied read-only) and store the faces of photos",
		usage:   "[--reference] [--note TEXT] [--no-detect] [--detector NAME] [--min-face PX] [--actor NAME] CASE FILE...",
		run:     runCaseAdd,
	})
}

func runCaseAdd(ctx context.Context, env *cliEnv, args []string) error {
	fs := caseFlags(env, "add")
	reference := fs.Bool("reference", false, "keep the files where they are instead of copying them into the case's media folder")
	note := fs.String("note", "", "note kept with each item (an exhibit reference, for example)")
	noDetect := fs.Bool("no-detect", false, "do not look for faces in photos")
	detector := fs.String("detector", "ssd", "face detector: ssd, blazeface, hog or haar")
	minFace := newIntFlag(fs, "min-face", "PX", 20, minFaceRange, "smallest face to find, in pixels")
	actor := actorFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 2 {
		return fmt.Errorf("%w: need a case and at least one file", errUsage)
	}
	c, err := openCase(fs.Arg(0), *actor)
	if err != nil {
		return err
	}
	defer c.Close()
	engine := newCaseEngine(*detector, *minFace)
	defer engine.Close()
	failed := 0
	for _, path := range fs.Args()[1:] {
		if err := ctx.Err(); err != nil {
			return err
		}
		ev, err := c.AddEvidence(ctx, path, casefile.AddOptions{Reference: *reference, Note: *note})
		switch {
		case errors.Is(err, casefile.ErrDuplicateEvidence):
			fmt.Fprintf(env.stdout, "%s: already evidence %d (%s), same SHA-256\n", fsutil.ShowPath(path), ev.ID, fsutil.ShowPath(ev.Name))
			continue
		case err != nil:
			failed++
			fmt.Fprintf(env.stderr, "%v\n", err)
			continue
		}
		fmt.Fprintf(env.stdout, "evidence %d: %s, %s, %d bytes, SHA-256 %s", ev.ID, fsutil.ShowPath(ev.Name), ev.MediaType, ev.Size, ev.SHA256)
		if *noDetect || ev.Kind != casefile.KindPhoto {
			fmt.Fprintln(env.stdout)
			continue
		}
		n, err := storePhotoFaces(ctx, c, engine, ev)
		if err != nil {
			failed++
			fmt.Fprintf(env.stdout, "\n")
			fmt.Fprintf(env.stderr, "evidence %d (%s) was added, but its faces were not stored: %v\n", ev.ID, fsutil.ShowPath(ev.Name), err)
			continue
		}
		fmt.Fprintf(env.stdout, ", %d faces\n", n)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files failed", failed, fs.NArg()-1)
	}
	return nil
}

// storePhotoFaces finds the faces of a photo evidence item (reading the
// case's working copy) and stores them as detections of frame 0.
func storePhotoFaces(ctx context.Context, c *casefile.Case, engine *caseEngine, ev casefile.Evidence) (int, error) {
	if ch := c.EvidenceCheckFor(ev.ID); ch.State == casefile.EvidenceMissing || ch.State == casefile.EvidenceChanged {
		return 0, fmt.Errorf("the evidence file is %s (%s); it is not analysed", ch.State, ch.Detail)
	}
	faces, err := engine.faces(ctx, c.EvidencePath(ev))
	if err != nil {
		return 0, err
	}
	if len(faces) == 0 {
		return 0, nil
	}
	_, err = c.AddDetections(ctx, facesToDetections(ev.ID, faces), nil)
	return len(faces), err
}
