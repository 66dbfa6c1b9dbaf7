package gallery

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// Damage tests: each failure of the adversarial run (a zero-byte
// file, a flipped bit in a descriptor, a code chunk or the index, random
// bytes, a truncated file) gives a clear error wrapping a sentinel, and the
// file's bytes are the same afterwards, whichever way it was opened.

// damageFixture is a small indexed gallery file (codes in memory) and the
// faces in it, made once.
type damageFixture struct {
	path  string
	faces []Face
}

func newDamageFixture(t *testing.T) *damageFixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "good.gallery")
	faces := randomFaces(31, 3000, 1)
	g, err := Open(path, Options{MinIndexed: 1000, ManualRebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, g, faces)
	if err := g.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := g.Stats(); st.Lists < 2 || st.Shortlist == 0 || !st.ResidentCodes {
		t.Fatalf("fixture %+v", st)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	return &damageFixture{path: path, faces: faces}
}

// copyTo copies the fixture to a new file and returns its path.
func (f *damageFixture) copyTo(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// valueOffset is where the value get finds lies in the file.
func valueOffset(t *testing.T, path string, get func(tx *bolt.Tx) []byte) int64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var off int64
	db.View(func(tx *bolt.Tx) error {
		v := get(tx)
		if v == nil {
			t.Fatal("no such value")
		}
		off = int64(uintptr(unsafe.Pointer(unsafe.SliceData(v))) - tx.DB().Info().Data)
		if off < 0 || off+int64(len(v)) > tx.Size() {
			t.Fatal("bbolt copied the value out of its map")
		}
		return nil
	})
	return off
}

// flipEverywhere flips a bit of every copy of val in the file (bbolt
// copies small buckets it cannot map in place, and keeps old copies in
// free pages) and says how many there were.
func flipEverywhere(t *testing.T, path string, val []byte, bit uint) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := bytes.Index(data, val); i >= 0; {
		flipBit(t, path, int64(i), bit)
		n++
		j := bytes.Index(data[i+1:], val)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return n
}

// flipBit flips one bit of the file at off.
func flipBit(t *testing.T, path string, off int64, bit uint) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 1 << bit
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func genBucket(tx *bolt.Tx) *bolt.Bucket {
	gen, _ := sealed(tx.Bucket(bucketMeta)).u64(keyGen)
	return tx.Bucket(bucketIndex).Bucket(genKey(gen))
}

// refused checks that both ways of opening path fail with want and leave
// the file as it was.
func refused(t *testing.T, path string, want error) {
	t.Helper()
	sum := fileSum(t, path)
	for name, open := range map[string]func(string, Options) (*Local, error){"Open": Open, "OpenReadOnly": OpenReadOnly} {
		g, err := open(path, Options{})
		if err == nil {
			g.Close()
		}
		if !errors.Is(err, want) {
			t.Fatalf("%s: err = %v, want %v", name, err, want)
		}
		t.Logf("%s: %v", name, err)
	}
	if fileSum(t, path) != sum {
		t.Fatal("refusing the file changed it")
	}
}

func TestEmptyFileIsNotAGallery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.gallery")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	refused(t, path, ErrNotGallery)
	if st, err := os.Stat(path); err != nil || st.Size() != 0 {
		t.Fatalf("the empty file is now %v bytes (%v)", st.Size(), err)
	}
	if _, err := OpenReadOnly(filepath.Join(t.TempDir(), "none.gallery"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("read-only open of a missing file: %v", err)
	}
}

// TestOpenErrorsQuoteOddNames: a file name with a newline is printed
// quoted, once, in every way of opening's errors.
func TestOpenErrorsQuoteOddNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "two\nlines.gallery")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "gone\n.gallery")
	_, upgradeErr := NeedsUpgrade(path)
	_, openErr := Open(path, Options{})
	_, readErr := OpenReadOnly(missing, Options{})
	for name, err := range map[string]error{"NeedsUpgrade": upgradeErr, "Open": openErr, "OpenReadOnly (missing)": readErr} {
		if err == nil || strings.Contains(err.Error(), "\n") || strings.Count(err.Error(), "\\n") != 1 {
			t.Errorf("%s: %v; want the name once, quoted", name, err)
		}
	}
}

