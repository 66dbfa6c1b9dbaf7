package session

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"facecase/casefile"
	"facecase/internal/testenv"
)

// countTrims counts the trims of the C allocator (every release of the
// engines' working memory ends with one) for the rest of the test.
func countTrims(t *testing.T) *atomic.Int32 {
	var n atomic.Int32
	old := trimCAllocator
	trimCAllocator = func() bool { n.Add(1); return true }
	t.Cleanup(func() { trimCAllocator = old })
	return &n
}

// TestIntakeTrimsAfterEachItemAndReleasesAtItsEnd checks that an intake
// of photos trims the C allocator before its first photo and after each,
// and hands the engines' working memory back once, when it ends (each
// release ends with a trim too), and that an intake that analyses nothing
// does none of it.
func TestIntakeTrimsAfterEachItemAndReleasesAtItsEnd(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	s := newTestSession(t)
	trims := countTrims(t)
	photos := []string{filepath.Join(dir, "obama.jpg"), filepath.Join(dir, "biden.jpg")}
	if err := s.Intake(context.Background(), photos, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := trims.Load(); got != 4 {
		t.Errorf("%d trims for an intake of 2 photos, want 4 (one at the start, one a photo, one with the release)", got)
	}
	if err := s.Intake(context.Background(), photos[:1], nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := trims.Load(); got != 4 {
		t.Errorf("%d trims after an intake of a duplicate, want still 4", got)
	}
}

// TestCTrimmerTrimsOncePerInterval checks the video scan's trimmer: no
// trim before the interval has passed, one at every call with none.
func TestCTrimmerTrimsOncePerInterval(t *testing.T) {
	trims := countTrims(t)
	never := cTrimmer{every: time.Hour, last: time.Now()}
	always := cTrimmer{}
	for i := 0; i < 3; i++ {
		never.maybe()
		always.maybe()
	}
	if got := trims.Load(); got != 3 {
		t.Errorf("%d trims, want 3 (none within the hour, one a call without an interval)", got)
	}
}

// TestAnalysisReleasesWorkMemoryWhenTheKindChanges checks that the C
// allocator is trimmed before an intake's first item, and the engines'
// working memory handed back before an item of another kind than the last
// one is analysed.
func TestAnalysisReleasesWorkMemoryWhenTheKindChanges(t *testing.T) {
	s := newTestSession(t)
	releases := countTrims(t)
	for i, step := range []struct {
		kind string
		want int32
	}{{casefile.KindPhoto, 1}, {casefile.KindPhoto, 1}, {casefile.KindVideo, 2}, {casefile.KindVideo, 2}, {casefile.KindPhoto, 3}} {
		s.startAnalysis(step.kind)
		if got := releases.Load(); got != step.want {
			t.Fatalf("item %d (%s): %d releases, want %d", i, step.kind, got, step.want)
		}
	}
	s.endAnalyses()
	if got := releases.Load(); got != 4 {
		t.Errorf("%d releases after the intake ended, want 4", got)
	}
}
