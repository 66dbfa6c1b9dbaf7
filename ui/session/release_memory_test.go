package session

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"facecase/internal/testenv"
)

// TestEveryAnalysedItemTrimsTheCAllocator checks that the C allocator's
// free pages are handed back once per item analysed, and not for an item
// already analysed.
func TestEveryAnalysedItemTrimsTheCAllocator(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	s := newTestSession(t)
	var trims atomic.Int32
	old := trimCAllocator
	trimCAllocator = func() bool { trims.Add(1); return true }
	t.Cleanup(func() { trimCAllocator = old })
	photos := []string{filepath.Join(dir, "obama.jpg"), filepath.Join(dir, "biden.jpg")}
	if err := s.Intake(context.Background(), photos, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := trims.Load(); got != 2 {
		t.Errorf("%d trims for 2 photos analysed, want 2", got)
	}
	if err := s.Intake(context.Background(), photos[:1], nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := trims.Load(); got != 2 {
		t.Errorf("%d trims after a duplicate, want still 2", got)
	}
}
