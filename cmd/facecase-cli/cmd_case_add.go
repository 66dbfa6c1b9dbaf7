package main

import (
	"context"
	"errors"
	"fmt"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/internal/fsutil"
)

func init() {
	registerCaseSub(&command{
		name: "add",
		summary: "take files in as evidence (hashed, copied read-only) and store the faces of photos; " +
			"first finishes the analysis an interrupted run left pending (with no FILE, only that)",
		usage: "[--reference] [--note TEXT] [--no-detect] [--detector NAME] [--min-face PX] [--actor NAME] CASE [FILE...]",
		run:   runCaseAdd,
	})
}

func runCaseAdd(ctx context.Context, env *cliEnv, args []string) error {
	fs := caseFlags(env, "add")
	reference := fs.Bool("reference", false, "keep the files where they are instead of copying them into the case's media folder")
	note := fs.String("note", "", "note kept with each item (an exhibit reference, for example)")
	noDetect := fs.Bool("no-detect", false, "do not look for faces in photos")
	detector := facedata.DefaultDetector
	detectorFlag(fs, &detector, "")
	minFace := newIntFlag(fs, "min-face", "PX", 20, minFaceRange, "smallest face to find, in pixels")
	actor := actorFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		return fmt.Errorf("%w: need a case (and the files to add)", errUsage)
	}
	c, err := openCase(fs.Arg(0), *actor)
	if err != nil {
		return err
	}
	defer closeCase(env, c)
	engine := newCaseEngine(detector, *minFace)
	defer engine.Close()
	a := &caseAdder{ctx: ctx, env: env, c: c, engine: engine, detect: !*noDetect}
	if err := a.resumePending(); err != nil {
		return err
	}
	files := fs.Args()[1:]
	if len(files) == 0 && a.resumed == 0 {
		fmt.Fprintln(env.stdout, "no files given, and no evidence of the case waits for its analysis")
	}
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		a.add(path, casefile.AddOptions{Reference: *reference, Note: *note})
	}
	if a.failed > 0 {
		return fmt.Errorf("%d of %d items failed", a.failed, len(files)+a.resumed)
	}
	return nil
}

// caseAdder takes files into a case and stores the faces of photos. A
// photo is committed with its analysis pending, and its faces and the
// "done" mark are stored in one transaction, so an interrupted run (Ctrl-C,
// a crash, a kill) leaves it pending: the next run finishes it.
type caseAdder struct {
	ctx     context.Context
	env     *cliEnv
	c       *casefile.Case
	engine  *caseEngine
	detect  bool
	resumed int // pending items this run tried to finish
	failed  int
}

// resumePending finishes the analysis of the photos an interrupted run
// left pending, and says which pending items it cannot finish.
func (a *caseAdder) resumePending() error {
	pending, err := a.c.PendingAnalyses()
	if err != nil {
		return err
	}
	for _, st := range pending {
		if err := a.ctx.Err(); err != nil {
			return err
		}
		ev, err := a.c.Evidence(st.EvidenceID)
		if err != nil {
			return err
		}
		switch {
		case !a.detect:
			fmt.Fprintf(a.env.stderr, "note: evidence %d (%s) waits for its analysis; run 'facecase-cli case add %s' without --no-detect to finish it\n",
				ev.ID, ev.Name, a.c.Path())
			continue
		case ev.Kind != casefile.KindPhoto:
			fmt.Fprintf(a.env.stderr, "note: evidence %d (%s, a %s) waits for its analysis; open the case in the app, or run 'facecase-cli scan --case %s' on the file, to finish it\n",
				ev.ID, ev.Name, ev.Kind, a.c.Path())
			continue
		}
		a.resumed++
		n, err := a.storeFaces(ev)
		if err != nil {
			a.failed++
			fmt.Fprintf(a.env.stderr, "evidence %d (%s): the analysis an earlier run left unfinished failed: %v%s\n", ev.ID, ev.Name, err, a.recordFailure(ev, err))
			continue
		}
		fmt.Fprintf(a.env.stdout, "evidence %d: %s, analysis left unfinished by an earlier run finished now: %d faces\n", ev.ID, ev.Name, n)
	}
	return nil
}

