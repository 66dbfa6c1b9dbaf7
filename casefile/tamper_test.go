package casefile

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// tamperFixture is a closed case with a few of every kind of record.
func tamperFixture(t *testing.T) string {
	t.Helper()
	c, detID, alice, _ := searchFixture(t)
	rec, err := c.Search(context.Background(), testSearch(t, Probe{DetectionID: detID}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: alice.ID, Decision: DecisionConfirm}); err != nil {
		t.Fatal(err)
	}
	p := c.Path()
	c.Close()
	return p
}

func TestEditedAuditEntryIsNamed(t *testing.T) {
	for _, seq := range []uint64{1, 5, 0} { // 0: the last entry
		t.Run("", func(t *testing.T) {
			p := tamperFixture(t)
			rawUpdate(t, p, func(tx *bolt.Tx) error {
				b := tx.Bucket(bucketAudit)
				if seq == 0 {
					k, _ := b.Cursor().Last()
					seq = keyU64(k)
				}
				v := append([]byte(nil), b.Get(u64Key(seq))...)
				v = bytes.Replace(v, []byte(`"actor":"DS Khan"`), []byte(`"actor":"DS Kahn"`), 1)
				return b.Put(u64Key(seq), v)
			})
			_, err := Open(p, Options{Actor: "x"})
			var ce *ChainError
			if !errors.As(err, &ce) || ce.Seq != seq || !errors.Is(err, ErrTampered) {
				t.Fatalf("open after editing entry %d: %v", seq, err)
			}
			rep, err := Verify(context.Background(), p, VerifyOptions{SkipMedia: true})
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || rep.Problems[0].Where != "audit entry "+strconv.FormatUint(seq, 10) {
				t.Fatalf("verify after editing entry %d: %v", seq, rep.Problems)
			}
		})
	}
}

func TestDeletedAuditEntryIsNamed(t *testing.T) {
	p := tamperFixture(t)
	rawUpdate(t, p, func(tx *bolt.Tx) error { return tx.Bucket(bucketAudit).Delete(u64Key(4)) })
	rep, err := Verify(context.Background(), p, VerifyOptions{SkipMedia: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Problems[0].Where != "audit entry 4" || !strings.Contains(rep.Problems[0].What, "deleted") {
		t.Fatalf("verify after deleting entry 4: %v", rep.Problems)
	}
	// Deleting the newest entry (and nothing else) is caught by the head.
	p = tamperFixture(t)
	rawUpdate(t, p, func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketAudit).Cursor().Last()
		return tx.Bucket(bucketAudit).Delete(k)
	})
	if _, err := Open(p, Options{Actor: "x"}); !errors.Is(err, ErrTampered) {
		t.Fatalf("open after deleting the newest entry: %v", err)
	}
}

func TestEditedRecordIsNamed(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(tx *bolt.Tx) error
		where string
	}{
		{"evidence hash", func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketEvidence)
			v := bytes.Replace(append([]byte(nil), b.Get(u64Key(1))...), []byte(`"size":`), []byte(`"size":1`), 1)
			return b.Put(u64Key(1), v)
		}, "evidence 1"},
		{"search operating point", func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketSearches)
			v := bytes.Replace(append([]byte(nil), b.Get(u64Key(1))...), []byte(`"target_fmr":0.01`), []byte(`"target_fmr":0.02`), 1)
			return b.Put(u64Key(1), v)
		}, "search 1"},
		{"review deleted", func(tx *bolt.Tx) error {
			k, _ := tx.Bucket(bucketReviews).Cursor().First()
			return tx.Bucket(bucketReviews).Delete(k)
		}, "review 1 of search 1"},
		{"detection box", func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketDetections)
			v := append([]byte(nil), b.Get(u64Key(2))...)
			v[30] ^= 1
			return b.Put(u64Key(2), v)
		}, "detections 1 to 2"},
		{"settings", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(metaSettings, []byte(`{"require_two_reviewers":true}`))
		}, "case record settings"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tamperFixture(t)
			rep, err := Verify(context.Background(), p, VerifyOptions{SkipMedia: true})
			if err != nil || !rep.OK() {
				t.Fatalf("verify before editing: %v %v", err, rep.Problems)
			}
			rawUpdate(t, p, tc.edit)
			rep, err = Verify(context.Background(), p, VerifyOptions{SkipMedia: true})
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || rep.Problems[0].Where != tc.where {
				t.Fatalf("problems %v, want one at %q", rep.Problems, tc.where)
			}
			if !errors.Is(rep.Err(), ErrTampered) {
				t.Fatalf("report error %v", rep.Err())
			}
		})
	}
}
