package boltmeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// boltFile makes a small bbolt database and returns its bytes.
func boltFile(t *testing.T) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.db")
	db, err := bolt.Open(p, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("b"))
		if err != nil {
			return err
		}
		for i := 0; i < 2000; i++ {
			if err := b.Put(binary.BigEndian.AppendUint32(nil, uint32(i)), bytes.Repeat([]byte{byte(i)}, 100)); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func read(raw []byte) (Meta, int64, error) {
	return Read(bytes.NewReader(raw), int64(len(raw)))
}

// reseal rewrites the checksum of the meta page at off after an edit.
func reseal(raw []byte, off int) {
	b := raw[off+PageHeaderSize:]
	h := fnv.New64a()
	h.Write(b[:metaSumLen])
	binary.LittleEndian.PutUint64(b[metaSumLen:], h.Sum64())
}

func TestReadFindsTheCurrentMetaAndRefusesWhatBboltWouldFaultOn(t *testing.T) {
	raw := boltFile(t)
	m, pageSize, err := read(raw)
	if err != nil {
		t.Fatal(err)
	}
	m0, m1 := Parse(raw), Parse(raw[pageSize:])
	if !m0.Valid || !m1.Valid || m.TxID != max(m0.TxID, m1.TxID) || int64(m.PageSize) != pageSize {
		t.Fatalf("meta %+v (page size %d); pages %+v and %+v", m, pageSize, m0, m1)
	}
	need := int(m.PGID) * int(m.PageSize)
	if need > len(raw) || need < 3*int(pageSize) {
		t.Fatalf("pages in use end at %d, file is %d bytes", need, len(raw))
	}
	// The pages in use are enough; one byte less is not.
	if _, _, err := read(raw[:need]); err != nil {
		t.Errorf("file without bbolt's slack: %v", err)
	}
	for _, n := range []int{need - 1, need / 2, int(pageSize) + 100, 100, 30} {
		if _, _, err := read(raw[:n]); !errors.Is(err, ErrTruncated) {
			t.Errorf("cut to %d of %d bytes: %v, want ErrTruncated", n, need, err)
		}
	}
	for _, n := range []int{0, 10} {
		if _, _, err := read(raw[:n]); !errors.Is(err, ErrNotBolt) {
			t.Errorf("cut to %d bytes: %v, want ErrNotBolt", n, err)
		}
	}
	if _, _, err := read(bytes.Repeat([]byte("not a database "), 1000)); !errors.Is(err, ErrNotBolt) {
		t.Errorf("text: %v, want ErrNotBolt", err)
	}

	// One damaged meta page: the other one is used.
	bad := append([]byte(nil), raw...)
	bad[PageHeaderSize+60] ^= 0xFF
	if got, _, err := read(bad); err != nil || got.TxID != m1.TxID {
		t.Errorf("page 0 damaged: %+v, %v; want page 1 (txid %d)", got, err, m1.TxID)
	}
	// Both damaged.
	bad[int(pageSize)+PageHeaderSize+60] ^= 0xFF
	if _, _, err := read(bad); !errors.Is(err, ErrNoValidMeta) {
		t.Errorf("both meta pages damaged: %v, want ErrNoValidMeta", err)
	}

	// A crafted page count whose size overflows int64 is still too large.
	crafted := append([]byte(nil), raw...)
	for _, off := range []int{0, int(pageSize)} {
		binary.LittleEndian.PutUint64(crafted[off+PageHeaderSize+40:], 1<<62)
		reseal(crafted, off)
	}
	if _, _, err := read(crafted); !errors.Is(err, ErrTruncated) {
		t.Errorf("page count 2^62: %v, want ErrTruncated", err)
	}
}
