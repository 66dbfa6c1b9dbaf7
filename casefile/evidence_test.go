package casefile

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var jpegHead = []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0}

func TestAddEvidenceCopiesHashesAndNeverWritesOriginal(t *testing.T) {
	c := newTestCase(t)
	dir := t.TempDir()
	content := append(append([]byte(nil), jpegHead...), bytes.Repeat([]byte("pixels"), 500000)...) // 3 MB: several read chunks
	src := writeTestFile(t, dir, "cctv frame.jpg", content)
	if err := os.Chmod(src, 0o444); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2023, 5, 1, 12, 0, 0, 0, time.UTC)
	os.Chtimes(src, old, old)
	st0, _ := os.Stat(src)

	ev, err := c.AddEvidence(context.Background(), src, AddOptions{Note: "exhibit JB/1"})
	if err != nil {
		t.Fatal(err)
	}
	wantSHA := sha256.Sum256(content)
	wantMD5 := md5.Sum(content)
	if ev.SHA256 != hex.EncodeToString(wantSHA[:]) || ev.MD5 != hex.EncodeToString(wantMD5[:]) || ev.Size != int64(len(content)) {
		t.Fatalf("hashes %s %s size %d", ev.SHA256, ev.MD5, ev.Size)
	}
	if ev.MediaType != "image/jpeg" || ev.Kind != KindPhoto || ev.AddedBy != "DS Khan" || ev.ID != 1 || ev.Referenced {
		t.Fatalf("record %+v", ev)
	}
	copyPath := c.EvidencePath(ev)
	if !strings.HasPrefix(copyPath, c.MediaDir()+string(filepath.Separator)) {
		t.Fatalf("copy at %s, not in %s", copyPath, c.MediaDir())
	}
	got, err := os.ReadFile(copyPath)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("copy differs from the original (err %v)", err)
	}
	st1, _ := os.Stat(src)
	if !st1.ModTime().Equal(st0.ModTime()) || st1.Mode() != st0.Mode() || st1.Size() != st0.Size() {
		t.Fatal("intake touched the original")
	}
	if orig, _ := os.ReadFile(src); !bytes.Equal(orig, content) {
		t.Fatal("original changed")
	}
	entries, _ := os.ReadDir(c.MediaDir())
	if len(entries) != 1 {
		t.Fatalf("media folder holds %d files, want the copy only", len(entries))
	}

	// The same content under another name is recognised.
	again := writeTestFile(t, dir, "renamed.jpg", content)
	dup, err := c.AddEvidence(context.Background(), again, AddOptions{})
	if !errors.Is(err, ErrDuplicateEvidence) || dup.ID != ev.ID {
		t.Fatalf("second intake: %v (id %d)", err, dup.ID)
	}
	list, _ := c.EvidenceList()
	if len(list) != 1 {
		t.Fatalf("%d evidence items after a duplicate", len(list))
	}

	// Referenced in place: no copy.
	ref := writeTestFile(t, dir, "clip.mp4", append([]byte{0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'}, bytes.Repeat([]byte{7}, 1000)...))
	ev2, err := c.AddEvidence(context.Background(), ref, AddOptions{Reference: true})
	if err != nil {
		t.Fatal(err)
	}
	if !ev2.Referenced || ev2.StoredPath != "" || c.EvidencePath(ev2) != ref || ev2.Kind != KindVideo {
		t.Fatalf("referenced record %+v", ev2)
	}
	if byHash, err := c.EvidenceBySHA256(ev2.SHA256); err != nil || byHash.ID != ev2.ID {
		t.Fatalf("by hash: %v", err)
	}
}

func TestAddEvidenceBadInput(t *testing.T) {
	c := newTestCase(t)
	dir := t.TempDir()
	for name, path := range map[string]string{
		"missing": filepath.Join(dir, "nope.jpg"),
		"folder":  dir,
		"empty":   writeTestFile(t, dir, "empty.jpg", nil),
	} {
		if _, err := c.AddEvidence(context.Background(), path, AddOptions{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := writeTestFile(t, dir, "big.jpg", bytes.Repeat([]byte{1}, 3<<20))
	if _, err := c.AddEvidence(ctx, big, AddOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled intake: %v", err)
	}
	list, _ := c.EvidenceList()
	entries, _ := os.ReadDir(c.MediaDir())
	if len(list) != 0 || len(entries) != 0 {
		t.Fatalf("failed intakes left %d items and %d files", len(list), len(entries))
	}
}

func TestReverifyOnOpenFlagsChangedAndMissing(t *testing.T) {
	c := newTestCase(t)
	dir := t.TempDir()
	a := addTestEvidence(t, c, "a.jpg")
	b := addTestEvidence(t, c, "b.jpg")
	refPath := writeTestFile(t, dir, "ref.jpg", []byte("referenced original"))
	r, err := c.AddEvidence(context.Background(), refPath, AddOptions{Reference: true})
	if err != nil {
		t.Fatal(err)
	}
	p := c.Path()
	c.Close()
	// Change the copy of a (same size), delete b's copy, change the referenced original.
	ap := a.WorkingPath(p)
	data, _ := os.ReadFile(ap)
	data[0] ^= 1
	os.WriteFile(ap, data, 0o600)
	os.Remove(b.WorkingPath(p))
	os.WriteFile(refPath, []byte("referenced original, edited"), 0o644)

	c2, err := Open(p, Options{Actor: "DC Mills"})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	want := map[uint64]EvidenceState{a.ID: EvidenceChanged, b.ID: EvidenceMissing, r.ID: EvidenceChanged}
	for id, state := range want {
		if got := c2.EvidenceCheckFor(id); got.State != state {
			t.Errorf("evidence %d: %s (%s), want %s", id, got.State, got.Detail, state)
		}
	}
	log, _ := c2.AuditLog()
	last := log[len(log)-1]
	if last.Action != ActionOpen || !strings.Contains(string(last.Details), `"state":"missing"`) || !strings.Contains(string(last.Details), `"state":"changed"`) {
		t.Fatalf("open entry does not record the problems: %s", last.Details)
	}
	rep, err := c2.Verify(context.Background(), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || len(rep.Problems) != 3 {
		t.Fatalf("verify problems: %v", rep.Problems)
	}
}
