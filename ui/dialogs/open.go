package dialogs

import (
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// opener is the desktop's program that opens a file with its usual
// application, as Fyne's OpenURL runs it on this system ("" when Fyne
// does not run a program by name here).
func opener() string {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		return "xdg-open"
	}
	return ""
}

// errNoOpener: the program that opens files is not installed.
var errNoOpener = errors.New("no program to open files is installed")

// lookPath finds a program (a variable so tests can pretend it is missing).
var lookPath = exec.LookPath

// OpenPath opens path with the desktop's usual application. When that
// cannot be done (no xdg-open on a bare Linux, for example) it shows the
// folder's path with a button that copies it, and names what is missing.
func OpenPath(win fyne.Window, what, path string) {
	err := openPath(path)
	if err == nil {
		return
	}
	showPathFallback(win, what, path, err)
}

func openPath(path string) error {
	if tool := opener(); tool != "" {
		if _, err := lookPath(tool); err != nil {
			return fmt.Errorf("%w (%s was not found)", errNoOpener, tool)
		}
	}
	app := fyne.CurrentApp()
	if app == nil {
		return errNoOpener
	}
	return app.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(path)})
}

// showPathFallback says why path could not be opened and offers its
// folder's path to copy.
func showPathFallback(win fyne.Window, what, path string, err error) {
	dir := filepath.Dir(path)
	msg := widget.NewLabel(fmt.Sprintf("The %s could not be opened here: %v.\nOpen it from its folder with a browser or a file manager:", what, err))
	msg.Wrapping = fyne.TextWrapWord
	where := widget.NewEntry()
	where.SetText(dir)
	copied := widget.NewLabel("")
	cp := widget.NewButtonWithIcon("Copy folder path", theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(dir)
		copied.SetText("Copied.")
	})
	file := widget.NewLabel("File: " + filepath.Base(path))
	d := dialog.NewCustom("Cannot open the "+what, "Close",
		container.NewVBox(msg, container.NewBorder(nil, nil, nil, cp, where), file, copied), win)
	d.Resize(fyne.NewSize(620, 260))
	d.Show()
}
