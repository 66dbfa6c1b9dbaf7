package gallery

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"facecase/internal/synthdesc"

	bolt "go.etcd.io/bbolt"
)

// indexedGallery writes a gallery file of n synthetic faces with a trained
// index (product quantizer included), a few of them removed, and returns
// the faces still in it.
func indexedGallery(t *testing.T, path string, gen *synthdesc.Generator, n int) []Face {
	t.Helper()
	faces := synthFaces(gen, 0, n)
	g, err := Open(path, Options{MinIndexed: 2000, ManualRebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	mustAdd(t, g, faces)
	removed := []FaceID{faces[3].ID, faces[1500].ID}
	if err := g.Remove(context.Background(), removed); err != nil {
		t.Fatal(err)
	}
	if err := g.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	if g.Stats().Shortlist == 0 {
		t.Fatal("a rebuilt index has no product quantizer")
	}
	return append(append(append([]Face{}, faces[:3]...), faces[4:1500]...), faces[1501:]...)
}

// checkSearches compares exact searches with brute force and runs
// approximate ones.
func checkSearches(t *testing.T, what string, g *Local, gen *synthdesc.Generator, live []Face) {
	t.Helper()
	ctx := context.Background()
	for i := range 12 {
		q := gen.Probe(i*37, 2)
		exact, err := g.SearchExact(ctx, q, 10, 0)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		sameCandidates(t, what, exact, bruteForce(live, &q, 10, 0))
		if _, err := g.Search(ctx, q, 10, 0.6); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// TestVersion3FileUpgrades makes a file as version 3 wrote it (no
// checksums), and checks that it is read as it is when opened read-only
// (and not written to), that opening it for writing marks it version 4
// at once, that changes and Upgrade rewrite its chunks with checksums, and
// that the background upgrade does the same.
func TestVersion3FileUpgrades(t *testing.T) {
	ctx := context.Background()
	gen := synthdesc.New(synthdesc.Config{Seed: 12})
	dir := t.TempDir()
	path := filepath.Join(dir, "v3.gallery")
	live := indexedGallery(t, path, gen, 5000)
	downgrade(t, path, 3)
	if n := legacyChunks(t, path); n < 4*5+1 {
		t.Fatalf("the version 3 fixture has %d old-layout chunks", n)
	}

	sum := fileSum(t, path)
	g, err := OpenReadOnly(path, Options{MinIndexed: 2000})
	if err != nil {
		t.Fatalf("open a version 3 file read-only: %v", err)
	}
	if st := g.Stats(); st.Faces != len(live) || st.Lists < 2 || st.Shortlist == 0 || !st.Legacy {
		t.Fatalf("version 3 file opened as %+v", st)
	}
	checkSearches(t, "read-only version 3 file", g, gen, live)
	if err := g.Add(ctx, randomFaces(1, 1, 900000)); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("add to a read-only gallery: %v", err)
	}
	g.Close()
	if fileSum(t, path) != sum {
		t.Fatal("opening a version 3 file read-only changed it")
	}

	g, err = Open(path, Options{MinIndexed: 2000, ManualRebuild: true})
	if err != nil {
		t.Fatalf("open a version 3 file: %v", err)
	}
	legacy := g.Stats().Legacy
	g.Close()
	if v := fileVersion(t, path); v != formatVersion || !legacy {
		t.Fatalf("opened version 3 file is version %d, legacy %v", v, legacy)
	}
	if g, err = Open(path, Options{MinIndexed: 2000, ManualRebuild: true}); err != nil {
		t.Fatal(err)
	}
	checkSearches(t, "version 3 file opened for writing", g, gen, live)
	// A change upgrades the chunks it touches.
	extra := synthFaces(gen, 5000, 300)
	mustAdd(t, g, extra)
	if err := g.Remove(ctx, []FaceID{live[10].ID}); err != nil {
		t.Fatal(err)
	}
	live = append(append(live[:10:10], live[11:]...), extra...)
	checkSearches(t, "version 3 file after changes", g, gen, live)
	if err := g.Upgrade(ctx); err != nil {
		t.Fatal(err)
	}
	if g.Stats().Legacy {
		t.Fatal("Upgrade left old-layout chunks")
	}
	checkSearches(t, "upgraded file", g, gen, live)
	g.Close()
	if n := legacyChunks(t, path); n != 0 {
		t.Fatalf("%d old-layout chunks after Upgrade", n)
	}
	g, err = OpenReadOnly(path, Options{MinIndexed: 2000})
	if err != nil {
		t.Fatal(err)
	}
	checkSearches(t, "upgraded file reopened", g, gen, live)
	if err := g.Verify(ctx); err != nil {
		t.Fatalf("verify the upgraded file: %v", err)
	}
	g.Close()

	// Without ManualRebuild the upgrade runs in the background.
	downgrade(t, path, 3)
	g, err = Open(path, Options{MinIndexed: 2000})
	if err != nil {
		t.Fatal(err)
	}
	checkSearches(t, "version 3 file while it is upgraded", g, gen, live)
	if err := g.WaitRebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.RebuildError(); err != nil || g.Stats().Legacy {
		t.Fatalf("background upgrade: %v, legacy %v", err, g.Stats().Legacy)
	}
	g.Close()
	if n := legacyChunks(t, path); n != 0 {
		t.Fatalf("%d old-layout chunks after the background upgrade", n)
	}
}

// TestOldLayoutRefusedOnceUpgraded checks that a chunk in the layout of
// version 3 (which has no checksum) is refused in a file that is all
// version 4: otherwise damage could pass for an old chunk.
func TestOldLayoutRefusedOnceUpgraded(t *testing.T) {
	gen := synthdesc.New(synthdesc.Config{Seed: 12})
	path := filepath.Join(t.TempDir(), "w.gallery")
	indexedGallery(t, path, gen, 3000)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRows)
		body, err := rowsKind.check(b.Get(chunkKey(1)), 1)
		if err != nil {
			return err
		}
		return b.Put(chunkKey(1), append(binary.LittleEndian.AppendUint32([]byte("ROWS"), 1), body...))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	sum := fileSum(t, path)
	for _, open := range []func(string, Options) (*Local, error){Open, OpenReadOnly} {
		if _, err := open(path, Options{}); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("an old-layout chunk in a version 4 file: err = %v, want ErrCorrupt", err)
		}
	}
	if fileSum(t, path) != sum {
		t.Fatal("refusing the file changed it")
	}
}

// TestVersion2FileLoads makes a file as version 2 wrote it (version 3
// without product-quantizer codes), and checks that it opens, searches
// correctly with int8 codes alone, and gets a product quantizer and the
// current layout in the background.
func TestVersion2FileLoads(t *testing.T) {
	ctx := context.Background()
	gen := synthdesc.New(synthdesc.Config{Seed: 12})
	path := filepath.Join(t.TempDir(), "v2.gallery")
	live := indexedGallery(t, path, gen, 8000)
	downgrade(t, path, 2)

	g, err := Open(path, Options{MinIndexed: 2000, ManualRebuild: true})
	if err != nil {
		t.Fatalf("open a version 2 file: %v", err)
	}
	if st := g.Stats(); st.Faces != len(live) || st.Lists < 2 || st.Shortlist != 0 {
		t.Fatalf("version 2 file opened as %+v", st)
	}
	checkSearches(t, "version 2 file", g, gen, live)
	g.Close()
	if v := fileVersion(t, path); v != formatVersion {
		t.Fatalf("opened version 2 file is now version %d, want %d", v, formatVersion)
	}

	// Without ManualRebuild the old index is replaced and the chunks
	// upgraded in the background.
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
	if st := g.Stats(); st.Shortlist == 0 || st.Legacy {
		t.Fatalf("after the background rebuild and upgrade of a version 2 file: %+v", st)
	}
	q := live[77].Descriptor
	got, err := g.Search(ctx, q, 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameCandidates(t, "search after the upgrade", got, bruteForce(live, &q, 5, 0))
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

// TestUpgradeWhileChanging upgrades a version 3 file in the background,
// one chunk per transaction, while faces are searched, added and removed,
// then checks the gallery against brute force and that no old-layout
// chunk is left.
func TestUpgradeWhileChanging(t *testing.T) {
	ctx := context.Background()
	defer func(n uint32) { upgradeBatchChunks = n }(upgradeBatchChunks)
	upgradeBatchChunks = 1
	gen := synthdesc.New(synthdesc.Config{Seed: 12})
	path := filepath.Join(t.TempDir(), "v3.gallery")
	live := indexedGallery(t, path, gen, 9000)
	downgrade(t, path, 3)
	g, err := Open(path, Options{MinIndexed: 2000})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	stop := make(chan struct{})
	errs := make(chan error, 2)
	for w := range 2 {
		go func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					errs <- nil
					return
				default:
				}
				if _, err := g.Search(ctx, gen.Probe((w*500+i)%2000, w), 10, 0.7); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	extra := synthFaces(gen, 9000, 1200)
	for i := 0; i < len(extra); i += 100 {
		if err := g.Add(ctx, extra[i:i+100]); err != nil {
			t.Fatal(err)
		}
		// Remove a face from a chunk the upgrade may not have reached.
		victim := live[len(live)-1-i/10]
		if err := g.Remove(ctx, []FaceID{victim.ID}); err != nil {
			t.Fatal(err)
		}
		live = slices.DeleteFunc(live, func(f Face) bool { return f.ID == victim.ID })
	}
	live = append(live, extra...)
	if err := g.WaitRebuild(ctx); err != nil {
		t.Fatal(err)
	}
	close(stop)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("search during the upgrade: %v", err)
		}
	}
	if err := g.RebuildError(); err != nil {
		t.Fatal(err)
	}
	if st := g.Stats(); st.Legacy || st.Faces != len(live) {
		t.Fatalf("after the upgrade: %+v, want %d faces", st, len(live))
	}
	checkSearches(t, "after an upgrade with changes", g, gen, live)
	if err := g.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	g.Close()
	if n := legacyChunks(t, path); n != 0 {
		t.Fatalf("%d old-layout chunks left", n)
	}
}

// TestUpgradeRefusesNonFinite checks that a descriptor of a version 3 file
// that is not a finite number (version 3 had no checksums) is refused by
// searches and never sealed by the upgrade.
func TestUpgradeRefusesNonFinite(t *testing.T) {
	ctx := context.Background()
	gen := synthdesc.New(synthdesc.Config{Seed: 12})
	path := filepath.Join(t.TempDir(), "v3.gallery")
	live := indexedGallery(t, path, gen, 3000)
	downgrade(t, path, 3)
	const row = 2100
	inf := binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(math.Inf(1))))
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketVectors)
		v := append([]byte(nil), b.Get(chunkKey(row/chunkRows))...)
		copy(v[legacyChunkHeader+(row%chunkRows)*vectorBytes+40:], inf)
		return b.Put(chunkKey(row/chunkRows), v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	g, err := Open(path, Options{MinIndexed: 2000, ManualRebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	q := live[row-2].Descriptor // face row-2 is at row `row` (rows 3 and 1500 were removed)
	if _, err := g.SearchExact(ctx, q, 3, 0); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("exact search over an infinite descriptor: %v", err)
	}
	if _, err := g.Search(ctx, q, 3, 0); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("search over an infinite descriptor: %v", err)
	}
	if err := g.Upgrade(ctx); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("upgrade with an infinite descriptor: %v", err)
	}
	if !g.Stats().Legacy {
		t.Fatal("the damaged chunk was upgraded")
	}
}
