//go:build linux || darwin

package gallery

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNotARegularFileIsRefused: a named pipe, a folder or a device given
// as the gallery is refused with ErrNotGallery by both ways of opening,
// before anything opens it. Opening a named pipe for reading would wait
// for a writer forever (and reading it fails with "illegal seek"), so the
// open runs in a goroutine; if it is still blocked after a generous bound
// the test opens the pipe's other end to release it, and fails.
func TestNotARegularFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.gallery")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	folder := filepath.Join(dir, "folder.gallery")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.gallery") // a link to the pipe
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	says := map[string]string{fifo: "a named pipe", folder: "a folder", link: "a named pipe"}
	if st, err := os.Stat("/dev/zero"); err == nil && st.Mode()&os.ModeDevice != 0 {
		says["/dev/zero"] = "a device"
	}
	for path, kind := range says {
		for name, open := range map[string]func(string, Options) (*Local, error){"Open": Open, "OpenReadOnly": OpenReadOnly} {
			done := make(chan error, 1)
			go func() {
				g, err := open(path, Options{})
				if err == nil {
					g.Close()
				}
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				if w, werr := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); werr == nil {
					w.Close()
				}
				t.Fatalf("%s %s: still blocked after a minute (it opened the named pipe)", name, path)
			}
			if !errors.Is(err, ErrNotGallery) || !strings.Contains(err.Error(), kind) {
				t.Fatalf("%s %s: err = %v, want %v naming %s", name, path, err, ErrNotGallery, kind)
			}
			t.Logf("%s: %v", name, err)
		}
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode().Type() != os.ModeNamedPipe {
		t.Fatalf("the named pipe is now %v (%v)", st.Mode(), err)
	}
	if entries, err := os.ReadDir(folder); err != nil || len(entries) != 0 {
		t.Fatalf("the folder now holds %d entries (%v)", len(entries), err)
	}
}

// TestReadOnlyFileIsSearched: a gallery file without write permission (a
// copy off a write-protected medium) opens read-only and is searched, and
// its bytes, size and modification time stay the same.
func TestReadOnlyFileIsSearched(t *testing.T) {
	ctx := context.Background()
	fx := newDamageFixture(t)
	path := fx.copyTo(t, "ro.gallery")
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	st0, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := fileSum(t, path)
	g, err := OpenReadOnly(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		f := fx.faces[i*250]
		if got, err := g.Search(ctx, f.Descriptor, 1, 0); err != nil || len(got) != 1 || got[0].Face != f.ID {
			t.Fatalf("search for face %d: %v, %v", f.ID, got, err)
		}
	}
	if err := g.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	st1, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fileSum(t, path) != sum || st1.Size() != st0.Size() || !st1.ModTime().Equal(st0.ModTime()) || st1.Mode() != st0.Mode() {
		t.Fatalf("searching changed the file: size %d -> %d, modified %v -> %v, mode %v -> %v",
			st0.Size(), st1.Size(), st0.ModTime(), st1.ModTime(), st0.Mode(), st1.Mode())
	}
}
