package casefile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"facecase/progress"
)

// EvidenceState is the outcome of re-verifying an evidence file.
type EvidenceState string

// States of an evidence file.
const (
	// EvidenceOK: the file is there and its SHA-256 matches the record.
	EvidenceOK EvidenceState = "ok"
	// EvidencePresent: the file is there with the recorded size; its
	// content was not re-hashed (MediaCheckPresence).
	EvidencePresent EvidenceState = "present"
	// EvidenceMissing: the file is gone or unreadable.
	EvidenceMissing EvidenceState = "missing"
	// EvidenceChanged: the file's size or SHA-256 differs from the
	// record; it must not be used.
	EvidenceChanged EvidenceState = "changed"
	// EvidenceUnchecked: the check was skipped.
	EvidenceUnchecked EvidenceState = "unchecked"
	// EvidenceNotIncluded: the item's file is not part of this case by
	// design: a review copy imported from a bundle holds no original
	// evidence files, only the redacted photo copies the bundle carried.
	EvidenceNotIncluded EvidenceState = "not_included"
)

// EvidenceCheck is the state of one evidence file.
type EvidenceCheck struct {
	EvidenceID uint64        `json:"evidence_id"`
	Name       string        `json:"name"`
	Path       string        `json:"path"`
	State      EvidenceState `json:"state"`
	// Detail says what differs (empty when the file is fine).
	Detail string `json:"detail,omitempty"`
}

// Usable reports whether the file may be used: present and not changed.
func (ch EvidenceCheck) Usable() bool {
	return ch.State == EvidenceOK || ch.State == EvidencePresent
}

// EvidenceCheckFor returns the last check of one item (State
// EvidenceUnchecked when it was not checked).
func (c *Case) EvidenceCheckFor(id uint64) EvidenceCheck {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.checks {
		if ch.EvidenceID == id {
			return ch
		}
	}
	return EvidenceCheck{EvidenceID: id, State: EvidenceUnchecked}
}

// checkEvidenceFiles checks the file of every evidence item: the working
// copy (or referenced original), or, in a review copy imported from a
// bundle (imported not nil), the redacted copy the bundle carried.
func checkEvidenceFiles(ctx context.Context, evidence []Evidence, caseFile string, imported *ImportInfo, mode MediaCheck, rep progress.Reporter) []EvidenceCheck {
	if rep == nil {
		rep = progress.Discard
	}
	start := time.Now()
	out := make([]EvidenceCheck, 0, len(evidence))
	for i, ev := range evidence {
		if imported != nil {
			out = append(out, checkImportedCopy(ctx, ev, caseFile, imported, mode))
		} else {
			out = append(out, checkEvidenceFile(ctx, ev, caseFile, mode))
		}
		rep.Report(progress.Update{Stage: "verify", Done: int64(i + 1), Total: int64(len(evidence)), Unit: "files", Item: ev.Name, Elapsed: time.Since(start)})
	}
	return out
}

func checkEvidenceFile(ctx context.Context, ev Evidence, caseFile string, mode MediaCheck) EvidenceCheck {
	ch := EvidenceCheck{EvidenceID: ev.ID, Name: ev.Name, Path: ev.WorkingPath(caseFile), State: EvidenceUnchecked}
	return checkFileAgainst(ctx, ch, ev.Size, ev.SHA256, mode)
}

// checkImportedCopy checks the redacted copy of an item in an imported
// review copy, against the hash the export recorded.
func checkImportedCopy(ctx context.Context, ev Evidence, caseFile string, imported *ImportInfo, mode MediaCheck) EvidenceCheck {
	ch := EvidenceCheck{EvidenceID: ev.ID, Name: ev.Name, State: EvidenceNotIncluded,
		Detail: "the bundle holds no copy of it (original evidence files are never exported)"}
	m, ok := imported.mediaOf(ev.ID)
	if !ok {
		return ch
	}
	ch.Path, ch.State, ch.Detail = filepath.Join(filepath.Dir(caseFile), m.File), EvidenceUnchecked, ""
	return checkFileAgainst(ctx, ch, m.Size, m.SHA256, mode)
}

// checkFileAgainst checks the file at ch.Path against a size and SHA-256.
func checkFileAgainst(ctx context.Context, ch EvidenceCheck, size int64, sha string, mode MediaCheck) EvidenceCheck {
	if mode == MediaCheckNone {
		return ch
	}
	st, err := os.Stat(ch.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		ch.State, ch.Detail = EvidenceMissing, "file not found"
		return ch
	case err != nil:
		ch.State, ch.Detail = EvidenceMissing, err.Error()
		return ch
	case !st.Mode().IsRegular():
		ch.State, ch.Detail = EvidenceMissing, "not a regular file"
		return ch
	case st.Size() != size:
		ch.State, ch.Detail = EvidenceChanged, fmt.Sprintf("size is %d bytes, recorded %d", st.Size(), size)
		return ch
	}
	if mode == MediaCheckPresence {
		ch.State = EvidencePresent
		return ch
	}
	sum, err := hashFile(ctx, ch.Path)
	switch {
	case err != nil && ctx.Err() != nil:
		ch.State, ch.Detail = EvidenceUnchecked, "check cancelled"
	case err != nil:
		ch.State, ch.Detail = EvidenceMissing, err.Error()
	case sum != sha:
		ch.State, ch.Detail = EvidenceChanged, fmt.Sprintf("SHA-256 is %s, recorded %s", sum, sha)
	default:
		ch.State = EvidenceOK
	}
	return ch
}
