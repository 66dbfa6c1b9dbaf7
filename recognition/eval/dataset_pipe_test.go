package eval

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"facecase/internal/fsutil"
)

// TestDatasetPipesAreRefusedNotRead: a named pipe called like an image in
// a dataset, or given as the manifest, used to block the evaluation for
// ever. The image counts as unreadable and the manifest is refused.
func TestDatasetPipesAreRefusedNotRead(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, "ann/1.jpg", "ann/2.jpg")
	if err := syscall.Mkfifo(filepath.Join(root, "ann", "3.jpg"), 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	manifest := filepath.Join(t.TempDir(), "manifest.csv")
	if err := syscall.Mkfifo(manifest, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	type outcome struct {
		en  *Enrolment
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		if _, err := ReadManifest(manifest, nil); !errors.Is(err, fsutil.ErrNotRegular) {
			done <- outcome{err: err}
			return
		}
		ds, err := ReadFolders(root)
		if err != nil {
			done <- outcome{err: err}
			return
		}
		emb := newPathEmbedder(root, "m", map[string]embedding{"ann/1.jpg": at(0), "ann/2.jpg": at(0.1), "ann/3.jpg": at(0.2)})
		en, err := Enrol(context.Background(), ds, emb, nil, 2, nil)
		done <- outcome{en, err}
	}()
	var o outcome
	select {
	case o = <-done:
	case <-time.After(30 * time.Second): // a safety net: the refusals are immediate
		t.Fatal("still reading the dataset after 30 s: a named pipe blocked it")
	}
	if o.err != nil || o.en == nil {
		t.Fatalf("manifest pipe not refused, or enrolment failed: %v", o.err)
	}
	want := []SampleStatus{StatusEnrolled, StatusEnrolled, StatusUnreadable}
	for i, st := range o.en.Status {
		if st != want[i] {
			t.Errorf("sample %d: %q, want %q", i, st, want[i])
		}
	}
}
