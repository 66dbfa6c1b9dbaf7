package casefile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/internal/boltmeta"
)

func fileSum(t *testing.T, p string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// rawUpdate changes a closed case file directly with bbolt, as someone
// editing it outside facecase would.
func rawUpdate(t *testing.T, p string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	rawTx(t, p, false, fn)
}

// rawTx runs fn in a read or write transaction of the file, with bbolt
// alone.
func rawTx(t *testing.T, p string, readOnly bool, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(p, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: readOnly})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run := db.Update
	if readOnly {
		run = db.View
	}
	if err := run(fn); err != nil {
		t.Fatal(err)
	}
}

func TestCreateAndReopen(t *testing.T) {
	c := newTestCase(t)
	p := c.Path()
	info, err := c.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Number != "2024/0117" || info.Investigator != "DS Khan" || info.Created.IsZero() {
		t.Fatalf("case record %+v", info)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c2, err := Open(p, Options{Actor: "DC Mills"})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	log, err := c2.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		a     Action
		actor string
	}{{ActionCreate, "DS Khan"}, {ActionOpen, "DS Khan"}, {ActionOpen, "DC Mills"}}
	if len(log) != len(want) {
		t.Fatalf("audit log has %d entries, want %d", len(log), len(want))
	}
	for i, w := range want {
		if log[i].Action != w.a || log[i].Actor != w.actor || log[i].Seq != uint64(i+1) {
			t.Errorf("entry %d = %s by %s, want %s by %s", i+1, log[i].Action, log[i].Actor, w.a, w.actor)
		}
	}
	if log[0].Prev != zeroHash || log[1].Prev != log[0].Hash || log[2].Prev != log[1].Hash {
		t.Error("audit entries are not chained by hash")
	}
	head, err := c2.VerifyAudit()
	if err != nil || head.Seq != 3 || head.SHA256 != log[2].Hash {
		t.Fatalf("verify audit: head %+v, err %v", head, err)
	}
}

func TestCreateRefusesExistingAndBadInput(t *testing.T) {
	dir := t.TempDir()
	p := writeTestFile(t, dir, "old"+Extension, []byte("precious"))
	if _, err := Create(p, testInfo()); !errors.Is(err, ErrExists) {
		t.Fatalf("create over a file: %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "precious" {
		t.Fatal("create changed the existing file")
	}
	bad := testInfo()
	bad.Number = " "
	if _, err := Create(filepath.Join(dir, "new"+Extension), bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("create without number: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new"+Extension)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("a refused create left a file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("folder holds %d entries after refused creates, want 1", len(entries))
	}
}

func TestOpenElsewhereDoesNotHang(t *testing.T) {
	c := newTestCase(t)
	for _, ro := range []bool{false, true} {
		// The open gives up after LockTimeout; the 60 s bound is only the
		// test's safety net against a hang (it never decides the outcome).
		done := make(chan error, 1)
		go func() {
			_, err := Open(c.Path(), Options{Actor: "other", ReadOnly: ro, LockTimeout: 200 * time.Millisecond})
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("second open (read-only %v) still waiting after 60 s", ro)
		}
		if !errors.Is(err, ErrOpenElsewhere) {
			t.Fatalf("second open (read-only %v): %v, want ErrOpenElsewhere", ro, err)
		}
	}
	c.Close()
	c2, err := Open(c.Path(), Options{Actor: "other"})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	c2.Close()
}

func TestReadOnlyRefusesChangesAndWritesNothing(t *testing.T) {
	c := newTestCase(t)
	addTestEvidence(t, c, "a.jpg")
	p := c.Path()
	c.Close()
	before := fileSum(t, p)
	r1, err := Open(p, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := Open(p, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("two readers: %v", err)
	}
	r2.Close()
	if _, err := r1.AddSubject("X", ""); !errors.Is(err, ErrReadOnly) {
		t.Errorf("add subject read-only: %v", err)
	}
	src := writeTestFile(t, t.TempDir(), "b.jpg", []byte("b"))
	if _, err := r1.AddEvidence(context.Background(), src, AddOptions{}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("add evidence read-only: %v", err)
	}
	if err := r1.SetSettings(Settings{RequireTwoReviewers: true}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("settings read-only: %v", err)
	}
	if _, err := r1.AddDetections(context.Background(), testDetections(newRand(1), 1, 2), nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("detections read-only: %v", err)
	}
	r1.Close()
	if fileSum(t, p) != before {
		t.Fatal("read-only use changed the case file")
	}
}

func TestOpenRefusesWhatIsNotACase(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "other.db")
	db, err := bolt.Open(foreign, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucket([]byte("settings"))
		return b.Put([]byte("k"), []byte("v"))
	})
	db.Close()
	cases := []struct {
		name    string
		path    string
		content []byte // nil: use the file as it is
		want    error
	}{
		{"empty file", filepath.Join(dir, "empty.facecase"), []byte{}, ErrNotACase},
		{"text file", filepath.Join(dir, "notes.facecase"), bytes.Repeat([]byte("not a database\n"), 1000), ErrNotACase},
		{"other bbolt file", foreign, nil, ErrNotACase},
		{"folder", dir, nil, ErrNotACase},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.content != nil {
				writeTestFile(t, dir, filepath.Base(tc.path), tc.content)
			}
			var before [32]byte
			if tc.path != dir {
				before = fileSum(t, tc.path)
			}
			_, err := Open(tc.path, Options{Actor: "x"})
			if !errors.Is(err, tc.want) {
				t.Fatalf("open: %v, want %v", err, tc.want)
			}
			if tc.path != dir && fileSum(t, tc.path) != before {
				t.Fatal("open changed the file")
			}
		})
	}
	missing := filepath.Join(dir, "missing.facecase")
	if _, err := Open(missing, Options{Actor: "x"}); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("open missing: %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("open created a missing case")
	}
}

