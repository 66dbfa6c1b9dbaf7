package session

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestIntakeRefusesPipesAndDevices: a named pipe dropped on the app hung
// the intake with the case open for writing. It fails at once with the
// reason, and the batch carries on.
func TestIntakeRefusesPipesAndDevices(t *testing.T) {
	s := newTestSession(t)
	fifo := filepath.Join(t.TempDir(), "f.jpg")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	final := map[string]ItemStatus{}
	done := make(chan error, 1)
	go func() {
		done <- s.Intake(context.Background(), []string{fifo, "/dev/zero"}, nil, func(st ItemStatus) { final[st.Path] = st })
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second): // a safety net: the refusals are immediate
		t.Fatal("intake still running after 30 s: a named pipe or device is being read")
	}
	for p, says := range map[string]string{fifo: "named pipe", "/dev/zero": "character device"} {
		if st := final[p]; st.State != StateFailed || !strings.Contains(st.Detail, says) {
			t.Errorf("%s: %+v, want failed saying %q", p, st, says)
		}
	}
}
