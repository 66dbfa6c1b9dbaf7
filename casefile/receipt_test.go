package casefile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// rechain rewrites the audit chain from its first entry, as someone who
// edited or deleted an entry would to hide it: every entry's "prev" and
// the recorded head are recomputed. edit may change an entry's fields.
func rechain(t *testing.T, p string, edit func(e *AuditEntry)) {
	t.Helper()
	rawUpdate(t, p, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		prev := zeroHash
		var seq uint64
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if edit != nil {
				edit(&e)
			}
			e.Prev = prev
			raw, err := json.Marshal(&e)
			if err != nil {
				return err
			}
			if err := b.Put(append([]byte(nil), k...), raw); err != nil {
				return err
			}
			sum := sha256.Sum256(raw)
			prev, seq = hex.EncodeToString(sum[:]), e.Seq
		}
		hv := make([]byte, 8+sha256.Size)
		binary.BigEndian.PutUint64(hv, seq)
		h, _ := hex.DecodeString(prev)
		copy(hv[8:], h)
		return tx.Bucket(bucketMeta).Put(metaAuditHead, hv)
	})
}

// receiptFixture is a closed case (last entry an "open" entry, which
// writes no record) with a receipt of it, and the key.
func receiptFixture(t *testing.T) (string, *Receipt, *SigningKey) {
	t.Helper()
	p := tamperFixture(t)
	c, err := Open(p, Options{Actor: "DS Khan"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := LoadOrCreateSigningKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Receipt(key, ReceiptAtClose)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	return p, r, key
}

func checkCaseReceipt(t *testing.T, p string, r *Receipt, local *SigningKey) (ReceiptCheck, *CaseReport) {
	t.Helper()
	rep, err := Verify(context.Background(), p, VerifyOptions{SkipMedia: true})
	if err != nil {
		t.Fatal(err)
	}
	checks, _, err := rep.CheckReceipts([]Receipt{*r}, local.PublicKey())
	if err != nil || len(checks) != 1 {
		t.Fatalf("check receipt: %v %v", checks, err)
	}
	return checks[0], rep
}

// TestReceiptCatchesRechainedAudit is issue 16 H: deleting the newest
// entry and fixing the head, or editing an entry and recomputing the
// chain, passed verify. Against a receipt made before, both fail, while
// a case that only grew since extends its receipt.
func TestReceiptCatchesRechainedAudit(t *testing.T) {
	p, r, key := receiptFixture(t)
	if ch, rep := checkCaseReceipt(t, p, r, key); ch.Status != ReceiptMatches || !ch.ThisInstallation || !rep.OK() {
		t.Fatalf("untouched case: %+v", ch)
	}
	c, err := Open(p, Options{Actor: "DC Mills"})
	if err != nil {
		t.Fatal(err)
	}
	c.AddSubject("later subject", "")
	c.Close()
	ch, _ := checkCaseReceipt(t, p, r, key)
	if ch.Status != ReceiptExtended || !ch.OK() || ch.Entries != r.Chain.Entries+2 {
		t.Fatalf("case that grew: %+v", ch)
	}

	t.Run("newest entry deleted, head fixed", func(t *testing.T) {
		p, r, key := receiptFixture(t)
		rawUpdate(t, p, func(tx *bolt.Tx) error {
			k, _ := tx.Bucket(bucketAudit).Cursor().Last()
			return tx.Bucket(bucketAudit).Delete(k)
		})
		rechain(t, p, nil)
		ch, rep := checkCaseReceipt(t, p, r, key)
		if !rep.OK() {
			t.Fatalf("the attack is not the one the issue names: verify finds %v", rep.Problems)
		}
		if ch.Status != ReceiptBroken || !strings.Contains(ch.Detail, "entries were deleted") {
			t.Fatalf("receipt check: %+v", ch)
		}
	})
	editSecond := func(e *AuditEntry) {
		if e.Seq == 2 {
			e.Actor = "someone else"
		}
	}
	t.Run("entry edited, chain recomputed", func(t *testing.T) {
		p, r, key := receiptFixture(t)
		rechain(t, p, editSecond)
		ch, rep := checkCaseReceipt(t, p, r, key)
		if !rep.OK() {
			t.Fatalf("verify finds %v", rep.Problems)
		}
		if ch.Status != ReceiptBroken || !strings.Contains(ch.Detail, "the chain was rewritten") {
			t.Fatalf("receipt check: %+v", ch)
		}
	})
	t.Run("receipt edited to fit", func(t *testing.T) {
		p, r, key := receiptFixture(t)
		rechain(t, p, editSecond)
		rep, _ := Verify(context.Background(), p, VerifyOptions{SkipMedia: true})
		forged := *r
		forged.Chain.Head, forged.Chain.First = rep.chain[len(rep.chain)-1], rep.chain[0]
		if ch, _ := checkCaseReceipt(t, p, &forged, key); ch.Status != ReceiptBroken || !strings.Contains(ch.Detail, "signature") {
			t.Fatalf("edited receipt: %+v", ch)
		}
		// Re-signed with a key of the forger's own: valid, but not this
		// installation's key, which the check says.
		other, _ := LoadOrCreateSigningKey(t.TempDir())
		forged.sign(other)
		if ch, _ := checkCaseReceipt(t, p, &forged, key); ch.Status != ReceiptMatches || ch.ThisInstallation {
			t.Fatalf("receipt re-signed with another key: %+v", ch)
		}
	})
	t.Run("another case", func(t *testing.T) {
		p2 := tamperFixture(t)
		if ch, _ := checkCaseReceipt(t, p2, r, key); ch.Status != ReceiptOtherCase || ch.OK() {
			t.Fatalf("receipt of another case: %+v", ch)
		}
	})
}

// TestBundleCarriesItsReceipt: a signed export puts the receipt of the
// snapshot's chain in the bundle; verification checks it, and a bundle
// checks against a receipt of the case made before the export.
func TestBundleCarriesItsReceipt(t *testing.T) {
	p, before, key := receiptFixture(t)
	c, err := Open(p, Options{Actor: "Clerk Reyes"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out := filepath.Join(t.TempDir(), "b.zip")
	res, err := Export(context.Background(), c, out, ExportOptions{Signer: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Receipt == nil || res.Receipt.Event != ReceiptAtExport || res.Receipt.Chain.Entries != res.AuditHead.Seq || res.Receipt.Chain.Head != res.AuditHead.SHA256 {
		t.Fatalf("export receipt %+v, head %+v", res.Receipt, res.AuditHead)
	}
	rep, err := VerifyBundle(context.Background(), out, nil)
	if err != nil || !rep.OK() || rep.Receipt == nil || rep.Receipt.Signature != res.Receipt.Signature {
		t.Fatalf("verify signed bundle: %v %v %+v", err, rep.Problems, rep.Receipt)
	}
	checks, _, err := rep.CheckReceipts([]Receipt{*before, *res.Receipt}, key.PublicKey())
	if err != nil || len(checks) != 2 || checks[0].Status != ReceiptExtended || checks[1].Status != ReceiptMatches {
		t.Fatalf("bundle against receipts: %+v %v", checks, err)
	}
	// The in-bundle receipt replaced by one of another key: named.
	raw, _ := os.ReadFile(out)
	other, _ := LoadOrCreateSigningKey(t.TempDir())
	swapped := *res.Receipt
	swapped.sign(other)
	oldJSON, _ := res.Receipt.Indented()
	newJSON, _ := swapped.Indented()
	if len(oldJSON) != len(newJSON) {
		t.Skip("receipts of different lengths")
	}
	bad := filepath.Join(t.TempDir(), "swapped.zip")
	os.WriteFile(bad, bytes.Replace(raw, oldJSON, newJSON, 1), 0o600)
	rep, err = VerifyBundle(context.Background(), bad, nil)
	if err != nil || rep.OK() {
		t.Fatalf("bundle with a swapped receipt verified: %v", err)
	}
	found := false
	for _, pr := range rep.Problems {
		found = found || strings.Contains(pr.Where, MemberReceipt)
	}
	if !found {
		t.Fatalf("problems do not name the receipt: %v", rep.Problems)
	}
}

func TestSigningKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "facecase")
	k, err := LoadOrCreateSigningKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, keyFileName))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v: %v", st.Mode().Perm(), err)
	}
	again, err := LoadOrCreateSigningKey(dir)
	if err != nil || again.ID() != k.ID() || len(k.ID()) != 16 {
		t.Fatalf("reloaded key %q, made %q: %v", again.ID(), k.ID(), err)
	}
	os.Chmod(filepath.Join(dir, keyFileName), 0o644)
	if _, err := LoadSigningKey(dir); !errors.Is(err, ErrKeyFile) {
		t.Fatalf("key readable by others: %v", err)
	}
	os.WriteFile(filepath.Join(dir, keyFileName), []byte("junk"), 0o600)
	if _, err := LoadSigningKey(dir); !errors.Is(err, ErrKeyFile) {
		t.Fatalf("damaged key file: %v", err)
	}
	if _, err := ParseReceipts(strings.NewReader(`{"format":"facecase-receipt","extra":1}`)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("receipt with an unknown field: %v", err)
	}
}
