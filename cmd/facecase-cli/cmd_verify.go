package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
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

const verifyUsage = "[--skip-media] [--receipt FILE] [--json] BUNDLE.zip|CASE"

// verifyRecord is what verify --json prints.
type verifyRecord struct {
	Kind   string                 `json:"kind"` // "bundle" or "case"
	OK     bool                   `json:"ok"`
	Bundle *casefile.BundleReport `json:"bundle,omitempty"`
	Case   *casefile.CaseReport   `json:"case,omitempty"`
	// Receipts are the checks against --receipt.
	Receipts []casefile.ReceiptCheck `json:"receipts,omitempty"`
	// OtherReceipts counts receipts in the file that are of other cases.
	OtherReceipts int `json:"other_receipts,omitempty"`
}

func runVerify(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, commands["verify"])
	skipMedia := fs.Bool("skip-media", false, "for a case file: do not re-hash the evidence files")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	receiptFile := fs.String("receipt", "", "also check the audit log against a receipt (made at export, at close, or by 'case receipt'), "+
		"or against every receipt of this case in a receipt journal: it matches, extends the receipt (entries added since), or does not match (rewritten)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var receipts []casefile.Receipt
	if *receiptFile != "" {
		var err error
		if receipts, err = readReceiptFile(*receiptFile); err != nil {
			return err
		}
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
	var found *casefile.Findings
	var checkReceipts func([]casefile.Receipt, ed25519.PublicKey) ([]casefile.ReceiptCheck, int, error)
	if isZip {
		r, err := casefile.VerifyBundle(ctx, path, rep)
		done()
		if err != nil {
			return err
		}
		rec = verifyRecord{Kind: "bundle", OK: r.OK(), Bundle: r}
		found, checkReceipts = &r.Findings, r.CheckReceipts
	} else {
		r, err := casefile.Verify(ctx, casePathArg(path), casefile.VerifyOptions{SkipMedia: *skipMedia, Progress: rep})
		done()
		if err != nil {
			return err
		}
		rec = verifyRecord{Kind: "case", OK: r.OK(), Case: r}
		found, checkReceipts = &r.Findings, r.CheckReceipts
	}
	local := localPublicKey()
	var receiptErr error
	if len(receipts) > 0 && found.Intact() {
		rec.Receipts, rec.OtherReceipts, receiptErr = checkReceipts(receipts, local)
		for _, ch := range rec.Receipts {
			if !ch.OK() {
				rec.OK = false
				receiptErr = &exitError{code: 3, err: fmt.Errorf("%s does NOT MATCH the receipt of %s: %s", path, ch.Receipt.Time.Format("2006-01-02 15:04:05Z"), ch.Detail)}
				break
			}
		}
		if receiptErr == nil && len(rec.Receipts) == 0 {
			receiptErr = fmt.Errorf("%s holds no receipt of this case (%d receipts of other cases)", *receiptFile, rec.OtherReceipts)
		}
	}
	if *asJSON {
		if err := printJSON(env.stdout, rec); err != nil {
			return err
		}
	} else {
		printVerifyText(env.stdout, rec)
		printReceiptChecks(env.stdout, rec, local)
	}
	switch {
	case receiptErr != nil:
		return receiptErr
	case !found.Intact():
		return &exitError{code: 3, err: fmt.Errorf("%s FAILED verification: %s", fsutil.ShowPath(path), found.Problems[0])}
	case !found.OK():
		return &exitError{code: 3, err: fmt.Errorf("%s is INCOMPLETE: %s", fsutil.ShowPath(path), found.Unfinished[0])}
	}
	return nil
}

func printVerifyText(w io.Writer, rec verifyRecord) {
	var found casefile.Findings
	if b := rec.Bundle; b != nil {
		fmt.Fprintf(w, "bundle %s\n  %d bytes, SHA-256 %s\n", b.Path, b.Size, b.SHA256)
		fmt.Fprintf(w, "  exported %s by %s; audit log %d entries, newest SHA-256 %s\n",
			b.Export.Time.Format("2006-01-02 15:04:05Z"), b.Export.Actor, b.AuditHead.Seq, b.AuditHead.SHA256)
		for _, m := range b.Members {
			fmt.Fprintf(w, "  %-40s %12d  %s\n", m.Name, m.Size, m.SHA256)
		}
		found = b.Findings
	}
	if c := rec.Case; c != nil {
		fmt.Fprintf(w, "case %s\n  audit log %d entries, newest SHA-256 %s\n  %d records and %d detections compared with their audit entries\n",
			c.Path, c.AuditEntries, c.AuditHead.SHA256, c.Records, c.Detections)
		for _, ch := range c.Evidence {
			fmt.Fprintf(w, "  evidence %d %-30s %s %s\n", ch.EvidenceID, fsutil.ShowPath(ch.Name), ch.State, ch.Detail)
		}
		found = c.Findings
	}
	switch {
	case !found.Intact():
		fmt.Fprintf(w, "FAILED: %d problems\n", len(found.Problems))
		for _, p := range found.Problems {
			fmt.Fprintf(w, "  %s: %s\n", p.Where, p.What)
		}
	case receiptsFail(rec.Receipts):
		fmt.Fprintln(w, "FAILED: the file is consistent in itself, but its audit log does not match a receipt made before (see below)")
	case !found.OK():
		fmt.Fprintf(w, "INCOMPLETE: nothing was changed, but the analysis of %d evidence items never finished\n", len(found.Unfinished))
	default:
		fmt.Fprintln(w, "OK: verified, nothing was changed")
		return
	}
	for _, p := range found.Unfinished {
		fmt.Fprintf(w, "  %s: %s\n", p.Where, p.What)
	}
}

// printReceiptChecks prints the bundle's own receipt and the checks
// against --receipt.
func printReceiptChecks(w io.Writer, rec verifyRecord, local ed25519.PublicKey) {
	if b := rec.Bundle; b != nil && b.Receipt != nil {
		fmt.Fprintf(w, "receipt in the bundle: signed by key %s%s\n", b.Receipt.KeyID, whoseKey(b.Receipt.PublicKey, local))
	}
	for _, ch := range rec.Receipts {
		status := strings.ToUpper(strings.ReplaceAll(string(ch.Status), "_", " "))
		fmt.Fprintf(w, "receipt of case %s, %s at %s, key %s%s:\n  %s: %s\n", ch.Receipt.Case.Number, ch.Receipt.Event,
			ch.Receipt.Time.Format("2006-01-02 15:04:05Z"), ch.Receipt.KeyID, whoseKey(ch.Receipt.PublicKey, local), status, ch.Detail)
	}
	if rec.OtherReceipts > 0 {
		fmt.Fprintf(w, "%d receipts in the file are of other cases\n", rec.OtherReceipts)
	}
}

// receiptsFail reports whether a receipt check failed.
func receiptsFail(checks []casefile.ReceiptCheck) bool {
	for _, ch := range checks {
		if !ch.OK() {
			return true
		}
	}
	return false
}

// whoseKey says whether a receipt's key is this installation's.
func whoseKey(public string, local ed25519.PublicKey) string {
	switch {
	case local == nil:
		return " (this installation has no key: compare the key id with your records)"
	case public == base64.StdEncoding.EncodeToString(local):
		return " (this installation's key)"
	}
	return " (not this installation's key: compare the key id with your records)"
}

// localPublicKey is this installation's receipt key, or nil when it has
// none (verify never creates one).
func localPublicKey() ed25519.PublicKey {
	dir, err := casefile.KeyDir()
	if err != nil {
		return nil
	}
	k, err := casefile.LoadSigningKey(dir)
	if err != nil {
		return nil
	}
	return k.PublicKey()
}

// readReceiptFile reads the receipts of --receipt.
func readReceiptFile(path string) ([]casefile.Receipt, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rs, err := casefile.ParseReceipts(f)
	if err != nil {
		return nil, fmt.Errorf("receipt file %s: %w", path, err)
	}
	return rs, nil
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
