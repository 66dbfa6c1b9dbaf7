package views

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"facecase/ui/async"
	"facecase/ui/internal/uitest"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

func newEvidence(t *testing.T, f *fakeEvidence) (*EvidenceView, fyne.Window, *widgets.TaskBar) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	tasks := widgets.NewTaskBar()
	v := NewEvidenceView(context.Background(), w, f, tasks)
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(1000, 600))
	t.Cleanup(w.Close)
	waitUntil(t, "the evidence rows", func() bool { return len(v.shown) == 3 })
	return v, w, tasks
}

func titles(rows []EvidenceRow) string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Title())
	}
	return strings.Join(out, ",")
}

// TestEvidenceSortFilterAndFolders: rows name their subfolder, sort by
// name and faces, and filter by faces, candidates and failure.
func TestEvidenceSortFilterAndFolders(t *testing.T) {
	v, _, _ := newEvidence(t, newFakeEvidence())
	async.Locked(func() {
		if got := titles(v.shown); got != "train/biden/img1.jpg,train/obama/img1.jpg,cctv.mp4" {
			t.Fatalf("intake order: %s", got)
		}
		v.sortBy.SetSelected(sortFaces)
		if got := titles(v.shown); got != "cctv.mp4,train/biden/img1.jpg,train/obama/img1.jpg" {
			t.Fatalf("by faces: %s", got)
		}
		v.sortBy.SetSelected(sortName)
		if got := titles(v.shown); got != "cctv.mp4,train/biden/img1.jpg,train/obama/img1.jpg" {
			t.Fatalf("by name: %s", got)
		}
		v.filterBy.SetSelected(filterFaces)
		if got := titles(v.shown); got != "cctv.mp4,train/biden/img1.jpg" {
			t.Fatalf("with faces: %s", got)
		}
		if s := v.shown[1].StateText(); s != "1 face" {
			t.Fatalf("a photo's row says %q: people are followed in videos only", s)
		}
		v.filterBy.SetSelected(filterCandidates)
		if got := titles(v.shown); got != "cctv.mp4" || v.shown[0].StateText() != "12 faces · 4 people followed · 2 searches with candidates" {
			t.Fatalf("with candidates: %s (%s)", got, v.shown[0].StateText())
		}
		v.filterBy.SetSelected(filterFailed)
		if len(v.shown) != 0 {
			t.Fatalf("failed: %s", titles(v.shown))
		}
	})
}

// TestEvidenceTickedSearchAndDenseRows: ticking rows enables the bulk
// search, which runs in the task bar with the ticked ids; dense rows fit
// the same items in less height.
func TestEvidenceTickedSearchAndDenseRows(t *testing.T) {
	f := newFakeEvidence()
	v, w, tasks := newEvidence(t, f)
	async.Locked(func() {
		if !v.searchSel.Disabled() {
			t.Fatal("bulk search enabled with nothing ticked")
		}
		v.tick(1, true)
		v.tick(3, true)
		if v.searchSel.Disabled() || v.searchSel.Text != "Search 2 ticked items" {
			t.Fatalf("bulk search button %q, disabled %v", v.searchSel.Text, v.searchSel.Disabled())
		}
		test.Tap(v.searchSel)
	})
	waitUntil(t, "the bulk search", func() bool { return !tasks.Busy() && len(overlayText(w)) > 0 })
	f.mu.Lock()
	searched := f.searched
	f.mu.Unlock()
	if len(searched) != 1 || len(searched[0]) != 2 || searched[0][0] != 1 || searched[0][1] != 3 {
		t.Fatalf("searched %v, want [[1 3]]", searched)
	}
	async.Locked(func() {
		if text := overlayText(w); !strings.Contains(text, "2 faces searched, 1 with candidates") {
			t.Fatalf("outcome dialog:\n%s", text)
		}
		w.Canvas().Overlays().Top().Hide()
		normal := v.list.MinSize().Height
		rowH := newEvidenceRow(false).MinSize().Height
		v.dense.SetChecked(true)
		if dense := newEvidenceRow(true).MinSize().Height; dense >= rowH*2/3 {
			t.Fatalf("dense row %v high, normal %v", dense, rowH)
		}
		_ = normal
	})
	waitUntil(t, "thumbnails", func() bool { return shownThumbnails(w.Content()) == 3 })
	async.Locked(func() { uitest.AssertGolden(t, "evidence/dense.png", w.Canvas().Capture()) })
}

// TestEvidenceSkippedFilesInSummaryNotInList: a text file of a dropped
// folder is named in the intake summary and never listed; a duplicate is
// listed on its own new row.
func TestEvidenceSkippedFilesInSummaryNotInList(t *testing.T) {
	f := newFakeEvidence()
	f.intake = []session.ItemStatus{
		{Path: "/cases/drop2/notes.txt", State: session.StateSkipped, Detail: "not a photo or video (text/plain; charset=utf-8)"},
		{Path: "/cases/drop2/copy.jpg", State: session.StateDuplicate, Duplicate: 1, Detail: "already in the case as #1 img1.jpg (1 faces)"},
	}
	v, _, tasks := newEvidence(t, f)
	async.Locked(func() { v.AddPaths([]string{"/cases/drop2"}) })
	waitUntil(t, "the intake", func() bool { return !tasks.Busy() && len(v.shown) == 4 && v.skipped.Visible() })
	async.Locked(func() {
		if !strings.Contains(v.skipped.Text, "Intake skipped 1 file that is not photos or videos") ||
			!strings.Contains(v.skipped.Text, "/cases/drop2/notes.txt") {
			t.Fatalf("intake summary %q", v.skipped.Text)
		}
		for _, r := range v.shown {
			if strings.Contains(r.Title(), "notes.txt") {
				t.Fatal("the skipped text file is listed")
			}
			if r.Evidence.ID == 1 && strings.Contains(r.StateText(), "already") {
				t.Fatalf("the original is marked as a duplicate: %s", r.StateText())
			}
		}
		dup := v.shown[3]
		if dup.Evidence.ID != 0 || !strings.Contains(dup.StateText(), "duplicate, not added: already in the case as #1") {
			t.Fatalf("duplicate row %+v: %s", dup, dup.StateText())
		}
	})
}

// shownThumbnails counts the evidence rows under o that show a thumbnail.
func shownThumbnails(o fyne.CanvasObject) int {
	n := 0
	uitest.Walk(o, func(o fyne.CanvasObject) {
		if r, ok := o.(*evidenceRowWidget); ok && r.Visible() && r.thumb.Image != nil {
			n++
		}
	})
	return n
}
