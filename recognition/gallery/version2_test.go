package gallery

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"testing"

	"facecase/internal/synthdesc"

	bolt "go.etcd.io/bbolt"
)

// TestVersion2FileLoads makes a file as version 2 wrote it (an index with
// int8 codes and no product quantizer) from a current one, and checks that
// it opens, searches correctly with int8 codes alone, is marked version 3,
// and gets a product quantizer from the background rebuild.
func TestVersion2FileLoads(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v2.gallery")
	gen := synthdesc.New(synthdesc.Config{Seed: 12})
	faces := synthFaces(gen, 0, 8000)
	g, err := Open(path, Options{MinIndexed: 2000, ManualRebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, g, faces)
	if err := g.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if g.Stats().Shortlist == 0 {
		t.Fatal("a rebuilt index has no product quantizer")
	}
	g.Close()
	downgradeToVersion2(t, path)

	g, err = Open(path, Options{MinIndexed: 2000, ManualRebuild: true})
	if err != nil {
		t.Fatalf("open a version 2 file: %v", err)
	}
	st := g.Stats()
	if st.Faces != len(faces) || st.Lists < 2 || st.Shortlist != 0 {
		t.Fatalf("version 2 file opened as %+v", st)
	}
	for i := range 20 {
		q := gen.Probe(i*37, 2)
		exact, err := g.SearchExact(ctx, q, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		sameCandidates(t, "exact search of a version 2 file", exact, bruteForce(faces, &q, 10, 0))
		if _, err := g.Search(ctx, q, 10, 0.6); err != nil {
			t.Fatal(err)
		}
	}
	g.Close()
	if v := fileVersion(t, path); v != formatVersion {
		t.Fatalf("opened version 2 file is now version %d, want %d", v, formatVersion)
	}

	// Without ManualRebuild the old index is replaced in the background.
	g, err = Open(path, Options{MinIndexed: 2000})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := g.WaitRebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.RebuildError(); err != nil {
		t.Fatal(err)
	}
	if g.Stats().Shortlist == 0 {
		t.Fatal("the background rebuild of a version 2 index added no product quantizer")
	}
	q := faces[77].Descriptor
	got, err := g.Search(ctx, q, 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameCandidates(t, "search after the upgrade", got, bruteForce(faces, &q, 5, 0))
}

// downgradeToVersion2 strips the product quantizer from a gallery file's
// index and marks it version 2, which is the file version 2 wrote.
func downgradeToVersion2(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		gen := binary.LittleEndian.Uint64(meta.Get(keyGen))
		b := tx.Bucket(bucketIndex).Bucket(genKey(gen))
		if err := b.Delete(keyPQBook); err != nil {
			return err
		}
		if err := b.DeleteBucket(bucketPQ); err != nil {
			return err
		}
		return meta.Put(keyVersion, u32(2))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fileVersion(t *testing.T, path string) uint32 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v uint32
	db.View(func(tx *bolt.Tx) error {
		v = binary.LittleEndian.Uint32(tx.Bucket(bucketMeta).Get(keyVersion))
		return nil
	})
	return v
}
