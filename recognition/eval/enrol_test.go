package eval

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"facecase/facedata"
)

// pathEmbedder answers by path relative to a root.
type pathEmbedder struct {
	tableEmbedder
	root string
}

func (e *pathEmbedder) Embed(ctx context.Context, path string) (d facedata.Descriptor, err error) {
	e.calls.Add(1)
	rel, _ := filepath.Rel(e.root, path)
	v, ok := e.table[filepath.ToSlash(rel)]
	if !ok {
		return d, fmt.Errorf("no entry for %s", rel)
	}
	return v.d, v.err
}

func newPathEmbedder(root, id string, table map[string]embedding) *pathEmbedder {
	return &pathEmbedder{tableEmbedder: tableEmbedder{id: id, table: table}, root: root}
}

func TestEnrolStatusesAndCache(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, "ann/1.jpg", "ann/2.jpg", "bob/1.jpg", "bob/2.jpg", "cy/1.jpg")
	table := map[string]embedding{
		"ann/1.jpg": at(0), "ann/2.jpg": at(0.25), "bob/1.jpg": at(1),
		"bob/2.jpg": {err: fmt.Errorf("decode: %w", ErrUnreadable)},
		"cy/1.jpg":  {err: fmt.Errorf("0 faces: %w", ErrNoFace)},
	}
	cachePath := filepath.Join(t.TempDir(), "sub", "cache.db")
	run := func(id string) (*Enrolment, *Dataset, *pathEmbedder) {
		ds, err := ReadFolders(root)
		if err != nil {
			t.Fatal(err)
		}
		cache, err := OpenCache(cachePath)
		if err != nil {
			t.Fatal(err)
		}
		defer cache.Close()
		emb := newPathEmbedder(root, id, table)
		en, err := Enrol(context.Background(), ds, emb, cache, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		return en, ds, emb
	}
	en, ds, emb := run("model-1")
	want := []SampleStatus{StatusEnrolled, StatusEnrolled, StatusEnrolled, StatusUnreadable, StatusNoFace}
	for i, st := range en.Status {
		if st != want[i] {
			t.Errorf("%s: status %q, want %q", ds.Samples[i].Rel, st, want[i])
		}
	}
	if en.Descriptors[1][0] != 0.25 || emb.calls.Load() != 5 || en.Computed != 5 {
		t.Errorf("first run: descriptor %v, %d calls, %d computed", en.Descriptors[1][0], emb.calls.Load(), en.Computed)
	}
	if ds.Skipped.Count(SkipNoFace) != 1 || ds.Skipped.Count(SkipUnreadable) != 1 {
		t.Errorf("skipped: %s", ds.Skipped.Summary())
	}

	// Second run, same model: descriptors and the no-face answer come from
	// the cache; the unreadable file is tried again (it may be repaired).
	en2, _, emb2 := run("model-1")
	if emb2.calls.Load() != 1 || en2.FromCache != 4 || en2.Computed != 1 {
		t.Errorf("cached run: %d embedder calls, %d from cache, %d computed; want 1, 4, 1", emb2.calls.Load(), en2.FromCache, en2.Computed)
	}
	for i := range en.Status {
		if en2.Status[i] != en.Status[i] || en2.Descriptors[i] != en.Descriptors[i] {
			t.Errorf("sample %d differs between fresh and cached runs", i)
		}
	}
	// Another model must not reuse those descriptors.
	_, _, emb3 := run("model-2")
	if emb3.calls.Load() != 5 {
		t.Errorf("other model: %d embedder calls, want 5", emb3.calls.Load())
	}
}

func TestEnrolStopsOnEmbedderFailure(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, "ann/1.jpg", "ann/2.jpg")
	ds, _ := ReadFolders(root)
	emb := newPathEmbedder(root, "m", map[string]embedding{"ann/1.jpg": at(0), "ann/2.jpg": {err: errors.New("model file corrupt")}})
	_, err := Enrol(context.Background(), ds, emb, nil, 1, nil)
	if err == nil || !strings.Contains(err.Error(), "model file corrupt") || !strings.Contains(err.Error(), "ann/2.jpg") {
		t.Errorf("err = %v, want the embedder's error naming the image", err)
	}
}

func TestEnrolCancelled(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, "ann/1.jpg", "ann/2.jpg")
	ds, _ := ReadFolders(root)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	emb := newPathEmbedder(root, "m", map[string]embedding{"ann/1.jpg": at(0), "ann/2.jpg": at(1)})
	if _, err := Enrol(ctx, ds, emb, nil, 2, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestEnrolMissingFileIsUnreadable(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, "ann/1.jpg", "ann/2.jpg")
	ds, _ := ReadFolders(root)
	ds.Samples[1].Path = filepath.Join(root, "ann", "deleted.jpg")
	emb := newPathEmbedder(root, "m", map[string]embedding{"ann/1.jpg": at(0)})
	en, err := Enrol(context.Background(), ds, emb, nil, 1, nil)
	if err != nil || en.Status[1] != StatusUnreadable {
		t.Errorf("deleted file: %v, %v", err, en.Status)
	}
}

func TestCacheBusy(t *testing.T) {
	old := cacheOpenTimeout
	cacheOpenTimeout = 100 * time.Millisecond
	defer func() { cacheOpenTimeout = old }()
	p := filepath.Join(t.TempDir(), "c.db")
	c, err := OpenCache(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := OpenCache(p); !errors.Is(err, ErrCacheBusy) {
		t.Errorf("second open: %v, want ErrCacheBusy", err)
	}
}

func TestCachedValueRoundTrip(t *testing.T) {
	e := cached{descriptor: at(0.123).d}
	e.descriptor[127] = -1.5
	back, err := decodeCached(encodeCached(e))
	if err != nil || back != e {
		t.Errorf("round trip: %v, %v", back, err)
	}
	nf, err := decodeCached(encodeCached(cached{noFace: true}))
	if err != nil || !nf.noFace {
		t.Errorf("no-face round trip: %v, %v", nf, err)
	}
	if _, err := decodeCached([]byte{9, 9}); err == nil {
		t.Error("a damaged entry must be an error")
	}
}
