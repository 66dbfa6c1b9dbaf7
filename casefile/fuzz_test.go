package casefile

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"facecase/media"
)

// fuzzSeedDir is the folder of a fuzz target's seed files. They hold
// times and keys, so each making differs: the fuzzing process makes them
// (make writes into the folder) and passes the folder to its worker
// processes in the environment variable env, so that every process
// checks inputs against the same seeds.
func fuzzSeedDir(f *testing.F, env string, make func(dir string)) string {
	f.Helper()
	if dir := os.Getenv(env); dir != "" {
		return dir
	}
	dir := f.TempDir()
	make(dir)
	f.Setenv(env, dir)
	return dir
}

// fuzzSeeds are real bundles: a signed one with redacted media, and an
// unsigned one without.
type fuzzSeeds struct {
	bundles [][]byte
	// members of the signed bundle, in order, and their timestamp
	members          []fuzzMember
	dosTime, dosDate uint16
}

type fuzzMember struct {
	name string
	data []byte
}

func seedsForFuzz(f *testing.F) *fuzzSeeds {
	f.Helper()
	names := []string{"signed.zip", "plain.zip"}
	dir := fuzzSeedDir(f, "FACECASE_FUZZ_BUNDLES", func(dir string) {
		fx := newExportFixture(f, 5)
		key, err := LoadOrCreateSigningKey(f.TempDir())
		if err != nil {
			f.Fatal(err)
		}
		for i, opts := range []ExportOptions{{Media: true, Redactor: media.RedactPhoto, Signer: key}, {}} {
			if _, err := Export(context.Background(), fx.c, filepath.Join(dir, names[i]), opts, nil); err != nil {
				f.Fatal(err)
			}
		}
	})
	s := &fuzzSeeds{}
	for _, name := range names {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			f.Fatal(err)
		}
		s.bundles = append(s.bundles, raw)
	}
	signed := filepath.Join(dir, names[0])
	zr, err := zip.NewReader(bytes.NewReader(s.bundles[0]), int64(len(s.bundles[0])))
	if err != nil {
		f.Fatal(err)
	}
	s.dosTime, s.dosDate = zr.File[0].ModifiedTime, zr.File[0].ModifiedDate
	for _, zf := range zr.File {
		s.members = append(s.members, fuzzMember{zf.Name, readZipMember(f, signed, zf.Name)})
	}
	return s
}

// FuzzBundleReader feeds any bytes to VerifyBundle as a bundle file. It
// must never panic or fault, and must pass nothing but a bundle facecase
// wrote: verification rebuilds the file and compares it byte for byte.
func FuzzBundleReader(f *testing.F) {
	s := seedsForFuzz(f)
	for _, b := range s.bundles {
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "bundle.zip")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := VerifyBundle(context.Background(), p, nil)
		seed := false
		for _, b := range s.bundles {
			seed = seed || bytes.Equal(b, data)
		}
		switch {
		case err != nil && seed:
			t.Fatalf("a bundle facecase wrote cannot be read: %v", err)
		case err != nil:
		case seed && !rep.OK():
			t.Fatalf("a bundle facecase wrote fails: %v", rep.Problems)
		case !seed && rep.OK():
			t.Fatalf("a changed bundle verified (%d bytes)", len(data))
		}
	})
}