func TestDamagedFilesAreRefused(t *testing.T) {
	fx := newDamageFixture(t)
	t.Run("code chunk", func(t *testing.T) {
		for _, at := range []struct {
			name string
			off  int64
		}{{"lists", chunkHeader + 40}, {"codes", chunkHeader + chunkRows*12 + 700}} {
			path := fx.copyTo(t, "code.gallery")
			off := valueOffset(t, path, func(tx *bolt.Tx) []byte { return genBucket(tx).Bucket(bucketCodes).Get(chunkKey(1)) })
			flipBit(t, path, off+at.off, 3)
			refused(t, path, ErrCorrupt)
			if at.name != "codes" {
				continue
			}
			// With the int8 codes left in the file, opening reads only the
			// lists, and searches never read the codes: Verify finds the
			// damage.
			g, err := OpenReadOnly(path, Options{MaxResidentCodes: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Verify(context.Background()); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("verify a damaged code chunk: %v", err)
			}
			g.Close()
		}
	})
	for _, c := range []struct {
		name   string
		value  func(tx *bolt.Tx) []byte
		at     int64 // where in the value
		random int   // bytes of random data written there; 0: flip a bit
	}{
		{"pq chunk", func(tx *bolt.Tx) []byte { return genBucket(tx).Bucket(bucketPQ).Get(chunkKey(2)) }, chunkHeader + 5000, 0},
		{"index centroids", func(tx *bolt.Tx) []byte { return genBucket(tx).Get(keyCents) }, 1234, 0},
		{"rows chunk", func(tx *bolt.Tx) []byte { return tx.Bucket(bucketRows).Get(chunkKey(0)) }, chunkHeader + 8*17, 0},
		{"labels chunk", func(tx *bolt.Tx) []byte { return tx.Bucket(bucketLabels).Get(chunkKey(0)) }, chunkHeader + 30, 0},
		{"random bytes over the rows", func(tx *bolt.Tx) []byte { return tx.Bucket(bucketRows).Get(chunkKey(1)) }, chunkHeader + 100, 3000},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := fx.copyTo(t, "damaged.gallery")
			off := valueOffset(t, path, c.value) + c.at
			if c.random > 0 {
				overwriteRandom(t, path, off, c.random)
			} else {
				flipBit(t, path, off, uint(off%8))
			}
			refused(t, path, ErrCorrupt)
		})
	}
	t.Run("row count", func(t *testing.T) {
		path := fx.copyTo(t, "meta.gallery")
		if flipEverywhere(t, path, seal(keyRows, u32(uint32(len(fx.faces)))), 0) == 0 {
			t.Fatal("the row count is not in the file")
		}
		refused(t, path, ErrCorrupt)
	})
	t.Run("random file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "random.gallery")
		data := make([]byte, 1<<16)
		rand.NewChaCha8([32]byte{5}).Read(data)
		os.WriteFile(path, data, 0o600)
		refused(t, path, ErrNotGallery)
	})
	t.Run("truncated", func(t *testing.T) {
		data, _ := os.ReadFile(fx.path)
		path := filepath.Join(t.TempDir(), "cut.gallery")
		os.WriteFile(path, data[:len(data)*6/10], 0o600)
		refused(t, path, ErrTruncated)
	})
}

// overwriteRandom writes n random bytes into the file at off.
func overwriteRandom(t *testing.T, path string, off int64, n int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	junk := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(off), byte(off >> 8), 9}).Read(junk)
	if _, err := f.WriteAt(junk, off); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedDescriptorIsCaughtOnRead flips a bit in one stored
