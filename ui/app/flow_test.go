package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/internal/testenv"
	"facecase/ui/async"
	"facecase/ui/internal/uitest"
	"facecase/ui/session"
	"facecase/ui/views"
)

// newTestApp is the desktop app on Fyne's test driver, working as a named
// reviewer.
func newTestApp(t testing.TB) *App {
	t.Helper()
	testenv.Model(t, "descriptor")
	fa := test.NewTempApp(t)
	a := New(fa)
	a.SetSettings(session.Settings{Detector: "ssd", Reviewer: "Det. Flow"})
	a.ShowStart()
	t.Cleanup(func() { async.Locked(a.Shutdown) })
	return a
}

// flowBound is the safety net of every wait in the flow tests: each ends
// as soon as its condition holds, so a busy machine only slows the tests.
const flowBound = 3 * time.Minute

// eventually polls cond (read under the UI lock) until it holds, or fails
// after limit.
func eventually(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok := false
		async.Locked(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// createCase makes a case through the start window and returns its window.
func createCase(t *testing.T, a *App, dir string) *CaseWindow {
	t.Helper()
	path := filepath.Join(dir, "flow.facecase")
	a.StartView().Create(casefile.CaseInfo{Number: "FLOW-1", Title: "Headless flow", Investigator: "Det. Flow",
		Purpose: "test the workstation end to end", Authorisation: "test"}, path)
	var cw *CaseWindow
	eventually(t, flowBound, "the case window", func() bool {
		cw, _ = a.Window(path)
		return cw != nil
	})
	return cw
}

func fileURIs(paths ...string) []fyne.URI {
	out := make([]fyne.URI, len(paths))
	for i, p := range paths {
		out[i] = storage.NewFileURI(p)
	}
	return out
}

// rowFor finds the evidence row of a file name.
func rowFor(rows []views.EvidenceRow, name string) (views.EvidenceRow, bool) {
	for _, r := range rows {
		if r.Name() == name {
			return r, true
		}
	}
	return views.EvidenceRow{}, false
}

func TestHeadlessFlow(t *testing.T) {
	data := testenv.SharedData(t, "face_recognition")
	a := newTestApp(t)
	dir := t.TempDir()
	cw := createCase(t, a, dir)

	// A dropped batch: example photos, plus a corrupt photo and a corrupt
	// video that must fail with their reason while the rest carry on.
	bad := t.TempDir()
	writeTruncated(t, filepath.Join(data, "obama.jpg"), filepath.Join(bad, "corrupt.jpg"), 3)
	writeTruncated(t, filepath.Join(data, "short_hamilton_clip.mp4"), filepath.Join(bad, "corrupt.mp4"), 50)
	photos := []string{"obama.jpg", "obama2.jpg", "biden.jpg", "two_people.jpg"}
	var drop []string
	for _, p := range photos {
		drop = append(drop, filepath.Join(data, p))
	}
	drop = append(drop, filepath.Join(bad, "corrupt.jpg"), filepath.Join(bad, "corrupt.mp4"))
	// The window's minimum size stays put when the task starts and ends:
	// a change would make the window be sized again and repainted.
	var minBefore, minBusy, minAfter fyne.Size
	async.DoAndWait("test drop", func() {
		minBefore = cw.win.Content().MinSize()
		cw.Drop(fileURIs(drop...))
		minBusy = cw.win.Content().MinSize()
	})
	eventually(t, 10*time.Minute, "the batch to be processed", func() bool { return !cw.Tasks().Busy() })
	async.DoAndWait("test minimum size", func() { minAfter = cw.win.Content().MinSize() })
	if minBusy != minBefore || minAfter != minBefore {
		t.Errorf("window minimum size %v before the batch, %v while it ran, %v after", minBefore, minBusy, minAfter)
	}
	var rows []views.EvidenceRow
	eventually(t, flowBound, "the final evidence rows", func() bool {
		rows = cw.Evidence.Rows()
		r, ok := rowFor(rows, "corrupt.mp4")
		return ok && r.Failed()
	})
	for _, name := range []string{"corrupt.jpg", "corrupt.mp4"} {
		r, _ := rowFor(rows, name)
		if !r.Failed() || !strings.Contains(r.StateText(), "damaged") && !strings.Contains(r.StateText(), "truncated") {
			t.Errorf("%s: state %q, want failed as damaged or truncated", name, r.StateText())
		}
	}
	for _, name := range photos {
		r, ok := rowFor(rows, name)
		if !ok || r.Failed() || r.Faces == 0 {
			t.Errorf("%s: %+v (%s), want analysed with faces", name, r, r.StateText())
		}
	}

	// Enrol a subject from the face detected in obama.jpg.
	obama, _ := rowFor(rows, "obama.jpg")
	showAndSelectFirstFace(t, cw, obama.Evidence.ID)
	var label *widget.Entry
	async.DoAndWait("test enrol form", func() {
		cw.Viewer.Panel().ShowEnrol()
		// The form's first text field is the new subject's label.
		label, _ = firstIn(cw.win.Canvas().Overlays().Top(), func(*widget.Entry) bool { return true })
	})
	if label == nil {
		t.Fatal("no enrol form with a label field")
	}
	test.Type(label, "Barack Obama")
	submitTopForm(t, cw.win)
	eventually(t, flowBound, "the subject on the watchlist", func() bool {
		s := cw.Watchlist.Subjects()
		return len(s) == 1 && s[0].Label == "Barack Obama"
	})

	// Search with the face in obama2.jpg.
	obama2, _ := rowFor(rows, "obama2.jpg")
	showAndSelectFirstFace(t, cw, obama2.Evidence.ID)
	async.DoAndWait("test search", cw.Viewer.Panel().Search)
	eventually(t, time.Minute, "candidates in the face panel", func() bool { return len(cw.Viewer.Panel().Candidates()) > 0 })
	var cand casefile.Candidate
	async.Locked(func() { cand = cw.Viewer.Panel().Candidates()[0] })
	if cand.Label != "Barack Obama" || cand.Distance >= 0.6 {
		t.Fatalf("top candidate %+v, want Barack Obama within 0.6", cand)
	}

	// Review the candidate.
	async.DoAndWait("test review tab", func() {
		cw.SelectTab(TabReview)
		cw.Review.Reload()
		cw.Review.Select(0)
	})
	var confirm *widget.Button
	async.DoAndWait("test confirm", func() {
		// The first candidate's card comes first.
		confirm, _ = firstIn(cw.Review.Content(), func(b *widget.Button) bool { return b.Text == "Confirm" })
		if confirm != nil {
			test.Tap(confirm)
		}
	})
	if confirm == nil {
		t.Fatal("no candidate to confirm in the review view")
	}
	eventually(t, flowBound, "the confirmation", func() bool {
		_, ok := firstIn(cw.Review.Content(), func(l *widget.Label) bool {
			return strings.Contains(l.Text, "Status: confirmed") && strings.Contains(l.Text, "Det. Flow: confirm")
		})
		return ok
	})

	// Export, and verify the bundle.
	out := filepath.Join(dir, "flow-export.zip")
	outcome := make(chan error, 1)
	var got session.ExportOutcome
	async.DoAndWait("test export", func() {
		cw.Export(out, true, func(o session.ExportOutcome, err error) {
			got = o
			outcome <- err
		})
	})
	if err := <-outcome; err != nil {
		t.Fatalf("export: %v", err)
	}
	if got.Report == nil || !got.Report.OK() {
		t.Fatalf("exported bundle did not verify: %+v", got.Report)
	}
	rep, err := casefile.VerifyBundle(context.Background(), out, nil)
	if err != nil || !rep.OK() {
		t.Fatalf("independent verification of %s: %v %v", out, err, rep.Err())
	}
	log, err := cw.Session().AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[casefile.Action]bool{}
	for _, e := range log {
		seen[e.Action] = true
		if e.Actor != "Det. Flow" {
			t.Errorf("audit entry %d by %q, want Det. Flow", e.Seq, e.Actor)
		}
	}
	for _, act := range []casefile.Action{casefile.ActionAddEvidence, casefile.ActionAddDetections, casefile.ActionEnrol,
		casefile.ActionSearch, casefile.ActionReview, casefile.ActionExport} {
		if !seen[act] {
			t.Errorf("no %q entry in the audit log", act)
		}
	}
}

// showAndSelectFirstFace opens an evidence photo in the viewer and taps
// its first face.
func showAndSelectFirstFace(t *testing.T, cw *CaseWindow, evidenceID uint64) {
	t.Helper()
	loaded := make(chan error, 1)
	async.DoAndWait("test show", func() {
		cw.SelectTab(TabViewer)
		cw.Viewer.Show(evidenceID, func(err error) { loaded <- err })
	})
	if err := <-loaded; err != nil {
		t.Fatal(err)
	}
	async.DoAndWait("test select", func() {
		faces := cw.Viewer.FaceView().Scene().Faces
		if len(faces) == 0 {
			t.Error("no face drawn in the viewer")
			return
		}
		v := cw.Viewer.FaceView()
		test.TapAt(v, v.Letterbox().ToArea(faces[0].Box.Center()))
	})
	eventually(t, flowBound, "the face panel", func() bool {
		_, ok := cw.Viewer.Panel().Detection()
		return ok
	})
}

// submitTopForm taps the confirm button of the topmost dialog.
func submitTopForm(t *testing.T, w fyne.Window) {
	t.Helper()
	var btn *widget.Button
	async.DoAndWait("test submit", func() {
		uitest.Walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Importance == widget.HighImportance {
				btn = b
			}
		})
		if btn != nil {
			test.Tap(btn)
		}
	})
	if btn == nil {
		t.Fatal("no dialog to submit")
	}
}

