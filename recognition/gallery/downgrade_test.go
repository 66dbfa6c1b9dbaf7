package gallery

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// downgrade rewrites a current gallery file as version 3 wrote it (8-byte
// chunk headers without sums, bare descriptors in the vectors chunks,
// labels chunks without a header, values without sums), or version 2
// (version 3 without product-quantizer codes). The old layouts are written
// out here from their description in format.go, so that the fixture is
// made by code, never committed.
func downgrade(t *testing.T, path string, version uint32) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		unsealAll(t, meta)
		if err := meta.Delete(keyLegacy); err != nil {
			return err
		}
		if err := meta.Put(keyVersion, u32(version)); err != nil {
			return err
		}
		downgradeChunks(t, tx.Bucket(bucketRows), rowsKind, "ROWS")
		downgradeChunks(t, tx.Bucket(bucketVectors), vectorsKind, "VECS")
		downgradeChunks(t, tx.Bucket(bucketLabels), labelsKind, "")
		return tx.Bucket(bucketIndex).ForEachBucket(func(k []byte) error {
			b := tx.Bucket(bucketIndex).Bucket(k)
			unsealAll(t, b)
			downgradeChunks(t, b.Bucket(bucketCodes), codesKind, "CODE")
			if version == 2 && b.Bucket(bucketPQ) != nil {
				if err := b.Delete(keyPQBook); err != nil {
					return err
				}
				return b.DeleteBucket(bucketPQ)
			}
			if b.Bucket(bucketPQ) != nil {
				downgradeChunks(t, b.Bucket(bucketPQ), pqKind, "PQCO")
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func unsealAll(t *testing.T, b *bolt.Bucket) {
	t.Helper()
	var keys, vals [][]byte
	b.ForEach(func(k, v []byte) error {
		if v != nil && string(k) != string(keyVersion) {
			body, err := unseal(k, v)
			if err != nil {
				t.Fatal(err)
			}
			keys, vals = append(keys, append([]byte(nil), k...)), append(vals, append([]byte(nil), body...))
		}
		return nil
	})
	for i := range keys {
		if err := b.Put(keys[i], vals[i]); err != nil {
			t.Fatal(err)
		}
	}
}

// downgradeChunks rewrites every chunk of b in the version 3 layout: tag
// and chunk number, then the body (no header for labels, bare descriptors
// for vectors).
func downgradeChunks(t *testing.T, b *bolt.Bucket, k *chunkKind, tag string) {
	t.Helper()
	var keys, vals [][]byte
	b.ForEach(func(key, v []byte) error {
		c := beU32(key)
		body, err := k.check(v, c)
		if err != nil {
			t.Fatal(err)
		}
		var old []byte
		if tag != "" {
			old = binary.LittleEndian.AppendUint32([]byte(tag), c)
		}
		if k == vectorsKind {
			for i := range chunkRows {
				old = append(old, body[i*recordBytes:i*recordBytes+vectorBytes]...)
			}
		} else {
			old = append(old, body...)
		}
		keys, vals = append(keys, append([]byte(nil), key...)), append(vals, old)
		return nil
	})
	for i := range keys {
		if err := b.Put(keys[i], vals[i]); err != nil {
			t.Fatal(err)
		}
	}
}

// fileSum is the SHA-256 of a file, to check that it was not written to.
func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// legacyChunks counts the chunks of versions 2 and 3 in a gallery file.
func legacyChunks(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	count := func(b *bolt.Bucket, tag string) {
		if b == nil {
			return
		}
		b.ForEach(func(_, v []byte) error {
			if tag == "" && !bytes.HasPrefix(v, labelsKind.tag[:]) || tag != "" && bytes.HasPrefix(v, []byte(tag)) {
				n++
			}
			return nil
		})
	}
	db.View(func(tx *bolt.Tx) error {
		count(tx.Bucket(bucketRows), "ROWS")
		count(tx.Bucket(bucketVectors), "VECS")
		count(tx.Bucket(bucketLabels), "")
		return tx.Bucket(bucketIndex).ForEachBucket(func(k []byte) error {
			count(tx.Bucket(bucketIndex).Bucket(k).Bucket(bucketCodes), "CODE")
			count(tx.Bucket(bucketIndex).Bucket(k).Bucket(bucketPQ), "PQCO")
			return nil
		})
	})
	return n
}
