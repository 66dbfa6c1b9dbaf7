package dialogs

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// lastFolderKey is the preference that remembers the folder files were
// last added from.
const lastFolderKey = "dialogs.lastFolder"

// LastFolder is the folder files were last chosen in (the home folder at
// first).
func LastFolder() string {
	if a := fyne.CurrentApp(); a != nil {
		if p := a.Preferences().String(lastFolderKey); p != "" {
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				return p
			}
		}
	}
	home, _ := os.UserHomeDir()
	return home
}

func rememberFolder(dir string) {
	if a := fyne.CurrentApp(); a != nil && dir != "" {
		a.Preferences().SetString(lastFolderKey, dir)
	}
}

// OpenMany asks for any number of files and folders at once and calls
// pick with their paths on the UI goroutine; nothing is called when the
// user cancels (Cancel or Escape). It opens in the folder used last time
// and remembers the one used now. The native chooser, where the build has
// one, picks one file; Fyne's chooser, the fallback, picks many.
func OpenMany(win fyne.Window, title string, exts []string, pick func(paths []string)) {
	withNative(func() (string, error) { return nativeOpenFile(title, "Files", trimDots(exts)) },
		func(p string) {
			rememberFolder(filepath.Dir(p))
			pick([]string{p})
		},
		func() { newManyChooser(win, title, exts, pick).show() })
}

// manyChooser is Fyne's many-file chooser: a folder's entries with a tick
// box each, folders first; tapping a folder's name opens it.
type manyChooser struct {
	win     fyne.Window
	exts    map[string]bool
	pick    func([]string)
	dir     string
	entries []os.DirEntry
	chosen  map[string]bool // full paths
	where   *widget.Entry
	list    *widget.List
	count   *widget.Label
	add     *widget.Button
	d       dialog.Dialog
	prevKey func(*fyne.KeyEvent)
	closed  bool
}

func newManyChooser(win fyne.Window, title string, exts []string, pick func([]string)) *manyChooser {
	c := &manyChooser{win: win, pick: pick, exts: map[string]bool{}, chosen: map[string]bool{}}
	for _, e := range exts {
		c.exts[strings.ToLower(e)] = true
	}
	c.where = widget.NewEntry()
	c.where.OnSubmitted = func(p string) { c.open(strings.TrimSpace(p)) }
	up := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { c.open(filepath.Dir(c.dir)) })
	home := widget.NewButtonWithIcon("", theme.HomeIcon(), func() {
		h, _ := os.UserHomeDir()
		c.open(h)
	})
	c.list = widget.NewList(func() int { return len(c.entries) }, c.newRow, c.bindRow)
	c.list.OnSelected = func(id widget.ListItemID) {
		c.list.UnselectAll()
		if id < len(c.entries) {
			e := c.entries[id]
			if e.IsDir() {
				c.open(filepath.Join(c.dir, e.Name()))
			} else {
				c.toggle(filepath.Join(c.dir, e.Name()))
			}
		}
	}
	all := widget.NewButton("Tick all here", c.tickAll)
	c.count = widget.NewLabel("")
	c.add = widget.NewButtonWithIcon("Add", theme.ConfirmIcon(), c.confirm)
	c.add.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), c.cancel)
	hint := widget.NewLabel("Tick files and folders (folders are taken in whole); tap a folder's name to open it. Esc cancels.")
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	top := container.NewVBox(container.NewBorder(nil, nil, container.NewHBox(up, home), nil, c.where), hint)
	bottom := container.NewBorder(nil, nil, all, container.NewHBox(c.count, cancel, c.add))
	c.d = dialog.NewCustomWithoutButtons(title, container.NewBorder(top, bottom, nil, nil, c.list), win)
	c.d.Resize(dialogSize(win))
	c.d.SetOnClosed(c.restoreKeys)
	return c
}

func (c *manyChooser) show() {
	c.open(LastFolder())
	c.d.Show()
	// Escape reaches the window when no widget has the focus: it cancels.
	cv := c.win.Canvas()
	c.prevKey = cv.OnTypedKey()
	cv.Unfocus()
	cv.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			c.cancel()
		} else if c.prevKey != nil {
			c.prevKey(ev)
		}
	})
}

func (c *manyChooser) restoreKeys() {
	if !c.closed {
		c.closed = true
		c.win.Canvas().SetOnTypedKey(c.prevKey)
	}
}

// open lists a folder: its sub-folders, then the files with an offered
// extension; hidden entries are left out.
func (c *manyChooser) open(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		c.count.SetText("cannot open " + dir)
		return
	}
	c.dir = dir
	c.where.SetText(dir)
	c.entries = c.entries[:0]
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if e.IsDir() || len(c.exts) == 0 || c.exts[strings.ToLower(filepath.Ext(e.Name()))] {
			c.entries = append(c.entries, e)
		}
	}
	sort.SliceStable(c.entries, func(i, j int) bool { return c.entries[i].IsDir() && !c.entries[j].IsDir() })
	c.list.Refresh()
	c.list.ScrollToTop()
	c.updateCount()
}

func (c *manyChooser) newRow() fyne.CanvasObject {
	tick := widget.NewCheck("", nil)
	icon := widget.NewIcon(nil)
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, container.NewHBox(tick, icon), nil, name)
}

func (c *manyChooser) bindRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(c.entries) {
		return
	}
	e := c.entries[id]
	p := filepath.Join(c.dir, e.Name())
	row := o.(*fyne.Container)
	left := row.Objects[1].(*fyne.Container)
	tick, icon := left.Objects[0].(*widget.Check), left.Objects[1].(*widget.Icon)
	tick.OnChanged = nil
	tick.SetChecked(c.chosen[p])
	tick.OnChanged = func(on bool) { c.set(p, on) }
	if e.IsDir() {
		icon.SetResource(theme.FolderIcon())
	} else {
		icon.SetResource(theme.FileIcon())
	}
	row.Objects[0].(*widget.Label).SetText(e.Name())
}

func (c *manyChooser) set(p string, on bool) {
	if on {
		c.chosen[p] = true
	} else {
		delete(c.chosen, p)
	}
	c.updateCount()
}

func (c *manyChooser) toggle(p string) {
	c.set(p, !c.chosen[p])
	c.list.Refresh()
}

func (c *manyChooser) tickAll() {
	for _, e := range c.entries {
		c.chosen[filepath.Join(c.dir, e.Name())] = true
	}
	c.list.Refresh()
	c.updateCount()
}

func (c *manyChooser) updateCount() {
	c.count.SetText(fmt.Sprintf("%d chosen", len(c.chosen)))
	if len(c.chosen) == 0 {
		c.add.Disable()
	} else {
		c.add.Enable()
	}
}

// Chosen are the ticked paths, sorted.
func (c *manyChooser) paths() []string {
	out := make([]string, 0, len(c.chosen))
	for p := range c.chosen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (c *manyChooser) confirm() {
	paths := c.paths()
	if len(paths) == 0 {
		return
	}
	rememberFolder(c.dir)
	c.d.Hide()
	c.pick(paths)
}

func (c *manyChooser) cancel() { c.d.Hide() }