func TestOpenRefusesNewerFormat(t *testing.T) {
	c := newTestCase(t)
	p := c.Path()
	c.Close()
	rawUpdate(t, p, func(tx *bolt.Tx) error { return putU32(tx.Bucket(bucketMeta), metaFormat, FormatVersion+1) })
	before := fileSum(t, p)
	for _, ro := range []bool{false, true} {
		if _, err := Open(p, Options{Actor: "x", ReadOnly: ro}); !errors.Is(err, ErrNewerFormat) {
			t.Fatalf("open newer format (read-only %v): %v", ro, err)
		}
	}
	if fileSum(t, p) != before {
		t.Fatal("opening a newer format changed it")
	}
}

func TestOpenTruncatedAndCorrupt(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "a.jpg")
	if _, err := c.AddDetections(context.Background(), testDetections(newRand(2), ev.ID, 300), nil); err != nil {
		t.Fatal(err)
	}
	p := c.Path()
	c.Close()
	orig, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// bbolt grows files ahead of use; the pages in use end at need.
	m0 := boltmeta.Parse(orig)
	ps := int(m0.PageSize)
	m1 := boltmeta.Parse(orig[ps:])
	need := int(max(m0.PGID, m1.PGID)) * ps
	if ps != casePageSize || need > len(orig) || need < 3*ps {
		t.Fatalf("page size %d, pages in use end at %d, file is %d bytes", ps, need, len(orig))
	}
	for _, n := range []int{0, 100, 4096, ps, 2 * ps, 2*ps + 100, need / 2, need - ps, need - 1} {
		q := writeTestFile(t, dir, "cut.facecase", orig[:n])
		c, err := Open(q, Options{Actor: "x"})
		if err == nil {
			c.Close()
		}
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotACase) {
			t.Errorf("open truncated to %d of %d bytes: %v, want ErrCorrupt or ErrNotACase", n, need, err)
		}
		if got, _ := os.ReadFile(q); len(got) != n {
			t.Errorf("open of truncated file changed its size to %d", len(got))
		}
	}
	// Both meta pages damaged: refused as damaged.
	bad := append([]byte(nil), orig...)
	bad[16+60] ^= 0xFF
	bad[ps+16+60] ^= 0xFF
	q := writeTestFile(t, dir, "meta.facecase", bad)
	if _, err := Open(q, Options{Actor: "x"}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("open with both meta pages damaged: %v", err)
	}
	// Random damage anywhere: never a crash; any error is one of ours.
	rng := newRand(3)
	for i := 0; i < 200; i++ {
		bad := append([]byte(nil), orig...)
		off := rng.IntN(len(bad))
		bad[off] ^= byte(1 + rng.IntN(255))
		q := writeTestFile(t, dir, "flip.facecase", bad)
		c, err := Open(q, Options{Actor: "x", MediaCheck: MediaCheckNone})
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotACase) && !errors.Is(err, ErrTampered) && !errors.Is(err, ErrNewerFormat) && !errors.Is(err, ErrDamaged) {
				t.Errorf("byte %d damaged: unexpected error %v", off, err)
			}
			continue
		}
		c.Detections(DetectionQuery{Limit: 1000})
		c.Close()
		if _, err := Verify(context.Background(), q, VerifyOptions{SkipMedia: true}); err != nil &&
			!errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotACase) && !errors.Is(err, ErrNewerFormat) {
			t.Errorf("verify with byte %d damaged: unexpected error %v", off, err)
		}
	}
}
