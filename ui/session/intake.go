package session

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"facecase/casefile"
	"facecase/progress"
)

// Intake takes files and folders (searched recursively) into the case and
// analyses each new item; first it finishes the analysis an interrupted
// run left pending (with no paths, that is all it does). Every file gets
// its own outcome through onItem (on the calling goroutine): a file that
// is neither photo nor video is StateSkipped and stays out of the case;
// one whose content is already evidence is StateDuplicate (the original
// is not touched); a file that cannot be added or analysed is StateFailed
// with the reason, and the batch carries on. Progress counts files. It
// returns ctx's error when cancelled (items finished so far stay in the
// case; an item whose analysis was cut short stays pending) and otherwise
// nil, whatever failed.
func (s *Session) Intake(ctx context.Context, paths []string, rep progress.Reporter, onItem func(ItemStatus)) error {
	if rep == nil {
		rep = progress.Discard
	}
	if onItem == nil {
		onItem = func(ItemStatus) {}
	}
	defer s.endAnalyses()
	if err := s.resumePending(ctx, onItem); err != nil {
		return err
	}
	files, bad := expandPaths(paths)
	for _, b := range bad {
		onItem(b)
	}
	for _, f := range files {
		onItem(ItemStatus{Path: f, State: StateQueued, Fraction: -1})
	}
	start := time.Now()
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		rep.Report(progress.Update{Stage: "intake", Done: int64(i), Total: int64(len(files)), Unit: "files",
			Item: filepath.Base(f), Elapsed: time.Since(start)})
		if err := s.intakeOne(ctx, f, onItem); err != nil {
			return err
		}
	}
	rep.Report(progress.Update{Stage: "intake", Done: int64(len(files)), Total: int64(len(files)), Unit: "files", Elapsed: time.Since(start)})
	return nil
}

// intakeOne adds and analyses one file; it returns an error only when ctx
// ended.
func (s *Session) intakeOne(ctx context.Context, path string, onItem func(ItemStatus)) error {
	report := func(st ItemStatus) {
		s.setStatus(st)
		onItem(st)
	}
	if mt, kind, err := casefile.SniffFile(path); err == nil && kind == casefile.KindOther {
		onItem(ItemStatus{Path: path, State: StateSkipped, Detail: "not a photo or video (" + mt + ")", Fraction: -1})
		return nil
	}
	report(ItemStatus{Path: path, State: StateAdding, Fraction: -1})
	ev, err := s.AddEvidence(ctx, path, casefile.AddOptions{Analyse: analysedKinds})
	duplicate := errors.Is(err, casefile.ErrDuplicateEvidence)
	if err != nil && !duplicate {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		report(ItemStatus{Path: path, State: StateFailed, Detail: "not added: " + err.Error(), Fraction: -1})
		return nil
	}
	if duplicate {
		// Analysed again only when its analysis never finished or failed
		// (or was never made and found nothing). Otherwise it is marked a
		// duplicate on the new file only: the original's row is untouched.
		if a, err := s.Analysis(ev.ID); err == nil && (a.State == casefile.AnalysisDone || a.Stored > 0 && a.State == casefile.AnalysisNotRequested) {
			onItem(ItemStatus{Path: path, State: StateDuplicate, Duplicate: ev.ID,
				Detail: fmt.Sprintf("already in the case as #%d %s (%d faces)", ev.ID, ev.Name, a.Stored), Fraction: -1})
			return nil
		}
	}
	return s.analyseItem(ctx, path, ev, report)
}

// analysedKinds are the kinds of evidence the app finds faces in.
var analysedKinds = []string{casefile.KindPhoto, casefile.KindVideo}

// resumePending analyses the items an interrupted run left pending.
func (s *Session) resumePending(ctx context.Context, onItem func(ItemStatus)) error {
	if s.ReadOnly() {
		return nil
	}
	pending, err := s.PendingAnalyses()
	if err != nil {
		return err
	}
	for _, p := range pending {
		ev, err := s.Evidence(p.EvidenceID)
		if err != nil {
			return err
		}
		if !slices.Contains(analysedKinds, ev.Kind) {
			continue
		}
		path := s.EvidencePath(ev)
		report := func(st ItemStatus) {
			s.setStatus(st)
			onItem(st)
		}
		if err := s.analyseItem(ctx, path, ev, report); err != nil {
			return err
		}
	}
	return nil
}

// analyseItem analyses one evidence item, reporting its progress; it
// returns an error only when ctx ended.
func (s *Session) analyseItem(ctx context.Context, path string, ev casefile.Evidence, report func(ItemStatus)) error {
	st := ItemStatus{Path: path, EvidenceID: ev.ID, State: StateAnalysing, Fraction: 0}
	report(st)
	res, err := s.Analyse(ctx, ev, progress.Func(func(u progress.Update) {
		st.Fraction = u.Fraction()
		report(st)
	}))
	switch {
	case err != nil && ctx.Err() != nil:
		report(ItemStatus{Path: path, EvidenceID: ev.ID, State: StateFailed, Detail: "cancelled", Fraction: -1})
		return ctx.Err()
	case err != nil:
		report(ItemStatus{Path: path, EvidenceID: ev.ID, State: StateFailed, Detail: err.Error(), Fraction: -1})
	default:
		report(ItemStatus{Path: path, EvidenceID: ev.ID, State: StateDone, Detail: res.String(), Fraction: 1})
	}
	return nil
}

// expandPaths lists the regular files under paths (folders are walked, in
// name order; hidden files in folders are skipped). Paths that cannot be
// read come back as failed items.
func expandPaths(paths []string) (files []string, bad []ItemStatus) {
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			bad = append(bad, ItemStatus{Path: p, State: StateFailed, Detail: "not added: " + err.Error(), Fraction: -1})
			continue
		}
		if !st.IsDir() {
			add(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				bad = append(bad, ItemStatus{Path: q, State: StateFailed, Detail: "not added: " + err.Error(), Fraction: -1})
				return nil
			}
			if q != p && len(d.Name()) > 0 && d.Name()[0] == '.' {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				found = append(found, q)
			}
			return nil
		})
		if err != nil {
			bad = append(bad, ItemStatus{Path: p, State: StateFailed, Detail: "not added: " + err.Error(), Fraction: -1})
		}
		sort.Strings(found)
		for _, q := range found {
			add(q)
		}
	}
	return files, bad
}
