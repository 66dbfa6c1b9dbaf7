package session

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"facecase/casefile"
	"facecase/internal/testenv"
)

// countReleases counts the engines' releases of working memory (each ends
// with one trim of the C allocator) for the rest of the test.
func countReleases(t *testing.T) *atomic.Int32 {
	var n atomic.Int32
	old := trimCAllocator
	trimCAllocator = func() bool { n.Add(1); return true }
	t.Cleanup(func() { trimCAllocator = old })
	return &n
}

// TestIntakeReleasesWorkMemoryOnceAtItsEnd checks that an intake of
// photos hands the engines' working memory back once, when it ends, not
// after every photo, and that an intake that analyses nothing does not.
func TestIntakeReleasesWorkMemoryOnceAtItsEnd(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	s := newTestSession(t)
	releases := countReleases(t)
	photos := []string{filepath.Join(dir, "obama.jpg"), filepath.Join(dir, "biden.jpg")}
	if err := s.Intake(context.Background(), photos, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := releases.Load(); got != 1 {
		t.Errorf("%d releases for an intake of 2 photos, want 1", got)
	}
	if err := s.Intake(context.Background(), photos[:1], nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := releases.Load(); got != 1 {
		t.Errorf("%d releases after an intake of a duplicate, want still 1", got)
	}
}

// TestAnalysisReleasesWorkMemoryWhenTheKindChanges checks that the
// engines' working memory is handed back before an item of another kind
// than the last one is analysed.
func TestAnalysisReleasesWorkMemoryWhenTheKindChanges(t *testing.T) {
	s := newTestSession(t)
	releases := countReleases(t)
	for i, step := range []struct {
		kind string
		want int32
	}{{casefile.KindPhoto, 0}, {casefile.KindPhoto, 0}, {casefile.KindVideo, 1}, {casefile.KindVideo, 1}, {casefile.KindPhoto, 2}} {
		s.startAnalysis(step.kind)
		if got := releases.Load(); got != step.want {
			t.Fatalf("item %d (%s): %d releases, want %d", i, step.kind, got, step.want)
		}
	}
	s.endAnalyses()
	if got := releases.Load(); got != 3 {
		t.Errorf("%d releases after the intake ended, want 3", got)
	}
}
