package casefile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// damageFixture is a closed case with 300 detections, opened for writing
// once (so it is remembered as sound), and the bytes of one detection.
func damageFixture(t *testing.T) (string, []byte) {
	t.Helper()
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "a.jpg")
	if _, err := c.AddDetections(context.Background(), testDetections(newRand(2), ev.ID, 300), nil); err != nil {
		t.Fatal(err)
	}
	p := c.Path()
	c.Close()
	c, err := Open(p, Options{Actor: "DS Khan"})
	if err != nil {
		t.Fatal(err)
	}
	head, _ := c.AuditHead()
	c.Close()
	if !defaultVerifiedCache().sound(p, head) {
		t.Fatal("a sound case closed after writing is not remembered as sound")
	}
	var value []byte
	rawView(t, p, func(tx *bolt.Tx) error {
		value = append(value, tx.Bucket(bucketDetections).Get(u64Key(150))...)
		return nil
	})
	return p, value
}

// rawView reads a closed case file directly with bbolt.
func rawView(t *testing.T, p string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	rawTx(t, p, true, fn)
}

// TestDamagedCaseIsNotWritten is issue 16 G: cases that verify reports
// as damaged accepted writes. Now opening one for writing fails with the
// damage named and leaves the file as it was; it opens read-only, with
// the damage named, and refuses every change.
func TestDamagedCaseIsNotWritten(t *testing.T) {
	damages := []struct {
		name  string
		apply func(t *testing.T, p string, value []byte)
		where string
	}{
		{"bad data page", func(t *testing.T, p string, value []byte) {
			forgetRawEdit(p)
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			at := bytes.Index(raw, value[100:200])
			if at < 0 {
				t.Fatal("detection 150 not found in the file")
			}
			copy(raw[at:], bytes.Repeat([]byte{0xAA}, 4096))
			if err := os.WriteFile(p, raw, 0o600); err != nil {
				t.Fatal(err)
			}
		}, ""}, // the page's structure or its records, depending on where the bytes fell
		{"damaged record", func(t *testing.T, p string, value []byte) {
			rawUpdate(t, p, func(tx *bolt.Tx) error {
				v := append([]byte(nil), value...)
				v[40] ^= 1
				return tx.Bucket(bucketDetections).Put(u64Key(150), v)
			})
		}, "detections 1 to 300"},
		{"record added", func(t *testing.T, p string, value []byte) {
			rawUpdate(t, p, func(tx *bolt.Tx) error {
				return tx.Bucket(bucketSubjects).Put(u64Key(9), []byte(`{"id":9,"label":"planted"}`))
			})
		}, "subject 9"},
		{"freed page in use", func(t *testing.T, p string, value []byte) {
			forgetRawEdit(p)
			freePageInUse(t, p)
		}, "database structure"},
	}
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			p, value := damageFixture(t)
			d.apply(t, p, value)
			before := fileSum(t, p)
			_, err := Open(p, Options{Actor: "DC Mills"})
			var de *DamageError
			if !errors.As(err, &de) || !errors.Is(err, ErrDamaged) || !strings.HasPrefix(de.Problems[0].Where, d.where) {
				t.Fatalf("open for writing: %v, want a *DamageError at %q", err, d.where)
			}
			if fileSum(t, p) != before {
				t.Fatal("the refused open changed the file")
			}
			c, err := Open(p, Options{Actor: "DC Mills", ReadOnlyIfDamaged: true})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if !c.ReadOnly() || len(c.Damage()) == 0 || c.Damage()[0].Where != de.Problems[0].Where {
				t.Fatalf("read-only %v, damage %v", c.ReadOnly(), c.Damage())
			}
			if _, err := c.AddSubject("x", ""); !errors.Is(err, ErrReadOnly) {
				t.Fatalf("write to the damaged case: %v", err)
			}
			c.Close()
			if fileSum(t, p) != before {
				t.Fatal("the read-only open changed the file")
			}
			rep, err := Verify(context.Background(), p, VerifyOptions{SkipMedia: true})
			if err != nil || rep.Intact() {
				t.Fatalf("verify of the damaged case: %v %v", err, rep.Problems)
			}
		})
	}
}

// forgetRawEdit drops what is remembered of a case about to be edited
// byte by byte, outside bbolt, right after facecase closed it: on a kernel
// with coarse timestamps such an edit can keep the change time (see
// verifiedCache). Edits through bbolt, which every other damage here is
// made with, are caught by the transaction id whatever the clock.
func forgetRawEdit(p string) { defaultVerifiedCache().forget(p) }

// freePageInUse adds a page that holds detections to the free list (and
// fixes the meta page's checksum), so the next write would reuse a page
// still in use.
func freePageInUse(t *testing.T, p string) {
	t.Helper()
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	m, pageSize, err := readRawMeta(f, int64(len(raw)))
	f.Close()
	if err != nil || m.Freelist == boltNoFreelist {
		t.Fatalf("meta %+v: %v", m, err)
	}
	// The first leaf page after the meta and free list pages that is in
	// use: take the root's page.
	victim := m.Root
	off := int64(m.Freelist) * pageSize
	count := int(raw[off+10]) | int(raw[off+11])<<8
	if count == 0xFFFF {
		t.Skip("free list with an overflow count")
	}
	// Append the victim to the free list page (there is room: 16 KB pages).
	at := off + boltPageHeader + int64(count)*8
	for i := 0; i < 8; i++ {
		raw[at+int64(i)] = byte(victim >> (8 * i))
	}
	count++
	raw[off+10], raw[off+11] = byte(count), byte(count>>8)
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRememberedCheck: a case found sound is not checked again while it is
// unchanged (shown here by remembering a damaged file as sound, which only
// this test does), and any change through bbolt, a copy or a move makes
// the next open check it in full.
func TestRememberedCheck(t *testing.T) {
	p, value := damageFixture(t)
	rawUpdate(t, p, func(tx *bolt.Tx) error {
		v := append([]byte(nil), value...)
		v[40] ^= 1
		return tx.Bucket(bucketDetections).Put(u64Key(150), v)
	})
	var head AuditHead
	rawView(t, p, func(tx *bolt.Tx) (err error) {
		head, err = readHead(tx)
		return err
	})
	cache := defaultVerifiedCache()
	cache.remember(p, head)
	if c, err := Open(p, Options{ReadOnly: true}); err != nil || len(c.Damage()) != 0 {
		t.Fatalf("a remembered file was checked again: %v", err)
	} else {
		c.Close()
	}
	for _, change := range []func(){
		func() { rawUpdate(t, p, func(tx *bolt.Tx) error { return nil }) }, // a commit that changes nothing
		func() { // copied over itself: another inode
			raw, _ := os.ReadFile(p)
			os.Remove(p)
			os.WriteFile(p, raw, 0o600)
		},
	} {
		cache.remember(p, head)
		change()
		if c, err := Open(p, Options{ReadOnly: true}); err != nil || len(c.Damage()) == 0 {
			t.Fatalf("a changed file was not checked again: %v", err)
		} else {
			c.Close()
		}
	}
}
