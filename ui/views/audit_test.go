package views

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"facecase/ui/async"
	"facecase/ui/internal/uitest"
	"facecase/ui/session"
)

func newAudit(t *testing.T, f *fakeAudit) (*AuditView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	v := NewAuditView(f)
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(1100, 600))
	t.Cleanup(w.Close)
	waitUntil(t, "the audit log", func() bool { return len(v.rows) > 0 })
	return v, w
}

func TestAuditColumnsFilterAndDetail(t *testing.T) {
	v, w := newAudit(t, newFakeAudit())
	async.Locked(func() {
		if len(v.shown) != 4 || v.shown[0].Action != "review" {
			t.Fatalf("rows %+v, want 4 newest first", v.shown)
		}
		text := visibleText(w.Canvas().Content())
		for _, want := range []string{"Time", "Actor", "Action", "Object", "Summary", "Det. Reviewer", "search 1",
			"Audit chain verified (4 entries)", "4 of 4 entries"} {
			if !strings.Contains(text, want) {
				t.Errorf("audit view does not show %q", want)
			}
		}
		v.action.SetSelected("review")
	})
	async.Locked(func() {
		if len(v.shown) != 1 || v.shown[0].Actor != "Det. Reviewer" {
			t.Fatalf("filtered by action review: %+v", v.shown)
		}
		v.action.SetSelected(filterAny)
		v.actor.SetSelected("DS Khan")
		test.Type(v.object, "evidence")
	})
	async.Locked(func() {
		if len(v.shown) != 1 || v.shown[0].Object != "evidence 1" {
			t.Fatalf("filtered by actor and object: %+v", v.shown)
		}
		v.actor.SetSelected(filterAny)
		v.object.SetText("")
		v.list.Select(0)
		if !strings.Contains(v.detail.Text, "Note: same scar above the left eye") || !strings.Contains(v.detail.Text, "by Det. Reviewer") {
			t.Fatalf("detail pane: %q", v.detail.Text)
		}
		v.action.SetSelected("review")
		uitest.AssertGolden(t, "audit/filtered.png", w.Canvas().Capture())
	})
}

// TestAuditChainLineFollowsNewEntries: entries added after the view was
// built are listed, and the verified line counts them, after a reload.
func TestAuditChainLineFollowsNewEntries(t *testing.T) {
	f := newFakeAudit()
	v, _ := newAudit(t, f)
	f.add(session.AuditRow{Time: time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC), Actor: "DS Khan", Action: "export", Object: "case"})
	async.Locked(v.Reload)
	waitUntil(t, "the fifth entry", func() bool { return strings.Contains(v.result.Text, "(5 entries)") && len(v.rows) == 5 })
}
