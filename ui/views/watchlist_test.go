package views

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"facecase/ui/async"
	"facecase/ui/widgets"
)

// TestEnrolFilesKeepsTypedTextAndSaysSo: a form that cannot enrol comes
// back with what was typed and the reason; a successful enrolment says so.
func TestEnrolFilesKeepsTypedTextAndSaysSo(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1000, 700))
	t.Cleanup(w.Close)
	f := &fakeWatchlist{}
	tasks := widgets.NewTaskBar()
	v := NewWatchlistView(context.Background(), w, f, tasks)
	w.SetContent(v.Content())
	form := v.showEnrolFiles(0)
	test.Type(form.label, "Subject Nine")
	test.Type(form.notes, "seen at the kiosk")
	submitForm(t, w)
	text := overlayText(w)
	if !strings.Contains(text, "hoose at least one photo to enrol") || !strings.Contains(text, "Subject Nine") ||
		!strings.Contains(text, "seen at the kiosk") {
		t.Fatalf("the form did not come back as typed with the reason:\n%s", text)
	}
	w.Canvas().Overlays().Top().Hide() // the error
	form.add("/photos/nine-1.jpg", "/photos/nine-2.jpg")
	submitForm(t, w)
	waitUntil(t, "the enrolment", func() bool { return !tasks.Busy() && strings.Contains(overlayText(w), "Enrolled") })
	async.Locked(func() {
		if text := overlayText(w); !strings.Contains(text, "2 photos enrolled for Subject Nine (subject #1).") {
			t.Fatalf("success not said:\n%s", text)
		}
	})
}
