package dialogs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/ui/internal/uitest"
)

func TestCaseFileName(t *testing.T) {
	for in, want := range map[string]string{
		"2024/117 B": "2024-117-B.facecase",
		"  ../x ":    "x.facecase",
		"":           "case.facecase",
		"ÄÖ-12":      "12.facecase",
	} {
		if got := CaseFileName(in); got != want {
			t.Errorf("CaseFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExplainNamesTheSituation(t *testing.T) {
	err := fmt.Errorf("open case /x.facecase: %w", casefile.ErrOpenElsewhere)
	got := Explain(err)
	if !strings.HasPrefix(got, "This case is open elsewhere") || !strings.Contains(got, "/x.facecase") {
		t.Fatalf("Explain = %q", got)
	}
	plain := fmt.Errorf("something else")
	if Explain(plain) != "something else" {
		t.Fatalf("Explain of a plain error = %q", Explain(plain))
	}
}

// TestSaveFileFallbackCreatesNothing: without native dialogs, SaveFile
// asks for a folder and a name and returns the path with the extension;
// nothing is written.
func TestSaveFileFallbackCreatesNothing(t *testing.T) {
	test.NewTempApp(t)
	UseNative = false
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(800, 600))
	defer w.Close()
	dir := t.TempDir()
	var got string
	SaveFile(w, "Export", dir+"/suggested.zip", ".zip", func(p string) { got = p })
	var entries []*widget.Entry
	var save *widget.Button
	uitest.Walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Entry:
			entries = append(entries, x)
		case *widget.Button:
			if x.Importance == widget.HighImportance {
				save = x
			}
		}
	})
	if len(entries) != 2 || save == nil {
		t.Fatalf("save form has %d entries, save button %v", len(entries), save != nil)
	}
	if entries[0].Text != dir || entries[1].Text != "suggested.zip" {
		t.Fatalf("form pre-filled with %q, %q", entries[0].Text, entries[1].Text)
	}
	entries[1].SetText("bundle")
	test.Tap(save)
	if got != dir+"/bundle.zip" {
		t.Fatalf("picked %q", got)
	}
}

func TestExplainWithTriesTheViewsLeadsFirst(t *testing.T) {
	own := errors.New("own sentinel")
	err := fmt.Errorf("load: %w", errors.Join(own, fs.ErrNotExist))
	got := ExplainWith(err, Lead{own, "The view's own sentence."})
	if !strings.HasPrefix(got, "The view's own sentence.\n\n") || !strings.HasSuffix(got, err.Error()) {
		t.Fatalf("ExplainWith = %q", got)
	}
	if got := ExplainWith(fs.ErrNotExist, Lead{own, "unused"}); !strings.HasPrefix(got, "The file does not exist.") {
		t.Fatalf("ExplainWith fell back to %q", got)
	}
}

// TestConfirmRiskyDefaultsToNo: the safe answer has the focus, so Enter,
// Space or Escape answer No; only the risky button acts.
func TestConfirmRiskyDefaultsToNo(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(800, 600))
	defer w.Close()
	for _, key := range []fyne.KeyName{fyne.KeyReturn, fyne.KeySpace, fyne.KeyEscape} {
		acted := false
		c := ConfirmRisky(w, "Poor quality face", "Search anyway?", "Search anyway", func() { acted = true })
		if w.Canvas().Focused() != c.no {
			t.Fatalf("focus on %T, want the No button", w.Canvas().Focused())
		}
		if c.no.Importance != widget.HighImportance || c.yes.Importance == widget.HighImportance {
			t.Fatal("the risky answer is highlighted, not No")
		}
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: key})
		if acted || w.Canvas().Overlays().Top() != nil {
			t.Fatalf("%s: acted %v, dialog still open %v", key, acted, w.Canvas().Overlays().Top() != nil)
		}
	}
	acted := false
	c := ConfirmRisky(w, "Poor quality face", "Search anyway?", "Search anyway", func() { acted = true })
	test.Tap(c.yes)
	if !acted {
		t.Fatal("the risky button did not act")
	}
}

// TestOpenManyPicksFilesAndFoldersAndRemembers: Fyne's chooser takes
// several files and a folder at once, opens next time where it was left,
// and Escape cancels it.
func TestOpenManyPicksFilesAndFoldersAndRemembers(t *testing.T) {
	test.NewTempApp(t)
	UseNative = false
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(900, 700))
	defer w.Close()
	dir := t.TempDir()
	for _, name := range []string{"a.jpg", "b.mp4", "notes.txt", "sub/c.jpg"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fyne.CurrentApp().Preferences().SetString(lastFolderKey, dir)
	var got []string
	c := newManyChooser(w, "Add evidence", []string{".jpg", ".mp4"}, func(p []string) { got = p })
	c.show()
	var names []string
	for _, e := range c.entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "sub,a.jpg,b.mp4" {
		t.Fatalf("listed %v, want the folder first and only offered extensions", names)
	}
	c.set(filepath.Join(dir, "a.jpg"), true)
	c.set(filepath.Join(dir, "sub"), true)
	c.set(filepath.Join(dir, "b.mp4"), true)
	test.Tap(c.add)
	want := []string{filepath.Join(dir, "a.jpg"), filepath.Join(dir, "b.mp4"), filepath.Join(dir, "sub")}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("picked %v, want %v", got, want)
	}
	// Next time it opens where it was left; Escape closes it unpicked.
	if LastFolder() != dir {
		t.Fatalf("last folder %q", LastFolder())
	}
	got = nil
	c2 := newManyChooser(w, "Add evidence", nil, func(p []string) { got = p })
	c2.show()
	if c2.dir != dir {
		t.Fatalf("opened in %q, want the last folder %q", c2.dir, dir)
	}
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if got != nil || w.Canvas().Overlays().Top() != nil {
		t.Fatalf("Escape: picked %v, dialog open %v", got, w.Canvas().Overlays().Top() != nil)
	}
}

// TestOpenPathFallsBackToTheFolder: without the desktop's opener the
// folder's path is shown with a copy button, naming what is missing.
func TestOpenPathFallsBackToTheFolder(t *testing.T) {
	if opener() == "" {
		t.Skip("this system opens files without a named program")
	}
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(800, 600))
	defer w.Close()
	lookPath = func(string) (string, error) { return "", errors.New("not found") }
	defer func() { lookPath = exec.LookPath }()
	OpenPath(w, "report", "/reports/run-1/report.html")
	var text []string
	var copyBtn *widget.Button
	uitest.Walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			text = append(text, x.Text)
		case *widget.Entry:
			text = append(text, x.Text)
		case *widget.Button:
			if x.Text == "Copy folder path" {
				copyBtn = x
			}
		}
	})
	all := strings.Join(text, "\n")
	if !strings.Contains(all, "xdg-open was not found") || !strings.Contains(all, "/reports/run-1") || copyBtn == nil {
		t.Fatalf("fallback shows %q (copy button %v)", all, copyBtn != nil)
	}
	test.Tap(copyBtn)
	if got := fyne.CurrentApp().Clipboard().Content(); got != "/reports/run-1" {
		t.Fatalf("copied %q", got)
	}
}
