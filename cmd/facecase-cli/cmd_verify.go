package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"facecase/casefile"
	"facecase/internal/fsutil"
)

func init() {
	register(&command{
		name:    "verify",
		summary: "verify an export bundle or a case file; any change is named (exit 3)",
		usage:   verifyUsage,
		run:     runVerify,
	})
	registerCaseSub(&command{name: "verify", summary: "same as facecase-cli verify", usage: verifyUsage, run: runVerify})
}

const verifyUsage = "[--skip-media] [--json] BUNDLE.zip|CASE"

// verifyRecord is what verify --json prints.
type verifyRecord struct {
	Kind   string                 `json:"kind"` // "bundle" or "case"
	OK     bool                   `json:"ok"`
	Bundle *casefile.BundleReport `json:"bundle,omitempty"`
	Case   *casefile.CaseReport   `json:"case,omitempty"`
}

func runVerify(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, commands["verify"])
	skipMedia := fs.Bool("skip-media", false, "for a case file: do not re-hash the evidence files")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: need exactly one bundle or case file", errUsage)
	}
	path := fs.Arg(0)
	isZip, err := looksLikeZip(path)
	if err != nil {
		return err
	}
	rep, done := exportProgress(env, *asJSON)
	var rec verifyRecord
	var problems []casefile.Problem
	if isZip {
		r, err := casefile.VerifyBundle(ctx, path, rep)
		done()
		if err != nil {
			return err
		}
		rec = verifyRecord{Kind: "bundle", OK: r.OK(), Bundle: r}
		problems = r.Problems
	} else {
		r, err := casefile.Verify(ctx, casePathArg(path), casefile.VerifyOptions{SkipMedia: *skipMedia, Progress: rep})
		done()
		if err != nil {
			return err
		}
		rec = verifyRecord{Kind: "case", OK: r.OK(), Case: r}
		problems = r.Problems
	}
	if *asJSON {
		if err := printJSON(env.stdout, rec); err != nil {
			return err
		}
	} else {
		printVerifyText(env.stdout, rec)
	}
	if len(problems) > 0 {
		return &exitError{code: 3, err: fmt.Errorf("%s FAILED verification: %s", fsutil.ShowPath(path), problems[0])}
	}
	return nil
}

func printVerifyText(w io.Writer, rec verifyRecord) {
	var problems []casefile.Problem
	if b := rec.Bundle; b != nil {
		fmt.Fprintf(w, "bundle %s\n  %d bytes, SHA-256 %s\n", b.Path, b.Size, b.SHA256)
		fmt.Fprintf(w, "  exported %s by %s; audit log %d entries, newest SHA-256 %s\n",
			b.Export.Time.Format("2006-01-02 15:04:05Z"), b.Export.Actor, b.AuditHead.Seq, b.AuditHead.SHA256)
		for _, m := range b.Members {
			fmt.Fprintf(w, "  %-40s %12d  %s\n", m.Name, m.Size, m.SHA256)
		}
		problems = b.Problems
	}
	if c := rec.Case; c != nil {
		fmt.Fprintf(w, "case %s\n  audit log %d entries, newest SHA-256 %s\n  %d records and %d detections compared with their audit entries\n",
			c.Path, c.AuditEntries, c.AuditHead.SHA256, c.Records, c.Detections)
		for _, ch := range c.Evidence {
			fmt.Fprintf(w, "  evidence %d %-30s %s %s\n", ch.EvidenceID, fsutil.ShowPath(ch.Name), ch.State, ch.Detail)
		}
		problems = c.Problems
	}
	if len(problems) == 0 {
		fmt.Fprintln(w, "OK: verified, nothing was changed")
		return
	}
	fmt.Fprintf(w, "FAILED: %d problems\n", len(problems))
	for _, p := range problems {
		fmt.Fprintf(w, "  %s: %s\n", p.Where, p.What)
	}
}

// looksLikeZip tells a bundle from a case file: by the .zip name, else by
// the zip signature (a bundle damaged at its first byte is still checked
// as a bundle when it is named .zip).
func looksLikeZip(path string) (bool, error) {
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		return true, nil
	}
	f, err := fsutil.OpenRegular(path) // a named pipe would block here
	if errors.Is(err, fsutil.ErrNotRegular) {
		return false, fmt.Errorf("%s %w", fsutil.ShowPath(path), err)
	}
	if err != nil {
		if _, err2 := os.Stat(casePathArg(path)); err2 == nil {
			return false, nil
		}
		return false, err
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	return bytes.HasPrefix(head[:n], []byte("PK\x03\x04")) || bytes.HasPrefix(head[:n], []byte("PK\x05\x06")), nil
}
