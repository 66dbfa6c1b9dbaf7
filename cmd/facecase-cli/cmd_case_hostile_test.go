package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/casefile"
	"facecase/internal/testenv"
)

// newCLICase makes a case with the CLI and returns its path.
func newCLICase(t *testing.T, dir, name string) string {
	t.Helper()
	cs := filepath.Join(dir, name+casefile.Extension)
	mustCLI(t, "DS Khan", "case", "new", "--number", "2024/0117", "--title", "Kiosk robbery", "--purpose", "identify the robbers", cs)
	return cs
}

// TestCaseAddResumesInterruptedAnalysis is issue 16 B: a photo taken in
// by a run that was killed before its faces were stored. verify says the
// case is incomplete, case info warns, and the next case add finishes
// the analysis (before its own files); adding the photo again does not
// store its faces twice.
func TestCaseAddResumesInterruptedAnalysis(t *testing.T) {
	data := testenv.SharedData(t, "face_recognition")
	testenv.Model(t, "descriptor")
	testenv.Model(t, "ssd")
	dir := t.TempDir()
	cs := newCLICase(t, dir, "kiosk")
	photo := filepath.Join(data, "two_people.jpg")
	c, err := casefile.Open(cs, casefile.Options{Actor: "DC Mills"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddEvidence(context.Background(), photo, casefile.AddOptions{Analyse: []string{casefile.KindPhoto}}); err != nil {
		t.Fatal(err)
	}
	c.Close() // killed here: the faces were never stored

	code, out, errOut := caseCLI(t, "x", "verify", "--skip-media", cs)
	if code != 3 || !strings.Contains(out, "INCOMPLETE") || !strings.Contains(out, "evidence 1 (two_people.jpg): analysis never finished") {
		t.Fatalf("verify of an interrupted intake: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, _, errOut := caseCLI(t, "x", "case", "info", "--quick", cs); !strings.Contains(errOut, "evidence 1: its analysis never finished") {
		t.Fatalf("case info does not warn: %q", errOut)
	}
	out = mustCLI(t, "DC Mills", "case", "add", cs, photo)
	if !strings.Contains(out, "evidence 1: two_people.jpg, analysis left unfinished by an earlier run finished now: 2 faces") ||
		!strings.Contains(out, "already evidence 1") {
		t.Fatalf("case add after the interruption: %q", out)
	}
	if out = mustCLI(t, "x", "verify", "--skip-media", cs); !strings.Contains(out, "2 detections") || !strings.Contains(out, "OK: verified") {
		t.Fatalf("verify after resuming: %q", out)
	}
	if out = mustCLI(t, "DC Mills", "case", "add", cs); !strings.Contains(out, "no evidence of the case waits") {
		t.Fatalf("case add with nothing to do: %q", out)
	}

	// A photo taken in with --no-detect is analysed when it is added again.
	mustCLI(t, "DC Mills", "case", "add", "--no-detect", cs, filepath.Join(data, "biden.jpg"))
	out = mustCLI(t, "DC Mills", "case", "add", cs, filepath.Join(data, "biden.jpg"))
	if !strings.Contains(out, "it had not been analysed: 1 faces") {
		t.Fatalf("re-adding a photo that was never analysed: %q", out)
	}
	out = mustCLI(t, "DC Mills", "case", "add", cs, filepath.Join(data, "biden.jpg"))
	if !strings.HasSuffix(strings.TrimSpace(out), "same SHA-256") {
		t.Fatalf("adding an analysed photo again: %q", out)
	}

	// A photo that does not decode: its analysis is recorded as failed, not
	// left pending, so the case is complete.
	good, _ := os.ReadFile(photo)
	broken := filepath.Join(dir, "broken.jpg")
	os.WriteFile(broken, good[:len(good)/3], 0o444)
	code, _, errOut = caseCLI(t, "DC Mills", "case", "add", cs, broken)
	if code != 1 || !strings.Contains(errOut, "recorded as a failed analysis") {
		t.Fatalf("case add of a broken photo: exit %d %q", code, errOut)
	}
	if out = mustCLI(t, "x", "verify", "--skip-media", cs); !strings.Contains(out, "OK: verified") {
		t.Fatalf("verify after a failed analysis: %q", out)
	}
}

// TestExportRefusesTheCase is issue 16 A at the command line: "export
// --force CASE CASE" exited 0 having replaced the case with a zip.
func TestExportRefusesTheCase(t *testing.T) {
	dir := t.TempDir()
	cs := newCLICase(t, dir, "kiosk")
	a := filepath.Join(dir, "a.jpg")
	os.WriteFile(a, []byte("\xff\xd8\xff\xe0 not really a photo"), 0o444)
	mustCLI(t, "DC Mills", "case", "add", "--no-detect", cs, a)
	media := casefile.MediaDirFor(cs)
	entries, _ := os.ReadDir(media)
	if len(entries) != 1 {
		t.Fatalf("media folder holds %d files", len(entries))
	}
	copyPath := filepath.Join(media, entries[0].Name())
	for _, out := range []string{cs, copyPath, filepath.Join(media, "new.zip"), a} {
		code, _, errOut := caseCLI(t, "Clerk Reyes", "export", "--force", cs, out)
		if code != 1 || !strings.Contains(errOut, "would overwrite the case or its evidence") || strings.Contains(errOut, "--force") {
			t.Fatalf("export --force to %s: exit %d %q", out, code, errOut)
		}
	}
	if out := mustCLI(t, "x", "verify", cs); !strings.Contains(out, "OK: verified") {
		t.Fatalf("case after refused exports: %q", out)
	}
}

// TestDamagedCaseRefusesWrites is issue 16 G at the command line: a case
// verify calls damaged accepted "case add" with exit 0.
func TestDamagedCaseRefusesWrites(t *testing.T) {
	dir := t.TempDir()
	cs := newCLICase(t, dir, "kiosk")
	a := filepath.Join(dir, "a.jpg")
	b := filepath.Join(dir, "b.jpg")
	os.WriteFile(a, []byte("\xff\xd8\xff\xe0 not really a photo"), 0o444)
	os.WriteFile(b, []byte("\xff\xd8\xff\xe0 another one"), 0o444)
	mustCLI(t, "DC Mills", "case", "add", "--no-detect", cs, a)
	db, err := bolt.Open(cs, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte("evidence"))
		k := []byte{0, 0, 0, 0, 0, 0, 0, 1}
		return bk.Put(k, bytes.Replace(append([]byte(nil), bk.Get(k)...), []byte(`"size":`), []byte(`"size":1`), 1))
	})
	db.Close()
	before, _ := os.ReadFile(cs)
	code, out, errOut := caseCLI(t, "DC Mills", "case", "add", "--no-detect", cs, b)
	if code != 3 || !strings.Contains(errOut, "damaged") || !strings.Contains(errOut, "evidence 1: was changed") || strings.Contains(out, "evidence 2") {
		t.Fatalf("case add to a damaged case: exit %d\n%s\n%s", code, out, errOut)
	}
	if after, _ := os.ReadFile(cs); !bytes.Equal(before, after) {
		t.Fatal("the refused case add changed the case file")
	}
	code, out, errOut = caseCLI(t, "x", "case", "info", "--quick", cs)
	if code != 3 || !strings.Contains(out, "Kiosk robbery") || !strings.Contains(errOut, "evidence 1: was changed") {
		t.Fatalf("case info of a damaged case: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ := caseCLI(t, "x", "verify", cs); code != 3 {
		t.Fatalf("verify of the damaged case: exit %d", code)
	}
}

// TestFreshImportVerifies is issue 16 I at the command line: verify of a
// freshly imported, untouched bundle exited 3 ("evidence 1: file
// missing").
func TestFreshImportVerifies(t *testing.T) {
	dir := t.TempDir()
	cs := newCLICase(t, dir, "kiosk")
	a := filepath.Join(dir, "a.jpg")
	os.WriteFile(a, []byte("\xff\xd8\xff\xe0 not really a photo"), 0o444)
	mustCLI(t, "DC Mills", "case", "add", "--no-detect", cs, a)
	bundle := filepath.Join(dir, "kiosk.zip")
	mustCLI(t, "Clerk Reyes", "export", cs, bundle)
	elsewhere := t.TempDir()
	review := filepath.Join(elsewhere, "review")
	if out := mustCLI(t, "DI Osei", "case", "import", bundle, review); !strings.Contains(out, "no media") {
		t.Fatalf("import: %q", out)
	}
	out := mustCLI(t, "x", "verify", review)
	if !strings.Contains(out, "not_included") || !strings.Contains(out, "OK: verified") {
		t.Fatalf("verify of a fresh review copy: %q", out)
	}
	if _, _, errOut := caseCLI(t, "x", "case", "info", review); strings.Contains(errOut, "warning") {
		t.Fatalf("case info warns about a fresh review copy: %q", errOut)
	}
}

// TestReceiptsAtTheCommandLine is issue 16 H: a receipt printed at export
// and kept at every close; verify --receipt says a later state extends
// it, and a rechained audit log does not match it.
func TestReceiptsAtTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	cs := newCLICase(t, dir, "kiosk")
	a := filepath.Join(dir, "a.jpg")
	os.WriteFile(a, []byte("\xff\xd8\xff\xe0 not really a photo"), 0o444)
	code, _, errOut := caseCLI(t, "DC Mills", "case", "add", "--no-detect", cs, a)
	if code != 0 || !strings.Contains(errOut, "receipt: case 2024/0117, audit log") {
		t.Fatalf("case add: exit %d, stderr %q", code, errOut)
	}
	bundle := filepath.Join(dir, "kiosk.zip")
	receipt := filepath.Join(t.TempDir(), "kiosk-receipt.json")
	out := mustCLI(t, "Clerk Reyes", "export", "--receipt", receipt, cs, bundle)
	if !strings.Contains(out, `"format": "facecase-receipt"`) || !strings.Contains(out, "receipt.json") {
		t.Fatalf("export does not print its receipt: %q", out)
	}
	out = mustCLI(t, "x", "verify", "--receipt", receipt, bundle)
	if !strings.Contains(out, "MATCHES") || !strings.Contains(out, "this installation's key") {
		t.Fatalf("bundle against its receipt: %q", out)
	}
	if out = mustCLI(t, "x", "verify", "--receipt", receipt, cs); !strings.Contains(out, "MATCHES") {
		t.Fatalf("case against the export receipt: %q", out)
	}
	mustCLI(t, "DS Khan", "case", "settings", "--two-reviewers=true", cs)
	if out = mustCLI(t, "x", "verify", "--receipt", receipt, cs); !strings.Contains(out, "EXTENDS") {
		t.Fatalf("case that grew after the receipt: %q", out)
	}
	// The journal of this installation holds every close and export
	// receipt: all of this case, all consistent.
	journal := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "facecase", "receipts.jsonl")
	if out = mustCLI(t, "x", "verify", "--receipt", journal, cs); strings.Contains(out, "NOT MATCH") || strings.Count(out, "receipt of case") < 3 {
		t.Fatalf("case against the journal: %q", out)
	}
	if out = mustCLI(t, "x", "case", "receipt", cs); !strings.Contains(out, `"event": "request"`) {
		t.Fatalf("case receipt: %q", out)
	}
	// Rechain: open the case once more (an "open" entry, which writes no
	// record), then delete that newest entry and fix the head: verify
	// alone cannot see it.
	mustCLI(t, "DC Mills", "case", "add", cs)
	db, err := bolt.Open(cs, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		audit := tx.Bucket([]byte("audit"))
		c := audit.Cursor()
		last, _ := c.Last()
		last = append([]byte(nil), last...)
		pk, pv := c.Prev()
		sum := sha256.Sum256(pv)
		head := append(append([]byte(nil), pk...), sum[:]...)
		if err := audit.Delete(last); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("audit_head"), head)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if out = mustCLI(t, "x", "verify", cs); !strings.Contains(out, "OK: verified") {
		t.Fatalf("the rechained case should pass verify without a receipt: %q", out)
	}
	code, out, errOut = caseCLI(t, "x", "verify", "--receipt", journal, cs)
	if code != 3 || !strings.Contains(out, "DOES NOT MATCH") || !strings.Contains(errOut, "does NOT MATCH") {
		t.Fatalf("rechained case against the journal: exit %d\n%s\n%s", code, out, errOut)
	}
}
