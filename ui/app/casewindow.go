package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/media"
	"facecase/ui/dialogs"
	"facecase/ui/session"
	"facecase/ui/views"
	"facecase/ui/widgets"
)

// Tab names of a case window.
const (
	TabEvidence  = "Evidence"
	TabViewer    = "Viewer"
	TabLive      = "Live camera"
	TabWatchlist = "Watchlist"
	TabReview    = "Review"
	TabAudit     = "Audit log"
	TabLab       = "Lab"
)

// CaseWindow is the window of one open case.
type CaseWindow struct {
	app    *App
	sess   *session.Session
	win    fyne.Window
	ctx    context.Context
	cancel context.CancelFunc
	tasks  *widgets.TaskBar
	tabs   *container.AppTabs

	Evidence  *views.EvidenceView
	Viewer    *views.ViewerView
	Live      *views.LiveView
	Watchlist *views.WatchlistView
	Review    *views.ReviewView
	Audit     *views.AuditView
	Lab       *views.LabView

	closed bool
	// released is closed once the case file is closed.
	released chan struct{}
}

func newCaseWindow(a *App, s *session.Session) *CaseWindow {
	ctx, cancel := context.WithCancel(a.ctx)
	cw := &CaseWindow{app: a, sess: s, ctx: ctx, cancel: cancel, tasks: widgets.NewTaskBar(), released: make(chan struct{})}
	info, _ := s.Info()
	title := fmt.Sprintf("%s — %s", info.Number, info.Title)
	if s.ReadOnly() {
		title += " (read-only)"
	}
	cw.win = a.fyne.NewWindow("facecase · " + title)
	w := cw.win

	cw.Evidence = views.NewEvidenceView(ctx, w, s, cw.tasks)
	cw.Viewer = views.NewViewerView(ctx, w, s)
	cw.Live = views.NewLiveView(ctx, w, s, func() (media.FaceAnalyzer, error) {
		return a.engines.Get(s.UserSettings().VideoDetector)
	})
	cw.Watchlist = views.NewWatchlistView(ctx, w, s, cw.tasks)
	cw.Review = views.NewReviewView(ctx, w, s)
	cw.Audit = views.NewAuditView(s)
	if _, err := s.UseCaseOperatingPoint(); err != nil {
		fyne.LogError("case operating point not applied", err)
	}
	cw.Lab = views.NewLabView(ctx, w, s, cw.tasks)

	cw.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(TabEvidence, theme.StorageIcon(), cw.Evidence.Content()),
		container.NewTabItemWithIcon(TabViewer, theme.VisibilityIcon(), cw.Viewer.Content()),
		container.NewTabItemWithIcon(TabLive, theme.MediaVideoIcon(), cw.Live.Content()),
		container.NewTabItemWithIcon(TabWatchlist, theme.AccountIcon(), cw.Watchlist.Content()),
		container.NewTabItemWithIcon(TabReview, theme.ConfirmIcon(), cw.Review.Content()),
		container.NewTabItemWithIcon(TabAudit, theme.ListIcon(), cw.Audit.Content()),
		container.NewTabItemWithIcon(TabLab, theme.GridIcon(), cw.Lab.Content()),
	)
	cw.wire()
	// A widget of another tab (the evidence list) must not keep the
	// keyboard: the viewer's keys go to the viewer.
	cw.tabs.OnSelected = func(*container.TabItem) { cw.win.Canvas().Unfocus() }
	if !s.ReadOnly() {
		cw.Evidence.ResumePending() // an interrupted intake left faces unstored
	}

	header := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	where := widget.NewLabel(fmt.Sprintf("%s · working as %s", s.Path(), s.Actor()))
	where.Truncation = fyne.TextTruncateEllipsis
	where.SizeName = theme.SizeNameCaptionText
	export := widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), cw.showExport)
	settings := widget.NewButtonWithIcon("Settings…", theme.SettingsIcon(), cw.showSettings)
	top := container.NewBorder(nil, nil, nil, container.NewHBox(export, settings), container.NewVBox(header, where))
	// The task bar is the window's status line, always there: its height
	// is kept whether a task runs or not (see widgets.TaskBar).
	status := container.NewVBox(widget.NewSeparator(), container.NewPadded(cw.tasks))
	w.SetContent(container.NewBorder(container.NewPadded(top), status, nil, nil, cw.tabs))
	w.Resize(fyne.NewSize(1200, 800))
	w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { cw.Drop(uris) })
	cw.wireKeys()
	w.SetCloseIntercept(cw.requestClose)
	return cw
}

// wire connects the views: what one changes, the others show.
func (cw *CaseWindow) wire() {
	cw.Evidence.OnOpen = func(id uint64) {
		cw.tabs.SelectIndex(1)
		cw.Viewer.Show(id, nil)
	}
	cw.Viewer.OnSearchAll = func(id uint64) { cw.Evidence.SearchAll([]uint64{id}) }
	cw.Evidence.OnChanged = func() { // a batch, or a search of many faces
		cw.Audit.Reload()
		cw.Review.Reload()
		cw.Viewer.Reload()
	}
	changed := func() {
		cw.Review.Reload()
		cw.Watchlist.Reload()
		cw.Audit.Reload()
	}
	cw.Viewer.Panel().OnChanged = func() {
		cw.Viewer.Reload()
		changed()
	}
	cw.Review.OnChanged = func() {
		cw.Viewer.Reload()
		cw.Audit.Reload()
	}
	cw.Watchlist.OnChanged = cw.Audit.Reload
	cw.Lab.OnThresholdApplied = cw.Audit.Reload
	cw.Live.OnRecorded = func(path string) {
		cw.tabs.SelectIndex(0)
		cw.Evidence.AddPaths([]string{path})
	}
}

