package fsutil_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"facecase/internal/fsutil"
	"facecase/internal/testenv"
)

// openBound is how long an open may take before the test calls it hung.
// Opening returns at once or never; the bound only turns a hang into a
// failure with a message instead of the test binary's timeout.
const openBound = 30 * time.Second

// openWithin runs OpenRegular on another goroutine and fails the test when
// it does not return within openBound.
func openWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		f, err := fsutil.OpenRegular(path)
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(openBound):
		t.Fatalf("OpenRegular(%s) still blocked after %v", path, openBound)
		return nil
	}
}

func TestOpenRegularRefusesWhatIsNotAFile(t *testing.T) {
	special := testenv.SpecialFiles(t)
	link := filepath.Join(t.TempDir(), "link.jpg")
	if err := os.Symlink(special[0].Path, link); err != nil {
		t.Fatal(err)
	}
	special = append(special, testenv.SpecialFile{Path: link, Says: "is a named pipe (FIFO)"},
		testenv.SpecialFile{Path: "/dev/null", Says: "is a character device"})
	for _, c := range special {
		err := openWithin(t, c.Path)
		if !errors.Is(err, fsutil.ErrNotRegular) || !strings.Contains(err.Error(), c.Says) {
			t.Errorf("%s: %v, want ErrNotRegular saying %q", c.Path, err, c.Says)
		}
	}
	if _, err := fsutil.SHA256File(special[0].Path); !errors.Is(err, fsutil.ErrNotRegular) {
		t.Errorf("SHA256File of a pipe: %v", err)
	}
}

func TestOpenRegularReadsFilesAndLinksToThem(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(p, []byte("evidence"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "b.txt")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{p, link} {
		f, err := fsutil.OpenRegular(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		b := make([]byte, 16)
		n, err := f.Read(b)
		f.Close()
		if err != nil || string(b[:n]) != "evidence" {
			t.Fatalf("%s: read %q, %v", q, b[:n], err)
		}
	}
	if _, err := fsutil.OpenRegular(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) || errors.Is(err, fsutil.ErrNotRegular) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestShowPathQuotesOddNames(t *testing.T) {
	for in, want := range map[string]string{
		"photo.jpg":               "photo.jpg",
		"/cases/Zoë 2024/a b.jpg": "/cases/Zoë 2024/a b.jpg",
		"evil\nOK: verified.jpg":  `"evil\nOK: verified.jpg"`,
		"bell\a.jpg":              `"bell\a.jpg"`,
		"\x1b[31mred.jpg":         `"\x1b[31mred.jpg"`,
		"gpj.\u202eexe":           `"gpj.\u202eexe"`,
		"bad\xffutf8.jpg":         `"bad\xffutf8.jpg"`,
	} {
		if got := fsutil.ShowPath(in); got != want {
			t.Errorf("ShowPath(%q) = %s, want %s", in, got, want)
		}
	}
}