// descriptor, and writes random bytes over others: opening does not read
// descriptors (ten million of them are 5 GB), so the file opens, but every
// search that reads a damaged one fails with ErrCorrupt instead of
// returning wrong candidates, as do Verify and a change to that chunk,
// and nothing is written to the file.
func TestDamagedDescriptorIsCaughtOnRead(t *testing.T) {
	ctx := context.Background()
	fx := newDamageFixture(t)
	for _, damage := range []string{"bit", "random"} {
		t.Run(damage, func(t *testing.T) {
			path := fx.copyTo(t, "vec.gallery")
			const row = 1500 // chunk 1, slot 476
			off := valueOffset(t, path, func(tx *bolt.Tx) []byte { return tx.Bucket(bucketVectors).Get(chunkKey(row / chunkRows)) })
			rec := off + chunkHeader + int64(row%chunkRows)*recordBytes
			if damage == "bit" {
				flipBit(t, path, rec+77, 2)
			} else {
				overwriteRandom(t, path, rec-600, 2000) // into the records before and after
			}
			sum := fileSum(t, path)
			for _, mode := range []struct {
				name string
				open func(string, Options) (*Local, error)
				opts Options
			}{
				{"Open", Open, Options{ManualRebuild: true}},
				{"OpenReadOnly", OpenReadOnly, Options{}},
				// int8 codes in the file, as with ten million faces: the
				// shortlist is re-ranked from the file.
				{"OpenReadOnly, codes in the file", OpenReadOnly, Options{MaxResidentCodes: 1000}},
			} {
				name := mode.name
				g, err := mode.open(path, mode.opts)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if g.Stats().ResidentCodes != (mode.opts.MaxResidentCodes == 0) {
					t.Fatalf("%s: %+v", name, g.Stats())
				}
				q := fx.faces[row].Descriptor
				if got, err := g.Search(ctx, q, 5, 0.6); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("%s: search for the damaged face: %v, %v", name, got, err)
				}
				if got, err := g.SearchExact(ctx, q, 5, 0.6); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("%s: exact search: %v, %v", name, got, err)
				}
				if err := g.Verify(ctx); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("%s: verify: %v", name, err)
				}
				// A face whose neighbours are intact is still found (with the
				// codes in the file, a search of this small gallery reads most
				// descriptors).
				q = fx.faces[10].Descriptor
				if !g.Stats().ResidentCodes {
					g.Close()
					continue
				}
				if got, err := g.Search(ctx, q, 1, 0); err != nil || got[0].Face != fx.faces[10].ID || got[0].Distance != 0 {
					t.Fatalf("%s: search for an intact face: %v, %v", name, got, err)
				}
				if name == "Open" {
					if err := g.Remove(ctx, []FaceID{fx.faces[row+1].ID}); !errors.Is(err, ErrCorrupt) {
						t.Fatalf("remove from the damaged chunk: %v", err)
					}
				}
				g.Close()
			}
			if fileSum(t, path) != sum {
				t.Fatal("the damaged file was written to")
			}
		})
	}
}

func TestReadOnlyNeverWrites(t *testing.T) {
	ctx := context.Background()
	fx := newDamageFixture(t)
	path := fx.copyTo(t, "w.gallery")
	st0, _ := os.Stat(path)
	sum := fileSum(t, path)
	g, err := OpenReadOnly(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Readers share the file; a writer is kept out meanwhile.
	g2, err := OpenReadOnly(path, Options{})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	if _, err := Open(path, Options{}); !errors.Is(err, ErrInUse) {
		t.Fatalf("writer beside readers: %v", err)
	}
	for i := range 20 {
		q := fx.faces[i*100].Descriptor
		if got, err := g.Search(ctx, q, 3, 0); err != nil || got[0].Face != fx.faces[i*100].ID {
			t.Fatalf("search: %v %v", got, err)
		}
	}
	for _, err := range []error{
		g.Add(ctx, randomFaces(2, 1, 99999)), g.Remove(ctx, []FaceID{fx.faces[0].ID}),
		g.Rebuild(ctx), g.Upgrade(ctx),
	} {
		if !errors.Is(err, ErrReadOnly) {
			t.Fatalf("change to a read-only gallery: %v", err)
		}
	}
	if err := g.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	g.Close()
	g2.Close()
	st1, _ := os.Stat(path)
	if fileSum(t, path) != sum || !st1.ModTime().Equal(st0.ModTime()) {
		t.Fatal("a read-only gallery wrote to its file")
	}
}
