package views

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"facecase/assets"
	"facecase/casefile"
	"facecase/ui/async"
	"facecase/ui/internal/uitest"
)

func newStart(t *testing.T, f *fakeStart) (*StartView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	v := NewStartView(context.Background(), w, f, assets.Icon)
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(900, 600))
	t.Cleanup(w.Close)
	return v, w
}

// waitIdle waits for the start view's task to finish.
func waitIdle(t *testing.T, v *StartView) {
	t.Helper()
	deadline := time.Now().Add(testBound) // a safety net: the loop ends when the task does
	for {
		busy := false
		async.Locked(func() { busy = v.tasks.Busy() })
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("task did not finish")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStartWindowGolden(t *testing.T) {
	f := &fakeStart{reviewer: "Det. Ada Lovelace", recent: []RecentCase{
		{Path: "/cases/2024-117.facecase", Number: "2024/117", Title: "Robbery at the corner shop", Opened: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)},
		{Path: "/cases/2024-090.facecase", Number: "2024/090", Title: "Missing person", Opened: time.Date(2024, 4, 2, 16, 30, 0, 0, time.UTC)},
	}}
	_, w := newStart(t, f)
	uitest.AssertGolden(t, "start/window.png", w.Canvas().Capture())
	text := visibleText(w.Canvas().Content())
	for _, want := range []string{"Recent cases", "2024/117 — Robbery at the corner shop", "New case…", "Open case…",
		"Open demo case", "Working as: Det. Ada Lovelace", "Investigative lead only, not a positive identification"} {
		if !strings.Contains(text, want) {
			t.Errorf("start window does not show %q", want)
		}
	}
}

func TestStartOpensRecentAndDemo(t *testing.T) {
	f := &fakeStart{reviewer: "me", recent: []RecentCase{{Path: "/cases/a.facecase", Number: "A", Title: "a"}}}
	v, _ := newStart(t, f)
	v.list.Select(0)
	waitIdle(t, v)
	test.Tap(v.demoBtn)
	waitIdle(t, v)
	f.mu.Lock()
	defer f.mu.Unlock()
	if fmt.Sprint(f.opened) != "[/cases/a.facecase demo.facecase]" || f.shown != 2 {
		t.Fatalf("opened %v, shown %d", f.opened, f.shown)
	}
}

func TestStartSaysCaseIsOpenElsewhere(t *testing.T) {
	f := &fakeStart{reviewer: "me", openErr: fmt.Errorf("open case x: %w", casefile.ErrOpenElsewhere)}
	v, w := newStart(t, f)
	v.Open("/cases/x.facecase")
	waitIdle(t, v)
	var text string
	async.Locked(func() { text = overlayText(w) })
	if !strings.Contains(text, "This case is open elsewhere") {
		t.Fatalf("no 'open elsewhere' message; overlays show %q", text)
	}
	if f.shown != 0 {
		t.Fatal("a case window was shown for a case that did not open")
	}
}

func TestStartNewCaseForm(t *testing.T) {
	f := &fakeStart{reviewer: "Det. Ada"}
	v, w := newStart(t, f)
	test.Tap(v.newBtn)
	form := findForm(t, w)
	if form == nil {
		t.Fatal("New case form not shown")
	}
	entries := formEntries(form)
	test.Type(entries["Case number"], "2024/117 B")
	test.Type(entries["Title"], "Robbery")
	test.Type(entries["Purpose"], "identify the suspect")
	if entries["Investigator"].Text != "Det. Ada" {
		t.Fatalf("investigator not pre-filled: %q", entries["Investigator"].Text)
	}
	submitForm(t, w)
	waitIdle(t, v)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.created) != 1 || f.created[0].Number != "2024/117 B" || f.created[0].Purpose != "identify the suspect" {
		t.Fatalf("created %+v", f.created)
	}
	if f.opened[0] != "/cases/2024-117-B.facecase" {
		t.Fatalf("case file %q", f.opened[0])
	}
}

var errNoForm = errors.New("no form")

