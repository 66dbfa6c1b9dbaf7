package casefile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestExportNeverOverwritesTheCase is issue 16 A: "export --force CASE
// CASE" replaced the live case file with a zip, and an output in
// NAME.media/ replaced an evidence copy. Every way of naming the case,
// its media folder or an original evidence file is refused, with and
// without Force, and leaves every file as it was.
func TestExportNeverOverwritesTheCase(t *testing.T) {
	c := newTestCase(t)
	dir := filepath.Dir(c.Path())
	srcDir := t.TempDir()
	original := writeTestFile(t, srcDir, "a.jpg", append(append([]byte(nil), jpegHead...), "a photo"...))
	ev, err := c.AddEvidence(context.Background(), original, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	copyPath := c.EvidencePath(ev)
	links := t.TempDir()
	mustDo := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustDo(os.Symlink(c.Path(), filepath.Join(links, "case-link.zip")))
	mustDo(os.Link(c.Path(), filepath.Join(links, "case-hardlink.zip")))
	mustDo(os.Symlink(c.MediaDir(), filepath.Join(links, "media-link")))
	mustDo(os.Link(copyPath, filepath.Join(links, "copy-hardlink.zip")))
	mustDo(os.Symlink(filepath.Join(c.MediaDir(), "new.zip"), filepath.Join(links, "dangling-into-media.zip")))
	t.Chdir(dir)
	targets := []string{
		c.Path(),
		filepath.Base(c.Path()), // relative
		filepath.Join(c.MediaDir(), "..", filepath.Base(c.Path())),
		filepath.Join(links, "case-link.zip"),
		filepath.Join(links, "case-hardlink.zip"),
		copyPath,
		filepath.Join(c.MediaDir(), "bundle.zip"),        // a new file in the media folder
		filepath.Join(c.MediaDir(), "sub", "bundle.zip"), // below it
		c.MediaDir(),
		filepath.Join(links, "media-link", filepath.Base(copyPath)),
		filepath.Join(links, "copy-hardlink.zip"),
		filepath.Join(links, "dangling-into-media.zip"),
		original,
	}
	before := snapshotFiles(t, c.Path(), copyPath, original)
	head, _ := c.AuditHead()
	for _, target := range targets {
		for _, force := range []bool{false, true} {
			_, err := Export(context.Background(), c, target, ExportOptions{Force: force}, nil)
			if !errors.Is(err, ErrProtectedTarget) {
				t.Errorf("export to %s (force %v): %v, want ErrProtectedTarget", target, force, err)
			}
		}
	}
	if after := snapshotFiles(t, c.Path(), copyPath, original); after != before {
		t.Fatal("a refused export changed the case or its evidence")
	}
	if _, err := os.Stat(filepath.Join(c.MediaDir(), "bundle.zip")); err == nil {
		t.Fatal("a bundle was written into the media folder")
	}
	if h, _ := c.AuditHead(); h != head {
		t.Fatalf("a refused export was audited: head %d, was %d", h.Seq, head.Seq)
	}
	// An ordinary target, replaced with Force, still works.
	out := filepath.Join(t.TempDir(), "bundle.zip")
	for range 2 {
		if _, err := Export(context.Background(), c, out, ExportOptions{Force: true}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshotFiles is the content of files, concatenated with their names.
func snapshotFiles(t *testing.T, paths ...string) string {
	t.Helper()
	var s string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s += p + "\x00" + string(b) + "\x00"
	}
	return s
}
