package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"facecase/facedata"
	"facecase/progress"
)

// tableEmbedder returns descriptors from a table keyed by file base name:
// a stand-in for the engine whose scores are known exactly.
type tableEmbedder struct {
	id    string
	table map[string]embedding
	calls atomic.Int64
}

// embedding is what tableEmbedder answers for one file.
type embedding struct {
	d   facedata.Descriptor
	err error
}

func (e *tableEmbedder) ModelID() string { return e.id }

func (e *tableEmbedder) Embed(ctx context.Context, path string) (facedata.Descriptor, error) {
	e.calls.Add(1)
	v, ok := e.table[filepath.Base(path)]
	if !ok {
		return facedata.Descriptor{}, fmt.Errorf("table embedder: no entry for %s", path)
	}
	return v.d, v.err
}

// at is a descriptor whose first component is x: distances between such
// descriptors are |x1 - x2| exactly for values like 0.25 or 1.5.
func at(x float32) embedding {
	var d facedata.Descriptor
	d[0] = x
	return embedding{d: d}
}

// writeFiles creates files (contents are their names unless given) below dir.
func writeFiles(t testing.TB, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("content of "+f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writeText creates one file with the given text.
func writeText(t testing.TB, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// manifest writes a manifest CSV from lines and returns its path.
func manifest(t testing.TB, dir string, lines ...string) string {
	t.Helper()
	p := filepath.Join(dir, "manifest.csv")
	writeText(t, p, strings.Join(lines, "\n")+"\n")
	return p
}

// recordingReporter keeps the stages it saw.
type recordingReporter struct {
	mu     sync.Mutex
	stages map[string]int64
}

func (r *recordingReporter) Report(u progress.Update) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stages == nil {
		r.stages = map[string]int64{}
	}
	if u.Done > r.stages[u.Stage] {
		r.stages[u.Stage] = u.Done
	}
}

func rateIs(t *testing.T, what string, r Rate, errors, trials int64) {
	t.Helper()
	if r.Errors != errors || r.Trials != trials {
		t.Errorf("%s = %d/%d, want %d/%d", what, r.Errors, r.Trials, errors, trials)
	}
}

// countingEmbedder counts calls to another embedder.
type countingEmbedder struct {
	Embedder
	calls atomic.Int64
}

func (c *countingEmbedder) Embed(ctx context.Context, path string) (facedata.Descriptor, error) {
	c.calls.Add(1)
	return c.Embedder.Embed(ctx, path)
}
