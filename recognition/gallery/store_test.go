package gallery

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"facecase/internal/boltmeta"
	"facecase/progress"

	bolt "go.etcd.io/bbolt"
)

func TestFilePersistsAndReloads(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.gallery")
	faces := randomFaces(7, 5000, 1)
	g, err := Open(path, Options{MinIndexed: 1000, ManualRebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, g, faces)
	if err := g.Remove(ctx, []FaceID{faces[10].ID, faces[11].ID}); err != nil {
		t.Fatal(err)
	}
	if err := g.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	before := g.Stats()
	q := faces[99].Descriptor
	want, err := g.Search(ctx, q, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	g, err = Open(path, Options{MinIndexed: 1000, ManualRebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	after := g.Stats()
	if after.Faces != len(faces)-2 || after.Lists != before.Lists || after.IndexedFaces != after.Faces ||
		after.Shortlist == 0 || after.Shortlist != before.Shortlist {
		t.Fatalf("reloaded %+v, saved %+v", after, before)
	}
	got, err := g.Search(ctx, q, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameCandidates(t, "after reload", got, want)
	live := append(append([]Face{}, faces[:10]...), faces[12:]...)
	for _, i := range []int{0, 500, 4997} {
		q := live[i].Descriptor
		got, err := g.SearchExact(ctx, q, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		sameCandidates(t, "exact after reload", got, bruteForce(live, &q, 10, 0))
	}
}

func TestRemoveAndReAdd(t *testing.T) {
	ctx := context.Background()
	for _, kind := range []string{"memory", "file"} {
		t.Run(kind, func(t *testing.T) {
			var g *Local
			path := filepath.Join(t.TempDir(), "w.gallery")
			reopen := func() {
				if kind == "file" {
					if g != nil {
						g.Close()
					}
					var err error
					if g, err = Open(path, Options{}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if kind == "memory" {
				g = NewMemory(Options{})
			}
			reopen()
			defer func() { g.Close() }()
			faces := randomFaces(8, 3000, 1)
			mustAdd(t, g, faces)
			gone := []FaceID{faces[5].ID, faces[6].ID, faces[2999].ID}
			if err := g.Remove(ctx, gone); err != nil {
				t.Fatal(err)
			}
			if err := g.Remove(ctx, []FaceID{faces[7].ID, faces[5].ID}); !errors.Is(err, ErrNotFound) {
				t.Fatalf("removing a removed face: err = %v, want ErrNotFound", err)
			}
			reopen()
			if g.Len() != 2997 {
				t.Fatalf("Len = %d after removing 3 of 3000", g.Len())
			}
			got, _ := g.Search(ctx, faces[5].Descriptor, 5, 0)
			for _, c := range got {
				if c.Face == faces[5].ID || c.Face == faces[6].ID || c.Face == faces[2999].ID {
					t.Fatalf("removed face %d still found", c.Face)
				}
			}
			if err := g.Add(ctx, []Face{faces[100]}); !errors.Is(err, ErrDuplicate) {
				t.Fatalf("adding an enrolled face: err = %v, want ErrDuplicate", err)
			}
			if g.Len() != 2997 {
				t.Fatal("a failed add changed the gallery")
			}
			// Re-add the removed ids with new descriptors: they take the
			// freed rows.
			fresh := randomFaces(9, 3, 1)
			for i := range fresh {
				fresh[i].ID = gone[i]
				fresh[i].Label = "re-enrolled"
			}
			if err := g.Add(ctx, fresh); err != nil {
				t.Fatal(err)
			}
			reopen()
			for _, f := range fresh {
				got, err := g.Search(ctx, f.Descriptor, 1, 0)
				if err != nil {
					t.Fatal(err)
				}
				if got[0].Face != f.ID || got[0].Label != "re-enrolled" || got[0].Distance != 0 {
					t.Fatalf("re-added face %d found as %+v", f.ID, got[0])
				}
			}
			got, _ = g.Search(ctx, faces[5].Descriptor, 1, 0)
			if got[0].Distance == 0 {
				t.Fatal("the old descriptor of a re-added face is still found")
			}
			if err := g.Add(ctx, []Face{{ID: 0}}); !errors.Is(err, ErrBadFaceID) {
				t.Fatalf("face id 0: err = %v", err)
			}
			bad := faces[0]
			bad.ID = 99999
			bad.Descriptor[3] = float32(math.Inf(1))
			if err := g.Add(ctx, []Face{bad}); !errors.Is(err, ErrBadDescriptor) {
				t.Fatalf("infinite value: err = %v", err)
			}
		})
	}
}

func TestVersion1FileLoads(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.gallery")
	faces := randomFaces(10, 2500, 1)
	writeVersion1(t, path, faces)
	g, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != len(faces) {
		t.Fatalf("Len = %d, want %d", g.Len(), len(faces))
	}
	for _, i := range []int{0, 1234, 2499} {
		got, err := g.Search(ctx, faces[i].Descriptor, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Face != faces[i].ID || got[0].Label != faces[i].Label || got[0].Distance != 0 {
			t.Fatalf("face %d of the old file found as %+v", faces[i].ID, got[0])
		}
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	// The file was upgraded: it now opens as the current version.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *bolt.Tx) error {
		if v := binary.LittleEndian.Uint32(tx.Bucket(bucketMeta).Get(keyVersion)); v != formatVersion {
			t.Errorf("upgraded file has version %d", v)
		}
		if tx.Bucket(bucketFacesV1) != nil {
			t.Error("upgraded file still has the version 1 records")
		}
		return nil
	})
	db.Close()
	g, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.Len() != len(faces) {
		t.Fatalf("after upgrade Len = %d", g.Len())
	}
}

// writeVersion1 writes a gallery file the way version 1 did (see
// version1.go): the fixture is made by code, never committed.
func writeVersion1(t *testing.T, path string, faces []Face) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		if err := meta.Put([]byte("version"), binary.LittleEndian.AppendUint32(nil, 1)); err != nil {
			return err
		}
		b, err := tx.CreateBucket([]byte("faces"))
		if err != nil {
			return err
		}
		for _, f := range faces {
			v := binary.LittleEndian.AppendUint16(nil, uint16(len(f.Label)))
			v = append(v, f.Label...)
			for _, x := range f.Descriptor {
				v = binary.LittleEndian.AppendUint32(v, math.Float32bits(x))
			}
			if err := b.Put(binary.BigEndian.AppendUint64(nil, uint64(f.ID)), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTruncatedFileGivesClearError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.gallery")
	g, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, g, randomFaces(11, 5000, 1))
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	data, _ := os.ReadFile(path)
	m0 := boltmeta.Parse(data)
	m1 := boltmeta.Parse(data[m0.PageSize:])
	need := int64(max(m0.PGID, m1.PGID)) * int64(m0.PageSize)
	if need > st.Size() || need < st.Size()/2 {
		t.Fatalf("file of %d bytes whose records need %d", st.Size(), need)
	}
	// bbolt grows files ahead of need: cutting only that slack loses nothing.
	slack := filepath.Join(dir, "slack.gallery")
	os.WriteFile(slack, data[:need], 0o600)
	if g, err := Open(slack, Options{}); err != nil || g.Len() != 5000 {
		t.Fatalf("file without its slack: %v", err)
	} else {
		g.Close()
	}
	for _, size := range []int64{st.Size() * 6 / 10, need - int64(m0.PageSize), 10000, 100} {
		cut := filepath.Join(dir, "cut.gallery")
		if err := os.WriteFile(cut, data[:size], 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(cut, Options{})
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("file cut to %d of %d bytes: err = %v, want ErrTruncated", size, st.Size(), err)
		}
		t.Logf("cut to %d bytes: %v", size, err)
	}
	other := filepath.Join(dir, "notes.txt")
	os.WriteFile(other, []byte("not a gallery, just some text that is long enough to look at........"), 0o600)
	if _, err := Open(other, Options{}); !errors.Is(err, ErrNotGallery) {
		t.Fatalf("text file: err = %v, want ErrNotGallery", err)
	}
	if got, _ := os.ReadFile(other); len(got) == 0 || got[0] != 'n' {
		t.Fatal("opening a file that is not a gallery changed it")
	}
}

func TestNewerVersionAndInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.gallery")
	g, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{}); !errors.Is(err, ErrInUse) {
		t.Fatalf("second open: err = %v, want ErrInUse", err)
	}
	g.Close()
	db, _ := bolt.Open(path, 0o600, nil)
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyVersion, u32(formatVersion+1)) })
	db.Close()
	if _, err := Open(path, Options{}); !errors.Is(err, ErrNewerVersion) {
		t.Fatalf("newer file: err = %v, want ErrNewerVersion", err)
	}
}

func TestClosedGallery(t *testing.T) {
	g := NewMemory(Options{})
	g.Close()
	if _, err := g.Search(context.Background(), randomFaces(1, 1, 1)[0].Descriptor, 1, 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("search after close: %v", err)
	}
	if err := g.Add(context.Background(), randomFaces(1, 1, 1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("add after close: %v", err)
	}
}

func TestCancelledRebuildLeavesOneIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.gallery")
	ctx, cancel := context.WithCancel(context.Background())
	// Cancel once the new index's centroids are stored and encoding began.
	stop := progress.Func(func(u progress.Update) {
		if u.Stage == "index: encode" {
			cancel()
		}
	})
	g, err := Open(path, Options{ManualRebuild: true, MinIndexed: 1000, Progress: stop})
	if err != nil {
		t.Fatal(err)
	}
	faces := randomFaces(14, 3000, 1)
	mustAdd(t, g, faces)
	if err := g.Rebuild(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled rebuild: err = %v", err)
	}
	got, err := g.SearchExact(context.Background(), faces[9].Descriptor, 1, 0)
	if err != nil || got[0].Face != faces[9].ID {
		t.Fatalf("search after a cancelled rebuild: %v %v", got, err)
	}
	g.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		n := 0
		tx.Bucket(bucketIndex).ForEachBucket(func([]byte) error { n++; return nil })
		if n != 1 {
			t.Errorf("%d index generations in the file, want 1", n)
		}
		return nil
	})
}