// add takes one file in and stores its faces.
func (a *caseAdder) add(path string, opts casefile.AddOptions) {
	w := a.env.stdout
	if a.detect {
		opts.Analyse = []string{casefile.KindPhoto}
	}
	ev, err := a.c.AddEvidence(a.ctx, path, opts)
	switch {
	case errors.Is(err, casefile.ErrDuplicateEvidence):
		a.addAgain(path, ev)
		return
	case err != nil:
		a.failed++
		fmt.Fprintf(a.env.stderr, "%v\n", err)
		return
	}
	fmt.Fprintf(w, "evidence %d: %s, %s, %d bytes, SHA-256 %s", ev.ID, fsutil.ShowPath(ev.Name), ev.MediaType, ev.Size, ev.SHA256)
	if !a.detect || ev.Kind != casefile.KindPhoto {
		fmt.Fprintln(w)
		return
	}
	n, err := a.storeFaces(ev)
	if err != nil {
		a.failed++
		fmt.Fprintln(w)
		fmt.Fprintf(a.env.stderr, "evidence %d (%s) was added, but its faces were not stored: %v%s\n", ev.ID, fsutil.ShowPath(ev.Name), err, a.recordFailure(ev, err))
		return
	}
	fmt.Fprintf(w, ", %d faces\n", n)
}

// addAgain handles a file that is already evidence: a photo whose
// analysis never finished (or was never asked for and found nothing) is
// analysed now; anything else is left as it is.
func (a *caseAdder) addAgain(path string, ev casefile.Evidence) {
	w := a.env.stdout
	st, err := a.c.Analysis(ev.ID)
	if err != nil {
		a.failed++
		fmt.Fprintf(a.env.stderr, "%s: %v\n", fsutil.ShowPath(path), err)
		return
	}
	unanalysed := st.State == casefile.AnalysisPending || st.State == casefile.AnalysisFailed ||
		(st.State == casefile.AnalysisNotRequested && st.Stored == 0)
	if !a.detect || ev.Kind != casefile.KindPhoto || !unanalysed {
		fmt.Fprintf(w, "%s: already evidence %d (%s), same SHA-256\n", fsutil.ShowPath(path), ev.ID, fsutil.ShowPath(ev.Name))
		return
	}
	n, err := a.storeFaces(ev)
	if err != nil {
		a.failed++
		fmt.Fprintf(a.env.stderr, "%s: already evidence %d, but its faces were not stored: %v%s\n", fsutil.ShowPath(path), ev.ID, err, a.recordFailure(ev, err))
		return
	}
	fmt.Fprintf(w, "%s: already evidence %d (%s), same SHA-256; it had not been analysed: %d faces\n", fsutil.ShowPath(path), ev.ID, fsutil.ShowPath(ev.Name), n)
}

// recordFailure records a failed analysis (an interrupted one stays
// pending, to be resumed) and says what happens to the item next.
func (a *caseAdder) recordFailure(ev casefile.Evidence, err error) string {
	if a.ctx.Err() != nil {
		return fmt.Sprintf("\n(its analysis stays pending: run 'facecase-cli case add %s' to finish it)", a.c.Path())
	}
	if ferr := a.c.FailAnalysis(ev.ID, err.Error()); ferr != nil {
		return fmt.Sprintf("\n(and the failure could not be recorded: %v)", ferr)
	}
	return "\n(recorded as a failed analysis: add the file again to retry)"
}

// storeFaces analyses a photo evidence item (see analysePhoto).
func (a *caseAdder) storeFaces(ev casefile.Evidence) (int, error) {
	return analysePhoto(a.ctx, a.c, a.engine, ev)
}

// analysePhoto finds the faces of a photo evidence item (reading the
// case's working copy) and stores them as detections of frame 0, with the
// analysis marked done in the same transaction. An item taken in without
// analysis, or whose analysis failed before, is marked pending first, so
// an interruption is never silent.
func analysePhoto(ctx context.Context, c *casefile.Case, engine *caseEngine, ev casefile.Evidence) (int, error) {
	if ch := c.EvidenceCheckFor(ev.ID); ch.State == casefile.EvidenceMissing || ch.State == casefile.EvidenceChanged {
		return 0, fmt.Errorf("the evidence file is %s (%s); it is not analysed", ch.State, ch.Detail)
	}
	st, err := c.Analysis(ev.ID)
	if err != nil {
		return 0, err
	}
	if st.State == casefile.AnalysisNotRequested || st.State == casefile.AnalysisFailed {
		if err := c.RequestAnalysis(ev.ID); err != nil {
			return 0, err
		}
		st.State = casefile.AnalysisPending
	}
	faces, err := engine.faces(ctx, c.EvidencePath(ev))
	if err != nil {
		return 0, err
	}
	if _, err := c.StoreAnalysis(ctx, ev.ID, st.StillToStore(facesToDetections(ev.ID, faces)), nil); err != nil {
		return 0, err
	}
	return len(faces), nil
}
