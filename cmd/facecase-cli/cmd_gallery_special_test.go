//go:build linux || darwin

package main

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"facecase/facedata"
	"facecase/internal/synthdesc"
)

// TestGallerySearchSpecialFiles: `gallery search` refuses a named pipe
// (an earlier build opened it and failed with "illegal seek", or waited for
// a writer) with a clear error and a non-zero exit, and searches a gallery
// file without write permission, leaving its bytes, size and modification
// time as they were.
func TestGallerySearchSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	gal := filepath.Join(dir, "w.gallery")
	if code, out, errOut := runCLI(t, "gallery", "import", "-gallery", gal, "-synthetic", "300"); code != 0 {
		t.Fatalf("import: exit %d, out %q, err %q", code, out, errOut)
	}
	ds := make([]facedata.Descriptor, 300)
	synthdesc.New(synthdesc.Config{Seed: synthdesc.DefaultSeed}).Fill(0, ds)
	probe := filepath.Join(dir, "probe.json")
	os.WriteFile(probe, []byte(mustJSON(ds[17][:])), 0o600)

	t.Run("named pipe", func(t *testing.T) {
		fifo := filepath.Join(dir, "pipe.gallery")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
		type result struct {
			code      int
			out, errs string
		}
		done := make(chan result, 1)
		go func() {
			code, out, errOut := runCLI(t, "gallery", "search", "-gallery", fifo, "-descriptor", probe)
			done <- result{code, out, errOut}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(time.Minute):
			// Release a reader blocked on the pipe before failing.
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
			t.Fatal("search of a named pipe still blocked after a minute")
		}
		if r.code != 1 || !strings.Contains(r.errs, "a named pipe, not a regular file") || r.out != "" {
			t.Fatalf("search of a named pipe: exit %d, out %q, err %q", r.code, r.out, r.errs)
		}
		t.Logf("exit %d: %s", r.code, r.errs)
	})

	t.Run("read-only file", func(t *testing.T) {
		ro := filepath.Join(dir, "ro.gallery")
		os.WriteFile(ro, mustRead(t, gal), 0o600)
		if err := os.Chmod(ro, 0o444); err != nil {
			t.Fatal(err)
		}
		st0 := backdate(t, ro)
		sum := sha256.Sum256(mustRead(t, ro))
		for _, sub := range []string{"search", "verify"} {
			args := []string{"gallery", sub, "-gallery", ro}
			if sub == "search" {
				args = append(args, "-descriptor", probe, "-k", "1")
			}
			code, out, errOut := runCLI(t, args...)
			want := "OK, 300 faces"
			if sub == "search" {
				want = "0.0000"
			}
			if code != 0 || !strings.Contains(out, want) {
				t.Fatalf("%s of a read-only gallery: exit %d, out %q, err %q", sub, code, out, errOut)
			}
		}
		st1, err := os.Stat(ro)
		if err != nil {
			t.Fatal(err)
		}
		if sha256.Sum256(mustRead(t, ro)) != sum || st1.Size() != st0.Size() || !st1.ModTime().Equal(st0.ModTime()) || st1.Mode() != st0.Mode() {
			t.Fatalf("searching changed the file: size %d -> %d, modified %v -> %v, mode %v -> %v",
				st0.Size(), st1.Size(), st0.ModTime(), st1.ModTime(), st0.Mode(), st1.Mode())
		}
	})
}