// firstIn is the first object under root, in uitest.Walk's order, that is
// a T and passes ok. Call it on the UI goroutine or under its lock.
func firstIn[T fyne.CanvasObject](root fyne.CanvasObject, ok func(T) bool) (T, bool) {
	var found T
	done := false
	uitest.Walk(root, func(o fyne.CanvasObject) {
		if x, is := o.(T); is && !done && ok(x) {
			found, done = x, true
		}
	})
	return found, done
}

// writeTruncated copies the first 1/part of a file: a damaged copy.
func writeTruncated(t *testing.T, from, to string, part int) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b[:len(b)/part], 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpeningACaseOpenElsewhereSaysSo(t *testing.T) {
	a := newTestApp(t)
	path := filepath.Join(t.TempDir(), "held.facecase")
	c, err := casefile.Create(path, casefile.CaseInfo{Number: "H-1", Title: "held", Investigator: "someone else"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close() // another holder keeps the case open
	async.DoAndWait("test open", func() { a.StartView().Open(path) })
	eventually(t, flowBound, "the message", func() bool {
		return strings.Contains(overlayText(a.start), "This case is open elsewhere")
	})
	if _, ok := a.Window(path); ok {
		t.Fatal("a window was opened for a case held elsewhere")
	}
}

func overlayText(w fyne.Window) string {
	var b strings.Builder
	for _, o := range w.Canvas().Overlays().List() {
		uitest.Walk(o, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok {
				b.WriteString(l.Text + "\n")
			}
		})
	}
	return b.String()
}