// findForm returns the topmost overlay's widget.Form.
func findForm(t *testing.T, w fyne.Window) *widget.Form {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	var form *widget.Form
	uitest.Walk(top, func(o fyne.CanvasObject) {
		if f, ok := o.(*widget.Form); ok && form == nil {
			form = f
		}
	})
	return form
}

func formEntries(f *widget.Form) map[string]*widget.Entry {
	out := map[string]*widget.Entry{}
	for _, it := range f.Items {
		if e, ok := it.Widget.(*widget.Entry); ok {
			out[it.Text] = e
		}
	}
	return out
}

// submitForm taps the overlay's confirm button (the one with high
// importance).
func submitForm(t *testing.T, w fyne.Window) {
	t.Helper()
	var btn *widget.Button
	uitest.Walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Importance == widget.HighImportance {
			btn = b
		}
	})
	if btn == nil {
		t.Fatal(errNoForm)
	}
	test.Tap(btn)
}

// TestStartNewCaseNeedsPurposeAndCanRequireAuthorisation: without a
// purpose the form does not create; ticking the requirement makes the
// authorisation reference mandatory and passes the rule on.
func TestStartNewCaseNeedsPurposeAndCanRequireAuthorisation(t *testing.T) {
	f := &fakeStart{reviewer: "Det. Ada"}
	v, w := newStart(t, f)
	test.Tap(v.newBtn)
	form := findForm(t, w)
	entries := formEntries(form)
	test.Type(entries["Case number"], "2024/118")
	test.Type(entries["Title"], "Burglary")
	submitForm(t, w)
	waitIdle(t, v)
	f.mu.Lock()
	created := len(f.created)
	f.mu.Unlock()
	if created != 0 {
		t.Fatal("a case was created without a purpose")
	}
	if text := overlayText(w); !strings.Contains(text, "Purpose: every search is logged with the purpose") ||
		!strings.Contains(text, "2024/118") {
		t.Fatalf("the form did not come back, as typed, with the reason:\n%s", text)
	}
	w.Canvas().Overlays().Top().Hide() // the error
	test.Type(entries["Purpose"], "identify the burglar")
	var require *widget.Check
	for _, it := range form.Items {
		if c, ok := it.Widget.(*widget.Check); ok {
			require = c
		}
	}
	if require == nil {
		t.Fatal("no box to require an authorisation reference")
	}
	require.SetChecked(true)
	if err := entries["Authorisation reference"].Validate(); err == nil {
		t.Fatal("an empty reference passes although required")
	}
	test.Type(entries["Authorisation reference"], "RIPA-2024-55")
	submitForm(t, w)
	waitIdle(t, v)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.created) != 1 || f.created[0].Authorisation != "RIPA-2024-55" || f.created[0].Purpose != "identify the burglar" {
		t.Fatalf("created %+v", f.created)
	}
}

// TestStartEmptySaysWhatToDo: with no recent case the window says how to
// begin.
func TestStartEmptySaysWhatToDo(t *testing.T) {
	_, w := newStart(t, &fakeStart{reviewer: "Det. Ada", street: true})
	text := visibleText(w.Canvas().Content())
	for _, want := range []string{"No recent cases yet.", "Open demo case to try facecase on sample photos",
		"real street footage of people walking", "the people followed"} {
		if !strings.Contains(text, want) {
			t.Fatalf("empty start window does not say %q; it says:\n%s", want, text)
		}
	}
	uitest.AssertGolden(t, "start/empty.png", w.Canvas().Capture())
}

// TestStartEmptyDemoWithoutStreetVideo: without the street video installed
// the demo is described without it.
func TestStartEmptyDemoWithoutStreetVideo(t *testing.T) {
	_, w := newStart(t, &fakeStart{reviewer: "Det. Ada"})
	text := visibleText(w.Canvas().Content())
	if !strings.Contains(text, "sample photos and a short video made from them") || strings.Contains(text, "street") {
		t.Fatalf("empty start window without the street video says:\n%s", text)
	}
}
