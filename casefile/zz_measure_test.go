package casefile

import (
	"crypto/sha256"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func BenchmarkZZHashBig(b *testing.B) {
	p := bigCase(b)
	for i := 0; i < b.N; i++ {
		db, _ := openBolt(p, true, time.Second)
		t0 := time.Now()
		db.View(func(tx *bolt.Tx) error {
			h := sha256.New()
			c := tx.Bucket(bucketDetections).Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				h.Write(k)
				h.Write(v)
			}
			return nil
		})
		b.Logf("hash dets %v", time.Since(t0))
		t0 = time.Now()
		pr, err := checkRawTree(p)
		b.Logf("raw tree %v %v %v", time.Since(t0), pr, err)
		db.Close()
		t0 = time.Now()
		c, err := Open(p, Options{Actor: "x"})
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
		b.Logf("open for writing %v", time.Since(t0))
	}
}
