package dialogs

import (
	"errors"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"facecase/ui/async"
)

// UseNative chooses native file choosers when the build has them. Tests
// and the --tour run turn it off.
var UseNative = nativeAvailable

// Media file extensions offered by the evidence choosers; files are still
// recognised by content, never by name.
var MediaExtensions = []string{".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp",
	".mp4", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".wmv", ".flv"}

// ImageExtensions are offered when enrolling watchlist photos.
var ImageExtensions = []string{".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}

// OpenFile asks for an existing file and calls pick with its path on the UI
// goroutine; nothing is called when the user cancels.
func OpenFile(win fyne.Window, title string, exts []string, pick func(path string)) {
	withNative(func() (string, error) { return nativeOpenFile(title, "Files", trimDots(exts)) }, pick,
		func() {
			d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
				if err != nil {
					dialog.ShowError(err, win)
					return
				}
				if r == nil {
					return
				}
				path := r.URI().Path()
				r.Close()
				pick(path)
			}, win)
			if len(exts) > 0 {
				d.SetFilter(storage.NewExtensionFileFilter(exts))
			}
			d.SetTitleText(title)
			d.Resize(dialogSize(win))
			d.Show()
		})
}

// OpenFolder asks for a folder.
func OpenFolder(win fyne.Window, title string, pick func(path string)) {
	withNative(func() (string, error) { return nativeOpenFolder(title) }, pick, func() {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err != nil {
				dialog.ShowError(err, win)
				return
			}
			if u != nil {
				pick(u.Path())
			}
		}, win)
		d.SetTitleText(title)
		d.Resize(dialogSize(win))
		d.Show()
	})
}

// SaveFile asks where to write a new file, suggesting a name; pick gets
// the path (with ext added when missing). Nothing is created here: the
// caller writes the file and refuses to overwrite one that exists.
func SaveFile(win fyne.Window, title, suggested, ext string, pick func(path string)) {
	withExt := func(p string) {
		if ext != "" && !strings.EqualFold(filepath.Ext(p), ext) {
			p += ext
		}
		pick(p)
	}
	withNative(func() (string, error) {
		return nativeSaveFile(title, suggested, strings.TrimPrefix(ext, "."), trimDots([]string{ext}))
	}, withExt, func() { showSaveForm(win, title, suggested, withExt) })
}

// showSaveForm is the Fyne fallback for SaveFile: a folder (typed or
// chosen) and a file name.
func showSaveForm(win fyne.Window, title, suggested string, pick func(string)) {
	folder := widget.NewEntry()
	folder.SetText(filepath.Dir(suggested))
	name := widget.NewEntry()
	name.SetText(filepath.Base(suggested))
	browse := widget.NewButton("Choose…", func() {
		OpenFolder(win, "Folder", func(p string) { folder.SetText(p) })
	})
	items := []*widget.FormItem{
		widget.NewFormItem("Folder", folderRow(folder, browse)),
		widget.NewFormItem("File name", name),
	}
	d := dialog.NewForm(title, "Save", "Cancel", items, func(ok bool) {
		if ok && strings.TrimSpace(name.Text) != "" {
			pick(filepath.Join(strings.TrimSpace(folder.Text), strings.TrimSpace(name.Text)))
		}
	}, win)
	d.Resize(fyne.NewSize(560, 220))
	d.Show()
}

// withNative runs the native chooser off the UI goroutine (it blocks) and
// falls back to the Fyne one when it is not available or fails.
func withNative(native func() (string, error), pick func(string), fallback func()) {
	if !UseNative {
		fallback()
		return
	}
	go func() {
		path, err := native()
		async.Do("native dialog result", func() {
			switch {
			case err == nil:
				pick(path)
			case errors.Is(err, errNativeCancelled):
			default:
				fyne.LogError("native file dialog failed; using Fyne's", err)
				fallback()
			}
		})
	}()
}

func trimDots(exts []string) []string {
	out := make([]string, 0, len(exts))
	for _, e := range exts {
		if e = strings.TrimPrefix(e, "."); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// dialogSize makes Fyne's file dialog use most of the window.
func dialogSize(win fyne.Window) fyne.Size {
	s := win.Canvas().Size()
	return fyne.NewSize(max(600, s.Width*0.85), max(420, s.Height*0.85))
}

// folderRow is an entry with a Browse button on its right.
func folderRow(entry *widget.Entry, browse *widget.Button) fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, browse, entry)
}