// FuzzBundleManifest puts any bytes in a bundle as its manifest.json,
// every other member as facecase wrote it. Parsing must never panic, and
// the bundle verifies only with the manifest facecase wrote.
func FuzzBundleManifest(f *testing.F) {
	s := seedsForFuzz(f)
	manifest := s.members[len(s.members)-1].data
	if s.members[len(s.members)-1].name != MemberManifest {
		f.Fatal("the manifest is not the last member")
	}
	f.Add(manifest)
	f.Add([]byte(`{"format":"facecase-bundle","members":[{"name":"../../etc/passwd","size":-1}]}`))
	f.Add([]byte(`{"format":"facecase-bundle","format_version":99,"audit_head":{"seq":18446744073709551615}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := parseManifest(data); err == nil && m.Format != "facecase-bundle" {
			t.Fatalf("parsed a manifest of format %q", m.Format)
		}
		var buf bytes.Buffer
		z := newBundleZipDOS(&buf, s.dosTime, s.dosDate)
		for _, m := range s.members {
			content := m.data
			if m.name == MemberManifest {
				content = data
			}
			w, err := z.create(m.name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(content)
		}
		if err := z.close(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "bundle.zip")
		if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := VerifyBundle(context.Background(), p, nil)
		if err != nil {
			t.Fatalf("a bundle with a changed manifest cannot be read: %v", err)
		}
		if same := bytes.Equal(data, manifest); rep.OK() != same {
			t.Fatalf("manifest as written %v, bundle verified %v: %v", same, rep.OK(), rep.Problems)
		}
	})
}

// chainSeeds is the audit log of a small case (as audit.jsonl holds it),
// its head and a signed receipt of it.
func chainSeeds(f *testing.F) ([]byte, AuditHead, Receipt) {
	f.Helper()
	dir := fuzzSeedDir(f, "FACECASE_FUZZ_CHAIN", func(dir string) {
		c := newTestCase(f)
		ev := addTestEvidence(f, c, "a.jpg")
		if _, err := c.AddDetections(context.Background(), testDetections(newRand(1), ev.ID, 3), nil); err != nil {
			f.Fatal(err)
		}
		if _, err := c.AddSubject("Alice Example", ""); err != nil {
			f.Fatal(err)
		}
		key, err := LoadOrCreateSigningKey(f.TempDir())
		if err != nil {
			f.Fatal(err)
		}
		r, err := c.Receipt(key, ReceiptOnDemand)
		if err != nil {
			f.Fatal(err)
		}
		entries, err := c.AuditLog()
		if err != nil {
			f.Fatal(err)
		}
		var log []byte
		for _, e := range entries {
			log = append(append(log, e.Raw...), '\n')
		}
		rj, _ := r.Indented()
		writeTestFile(f, dir, "audit.jsonl", log)
		writeTestFile(f, dir, "receipt.json", rj)
	})
	log, err := os.ReadFile(filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		f.Fatal(err)
	}
	rf, err := os.Open(filepath.Join(dir, "receipt.json"))
	if err != nil {
		f.Fatal(err)
	}
	defer rf.Close()
	rs, err := ParseReceipts(rf)
	if err != nil {
		f.Fatal(err)
	}
	r := rs[0]
	return log, AuditHead{Seq: r.Chain.Entries, SHA256: r.Chain.Head}, r
}

// FuzzAuditChain runs the audit-chain checker, and the receipt check, on
// any audit log (the lines of audit.jsonl) and recorded head. Neither may
// panic, and the checker passes exactly the chains a plain re-check of
// every link passes; a receipt matches only the chain it was made of.
func FuzzAuditChain(f *testing.F) {
	auditLog, head, receipt := chainSeeds(f)
	f.Add(auditLog, head.Seq, head.SHA256)
	lines := bytes.SplitAfter(auditLog, []byte("\n"))
	f.Add(bytes.Join(lines[:len(lines)-2], nil), head.Seq-1, head.SHA256) // newest entry deleted
	f.Add([]byte{}, uint64(0), zeroHash)
	f.Fuzz(func(t *testing.T, log []byte, headSeq uint64, headHash string) {
		var entries [][]byte
		if len(log) > 0 {
			entries = bytes.Split(bytes.TrimSuffix(log, []byte("\n")), []byte("\n"))
		}
		var cc chainChecker
		var facts chainFacts
		var err error
		for i, raw := range entries {
			var e AuditEntry
			if e, err = cc.next(u64Key(uint64(i+1)), raw); err != nil {
				break
			}
			facts = append(facts, e.Hash)
		}
		if err == nil {
			err = cc.end(AuditHead{Seq: headSeq, SHA256: headHash})
		}
		if want := plainChainCheck(entries, headSeq, headHash); (err == nil) != want {
			t.Fatalf("chain checker says %v, a plain re-check says intact=%v", err, want)
		}
		if err != nil {
			return
		}
		ch := facts.check(receipt, nil)
		n := receipt.Chain.Entries
		prefix := uint64(len(facts)) >= n && n > 0 && facts[n-1] == receipt.Chain.Head && facts[0] == receipt.Chain.First
		if ch.OK() != prefix || (ch.Status == ReceiptMatches) != (prefix && uint64(len(facts)) == n) {
			t.Fatalf("receipt check %s (%s) for a chain of %d entries", ch.Status, ch.Detail, len(facts))
		}
	})
}

// plainChainCheck re-checks a chain link by link: each entry readable,
// numbered in order, recording the SHA-256 of the one before (zeros for
// the first), and the head naming the last.
func plainChainCheck(entries [][]byte, headSeq uint64, headHash string) bool {
	prev := zeroHash
	for i, raw := range entries {
		var e AuditEntry
		if json.Unmarshal(raw, &e) != nil || e.Seq != uint64(i+1) || e.Prev != prev {
			return false
		}
		sum := sha256.Sum256(raw)
		prev = hex.EncodeToString(sum[:])
	}
	return headSeq == uint64(len(entries)) && headHash == prev
}
