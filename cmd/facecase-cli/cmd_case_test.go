package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/casefile"
	"facecase/internal/testenv"
)

// caseCLI runs facecase-cli in-process as actor.
func caseCLI(t *testing.T, actor string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("FACECASE_ACTOR", actor)
	var out, errOut bytes.Buffer
	code := run(context.Background(), &cliEnv{stdout: &out, stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

func mustCLI(t *testing.T, actor string, args ...string) string {
	t.Helper()
	code, out, errOut := caseCLI(t, actor, args...)
	if code != 0 {
		t.Fatalf("facecase-cli %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func TestCaseCommandsWithoutEngine(t *testing.T) {
	dir := t.TempDir()
	cs := filepath.Join(dir, "op-kiosk") // .facecase is added
	out := mustCLI(t, "DS Khan", "case", "new", "--number", "2024/0117", "--title", "Kiosk robbery", "--purpose", "identify the robbers", cs)
	if !strings.Contains(out, "created case 2024/0117") {
		t.Fatalf("new: %q", out)
	}
	cs += casefile.Extension
	if code, _, errOut := caseCLI(t, "DS Khan", "case", "new", "--number", "1", "--title", "again", cs); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("new over an existing case: exit %d %q", code, errOut)
	}
	if code, _, _ := caseCLI(t, "DS Khan", "case", "new", "--title", "no number", filepath.Join(dir, "x")); code != 2 {
		t.Fatalf("new without a number: exit %d", code)
	}
	if code, _, _ := caseCLI(t, "DS Khan", "case", "frobnicate", cs); code != 2 {
		t.Fatalf("unknown subcommand: exit %d", code)
	}

	a := filepath.Join(dir, "a.jpg")
	b := filepath.Join(dir, "clip.bin")
	os.WriteFile(a, []byte("\xff\xd8\xff\xe0 not really a photo"), 0o444)
	os.WriteFile(b, []byte("some other evidence"), 0o444)
	out = mustCLI(t, "DC Mills", "case", "add", "--no-detect", "--note", "exhibit JB/1", cs, a, b)
	if !strings.Contains(out, "evidence 1: a.jpg") || !strings.Contains(out, "evidence 2: clip.bin") {
		t.Fatalf("add: %q", out)
	}
	if out = mustCLI(t, "DC Mills", "case", "add", "--no-detect", cs, a); !strings.Contains(out, "already evidence 1") {
		t.Fatalf("add twice: %q", out)
	}
	if out = mustCLI(t, "DS Khan", "case", "settings", "--two-reviewers=true", cs); !strings.Contains(out, "two-reviewers=true") {
		t.Fatalf("settings: %q", out)
	}
	var info caseInfoRecord
	if err := json.Unmarshal([]byte(mustCLI(t, "x", "case", "info", "--json", cs)), &info); err != nil {
		t.Fatal(err)
	}
	if len(info.Evidence) != 2 || info.Checks[0].State != casefile.EvidenceOK || !info.Settings.RequireTwoReviewers || info.Evidence[0].AddedBy != "DC Mills" {
		t.Fatalf("info %+v", info)
	}
	out = mustCLI(t, "x", "case", "log", cs)
	if !strings.Contains(out, "add_evidence") || !strings.Contains(out, "change_settings") || !strings.Contains(out, "hash chain intact") {
		t.Fatalf("log: %q", out)
	}

	// Export, refuse to overwrite, verify, detect a flipped byte.
	bundle := filepath.Join(dir, "kiosk.zip")
	if out = mustCLI(t, "Clerk Reyes", "export", cs, bundle); !strings.Contains(out, "manifest.json") {
		t.Fatalf("export: %q", out)
	}
	if code, _, errOut := caseCLI(t, "Clerk Reyes", "case", "export", cs, bundle); code != 1 || !strings.Contains(errOut, "--force") {
		t.Fatalf("export over the bundle: exit %d %q", code, errOut)
	}
	mustCLI(t, "Clerk Reyes", "export", "--force", cs, bundle)
	if out = mustCLI(t, "x", "verify", bundle); !strings.Contains(out, "OK: verified") {
		t.Fatalf("verify: %q", out)
	}
	raw, _ := os.ReadFile(bundle)
	flipped := filepath.Join(dir, "flipped.zip")
	raw[len(raw)/3] ^= 0x20
	os.WriteFile(flipped, raw, 0o600)
	code, out, errOut := caseCLI(t, "x", "verify", flipped)
	if code != 3 || !strings.Contains(out, "FAILED") || !strings.Contains(out, "member ") {
		t.Fatalf("verify flipped bundle: exit %d\n%s\n%s", code, out, errOut)
	}
	if out = mustCLI(t, "x", "case", "verify", cs); !strings.Contains(out, "OK: verified") {
		t.Fatalf("verify case: %q", out)
	}

	// Import as a read-only review copy.
	review := filepath.Join(dir, "review")
	if out = mustCLI(t, "DI Osei", "case", "import", bundle, review); !strings.Contains(out, "read-only case") {
		t.Fatalf("import: %q", out)
	}
	if code, _, errOut := caseCLI(t, "DI Osei", "case", "add", "--no-detect", review, a); code != 1 || !strings.Contains(errOut, "read-only") {
		t.Fatalf("add to the review copy: exit %d %q", code, errOut)
	}

	// Held open elsewhere: a clear error, no hang.
	held, err := casefile.Open(cs, casefile.Options{Actor: "UI"})
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut = cliWithin(t, "DC Mills", "case", "add", "--no-detect", cs, b)
	if code != 1 || !strings.Contains(errOut, "open elsewhere") {
		t.Fatalf("add while open elsewhere: exit %d: %q", code, errOut)
	}
	held.Close()

	// An edited audit entry: verify names it, exit 3; the case no longer opens.
	db, err := bolt.Open(cs, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte("audit"))
		k := []byte{0, 0, 0, 0, 0, 0, 0, 3}
		v := bytes.Replace(append([]byte(nil), bk.Get(k)...), []byte("DC Mills"), []byte("DC Mils"), 1)
		return bk.Put(k, v)
	})
	db.Close()
	code, out, _ = caseCLI(t, "x", "verify", "--skip-media", cs)
	if code != 3 || !strings.Contains(out, "audit entry 3") {
		t.Fatalf("verify edited case: exit %d\n%s", code, out)
	}
	if code, _, errOut := caseCLI(t, "x", "case", "info", cs); code != 3 || !strings.Contains(errOut, "audit entry 3") {
		t.Fatalf("info of edited case: exit %d %q", code, errOut)
	}
}

// TestCaseSearchWithEngine runs the whole path on real photos: enrol two
// people, take in a photo of both, search with each face, review, export
// with redacted media and verify.
func TestCaseSearchWithEngine(t *testing.T) {
	data := testenv.SharedData(t, "face_recognition/knn_examples")
	testenv.Model(t, "descriptor")
	testenv.Model(t, "ssd")
	dir := t.TempDir()
	cs := filepath.Join(dir, "obama.facecase")
	mustCLI(t, "DS Khan", "case", "new", "--number", "7", "--title", "Two faces", "--purpose", "test search", "--two-reviewers", cs)
	out := mustCLI(t, "DS Khan", "case", "enrol", "--label", "Barack Obama", "--source", "press photo", cs, filepath.Join(data, "train/obama/obama.jpg"))
	if !strings.Contains(out, "subject 1 (Barack Obama): enrolment 1") {
		t.Fatalf("enrol: %q", out)
	}
	mustCLI(t, "DS Khan", "case", "enrol", "--subject", "1", cs, filepath.Join(data, "train/obama/obama2.jpg"))
	mustCLI(t, "DS Khan", "case", "enrol", "--label", "Joe Biden", cs, filepath.Join(data, "train/biden/biden.jpg"))
	if code, _, errOut := caseCLI(t, "DS Khan", "case", "enrol", "--label", "Nobody", cs, filepath.Join(data, "test/obama_and_biden.jpg")); code != 1 || !strings.Contains(errOut, "--face") {
		t.Fatalf("enrol from a photo of two: exit %d %q", code, errOut)
	}
	out = mustCLI(t, "DC Mills", "case", "add", cs, filepath.Join(data, "test/obama_and_biden.jpg"))
	var faces int
	if _, err := fmt.Sscanf(out[strings.LastIndex(out, ", ")+2:], "%d faces", &faces); err != nil || !strings.HasPrefix(out, "evidence 1:") || faces < 2 {
		t.Fatalf("add: %q", out)
	}
	found := map[string]casefile.SearchRecord{}
	for face := 1; face <= faces; face++ {
		var rec casefile.SearchRecord
		if err := json.Unmarshal([]byte(mustCLI(t, "DC Mills", "case", "search", "--evidence", "1", "--face", strconv.Itoa(face), "--json", cs)), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Point.TargetFMR != 1e-4 || !strings.Contains(rec.Normalisation, "shipped cohort") {
			t.Fatalf("face %d: operating point %+v, normalisation %q", face, rec.Point, rec.Normalisation)
		}
		for _, cand := range rec.Candidates {
			if cand.Score > rec.Point.Threshold {
				t.Fatalf("face %d: candidate beyond the operating point: %+v", face, cand)
			}
		}
		if len(rec.Candidates) > 0 {
			found[rec.Candidates[0].Label] = rec
		}
	}
	obama, ok1 := found["Barack Obama"]
	_, ok2 := found["Joe Biden"]
	if !ok1 || !ok2 {
		t.Fatalf("the two faces matched %v", found)
	}
	args := []string{"case", "review", "--search", strconv.FormatUint(obama.ID, 10), "--subject", "1", "--decision", "confirm", cs}
	if out = mustCLI(t, "DS Khan", args...); !strings.Contains(out, "awaiting second review") {
		t.Fatalf("first review: %q", out)
	}
	if out = mustCLI(t, "DI Osei", args...); !strings.Contains(out, "status: confirmed") {
		t.Fatalf("second review: %q", out)
	}
	bundle := filepath.Join(dir, "b.zip")
	out = mustCLI(t, "Clerk Reyes", "export", "--media", cs, bundle)
	if !strings.Contains(out, "media/000001_obama_and_biden.jpg") {
		t.Fatalf("export: %q", out)
	}
	var rec verifyRecord
	if err := json.Unmarshal([]byte(mustCLI(t, "x", "verify", "--json", bundle)), &rec); err != nil {
		t.Fatal(err)
	}
	if !rec.OK || rec.Bundle.Snapshot.Detections != uint64(faces) {
		t.Fatalf("verify: %+v", rec)
	}
}