// wireKeys sends the keys no focused widget takes to the viewer while its
// tab is shown (Space, arrows, Shift+arrows, Home, End, + and -).
func (cw *CaseWindow) wireKeys() {
	c := cw.win.Canvas()
	viewer := func() bool { return cw.tabs.Selected() != nil && cw.tabs.Selected().Text == TabViewer }
	shift := false
	if dc, ok := c.(desktop.Canvas); ok {
		dc.SetOnKeyDown(func(ev *fyne.KeyEvent) {
			if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
				shift = true
			}
		})
		dc.SetOnKeyUp(func(ev *fyne.KeyEvent) {
			if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
				shift = false
			}
		})
	}
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if viewer() {
			cw.Viewer.HandleKey(ev.Name, shift)
		}
	})
	c.SetOnTypedRune(func(r rune) {
		if viewer() {
			cw.Viewer.HandleRune(r)
		}
	})
	// Shift+arrow arrives as a shortcut when it has a handler, also while
	// a widget has the focus (unless that widget takes it, as entries do).
	for _, k := range []fyne.KeyName{fyne.KeyLeft, fyne.KeyRight} {
		k := k
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShift}, func(fyne.Shortcut) {
			if viewer() {
				cw.Viewer.HandleKey(k, true)
			}
		})
	}
}

// showSettings shows the settings form with the operating points this
// case searches and compares at and, next to them, the case's own
// operating point and how it was measured. Saving applies to every open
// case, as from the start window, except the search FMR of cases with an
// operating point of their own (see App.applySettings).
func (cw *CaseWindow) showSettings() {
	cur := cw.app.Settings()
	cur.SearchFMR = cw.sess.UserSettings().SearchFMR
	cs, err := cw.sess.Settings()
	if err != nil {
		fyne.LogError("read the case's settings", err)
	}
	views.ShowCaseSettings(cw.win, cur, cs, func(s session.Settings) {
		cw.app.applySettings(s, cw)
		if cw.app.startView != nil {
			cw.app.startView.Refresh()
		}
	})
}

// Window is the Fyne window.
func (cw *CaseWindow) Window() fyne.Window { return cw.win }

// Session is the case's session.
func (cw *CaseWindow) Session() *session.Session { return cw.sess }

// Tasks is the window's task bar.
func (cw *CaseWindow) Tasks() *widgets.TaskBar { return cw.tasks }

// SelectTab shows the tab with the given name.
func (cw *CaseWindow) SelectTab(name string) {
	for i, t := range cw.tabs.Items {
		if t.Text == name {
			cw.tabs.SelectIndex(i)
		}
	}
}

// Drop takes dropped files and folders in as evidence.
func (cw *CaseWindow) Drop(uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	if len(paths) == 0 {
		return
	}
	cw.SelectTab(TabEvidence)
	cw.Evidence.AddPaths(paths)
}

// requestClose asks before closing while work is running.
func (cw *CaseWindow) requestClose() {
	if !cw.tasks.Busy() && !cw.Live.Running() {
		cw.closeNow()
		return
	}
	dialog.ShowConfirm("Close the case?", "Work is still running. Stop it and close? Everything finished so far is kept.",
		func(ok bool) {
			if ok {
				cw.closeNow()
			}
		}, cw.win)
}

// closeNow stops the window's work and closes the case. The case file is
// closed once the work has stopped (or after a few seconds), off the UI
// goroutine; Released tells when.
func (cw *CaseWindow) closeNow() {
	if cw.closed {
		return
	}
	cw.closed = true
	cw.cancel()
	cw.Viewer.Close()
	cw.Live.Stop()
	cw.app.forget(cw.sess.Path())
	cw.win.Close()
	go func() {
		defer close(cw.released)
		cw.Live.Wait()
		for i := 0; cw.tasks.Busy() && i < 100; i++ {
			time.Sleep(50 * time.Millisecond)
		}
		if _, err := cw.sess.CloseWithReceipt(); err != nil {
			fyne.LogError("close case "+cw.sess.Path(), err)
		}
	}()
}

// Released is closed once the case file of a closed window is closed.
func (cw *CaseWindow) Released() <-chan struct{} { return cw.released }

// showExport asks where to write the bundle and whether to add redacted
// photo copies, then exports and verifies.
func (cw *CaseWindow) showExport() {
	info, _ := cw.sess.Info()
	name := fmt.Sprintf("%s-export-%s.zip", strings.TrimSuffix(dialogs.CaseFileName(info.Number), ".facecase"),
		time.Now().Format("20060102-1504"))
	path := widget.NewEntry()
	path.SetText(filepath.Join(filepath.Dir(cw.sess.Path()), name))
	choose := widget.NewButton("Choose…", func() {
		dialogs.SaveFile(cw.win, "Export bundle", path.Text, ".zip", func(p string) { path.SetText(p) })
	})
	withMedia := widget.NewCheck("Include photo copies (faces not confirmed by review are blurred)", nil)
	withMedia.SetChecked(true)
	items := []*widget.FormItem{
		widget.NewFormItem("Bundle", container.NewBorder(nil, nil, nil, choose, path)),
		widget.NewFormItem("", withMedia),
	}
	d := dialog.NewForm("Export the case", "Export", "Cancel", items, func(ok bool) {
		if ok {
			cw.Export(strings.TrimSpace(path.Text), withMedia.Checked, nil)
		}
	}, cw.win)
	d.Resize(fyne.NewSize(640, 240))
	d.Show()
}
