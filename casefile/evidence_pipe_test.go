package casefile

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"facecase/internal/fsutil"
)

// TestAddEvidenceRefusesPipesAndDevices: a named pipe used to block intake
// forever with the case open for writing; a device was read without end.
// Both are refused at once, and the case takes the next file normally.
func TestAddEvidenceRefusesPipesAndDevices(t *testing.T) {
	c := newTestCase(t)
	fifo := filepath.Join(t.TempDir(), "f.jpg")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	for _, p := range []string{fifo, "/dev/zero"} {
		done := make(chan error, 1)
		go func() {
			_, err := c.AddEvidence(context.Background(), p, AddOptions{})
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second): // a safety net: the refusal is immediate
			t.Fatalf("AddEvidence(%s) still running after 30 s", p)
		}
		if !errors.Is(err, ErrInvalid) || !errors.Is(err, fsutil.ErrNotRegular) {
			t.Fatalf("AddEvidence(%s): %v, want ErrInvalid and ErrNotRegular", p, err)
		}
		if want := "is a named pipe (FIFO)"; p == fifo && !strings.Contains(err.Error(), want) {
			t.Fatalf("AddEvidence(%s): %q does not say %q", p, err, want)
		}
	}
	ev, err := c.AddEvidence(context.Background(), writeTestFile(t, t.TempDir(), "ok.txt", []byte("plain evidence")), AddOptions{})
	if err != nil || ev.ID == 0 {
		t.Fatalf("a regular file after the refusals: %+v, %v", ev, err)
	}
}
