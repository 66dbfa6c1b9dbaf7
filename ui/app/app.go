package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"facecase/assets"
	"facecase/casefile"
	"facecase/models"
	"facecase/progress"
	"facecase/ui/async"
	"facecase/ui/dialogs"
	"facecase/ui/session"
	"facecase/ui/views"
)

// App is the running desktop application.
type App struct {
	fyne    fyne.App
	ctx     context.Context
	cancel  context.CancelFunc
	engines *session.Engines

	start     fyne.Window
	startView *views.StartView

	mu      sync.Mutex
	windows map[string]*CaseWindow // by case file path
}

// New makes the application on a Fyne app (app.NewWithID in main, the
// test app in tests).
func New(fa fyne.App) *App {
	ctx, cancel := context.WithCancel(context.Background())
	fa.SetIcon(assets.Icon)
	return &App{fyne: fa, ctx: ctx, cancel: cancel, engines: session.NewEngines(), windows: map[string]*CaseWindow{}}
}

// ShowStart shows the start window (the main window: closing it quits).
func (a *App) ShowStart() fyne.Window {
	if a.start != nil {
		a.start.Show()
		return a.start
	}
	w := a.fyne.NewWindow("facecase")
	w.SetMaster()
	a.startView = views.NewStartView(a.ctx, w, a, assets.Icon)
	a.startView.OnSettings = func() { a.showSettings(w) }
	w.SetContent(a.startView.Content())
	w.Resize(fyne.NewSize(900, 600))
	a.start = w
	w.Show()
	return w
}

// StartView is the start window's view.
func (a *App) StartView() *views.StartView { return a.startView }

// Shutdown closes every case window and releases the engines. It runs on
// the UI goroutine when the app stops.
func (a *App) Shutdown() {
	a.cancel()
	a.mu.Lock()
	wins := make([]*CaseWindow, 0, len(a.windows))
	for _, w := range a.windows {
		wins = append(wins, w)
	}
	a.mu.Unlock()
	for _, w := range wins {
		w.closeNow()
	}
	// Case files are closed cleanly before the process ends.
	for _, w := range wins {
		select {
		case <-w.Released():
		case <-time.After(10 * time.Second):
		}
	}
	a.engines.Close()
}

// Settings are the user's current settings.
func (a *App) Settings() session.Settings { return loadSettings(a.fyne.Preferences()) }

// SetSettings saves settings and applies the detector and operating
// points to the open cases.
func (a *App) SetSettings(s session.Settings) { a.applySettings(s, nil) }

// applySettings saves s as the user's settings and applies them to every
// open case (each case's session refuses operating points outside the
// calibrated range and writes the change to its audit log), except that a
// case with an operating point of its own (set in its Lab) keeps searching
// at it: only a change made in that case's own window (from) moves it, and
// such a change does not become every other case's search FMR.
func (a *App) applySettings(s session.Settings, from *CaseWindow) {
	global := s
	if from != nil && hasCaseOperatingPoint(from.sess) {
		global.SearchFMR = a.Settings().SearchFMR
	}
	saveSettings(a.fyne.Preferences(), global)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, w := range a.windows {
		ws := global
		switch {
		case w == from:
			ws.SearchFMR = s.SearchFMR
		case hasCaseOperatingPoint(w.sess):
			ws.SearchFMR = w.sess.UserSettings().SearchFMR
		}
		if err := w.sess.SetUserSettings(ws); err != nil {
			fyne.LogError("settings not applied to "+w.sess.Path(), err)
			dialogs.ShowError(w.win, err)
		}
	}
}

// hasCaseOperatingPoint says whether the case has an operating point of
// its own (a case whose settings cannot be read is treated as having none).
func hasCaseOperatingPoint(s *session.Session) bool {
	cs, err := s.Settings()
	if err != nil {
		return false
	}
	_, ok := cs.Calibration.Point()
	return ok
}

func (a *App) showSettings(parent fyne.Window) {
	views.ShowSettings(parent, a.Settings(), func(s session.Settings) {
		a.SetSettings(s)
		if a.startView != nil {
			a.startView.Refresh()
		}
	})
}

// RecentCases is part of views.StartBackend.
func (a *App) RecentCases() []views.RecentCase { return loadRecent(a.fyne.Preferences()) }

// Reviewer is part of views.StartBackend.
func (a *App) Reviewer() string { return a.Settings().Reviewer }

// CaseFolder is part of views.StartBackend.
func (a *App) CaseFolder() string { return CaseFolder() }

// CreateCase is part of views.StartBackend (off the UI goroutine).
func (a *App) CreateCase(ctx context.Context, info casefile.CaseInfo, path string) (*session.Session, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create case %s: %w", path, err)
	}
	return session.Create(path, info, a.engines, a.Settings())
}

// OpenCase is part of views.StartBackend (off the UI goroutine). A case
// already open in this app is not opened twice: its window comes forward.
func (a *App) OpenCase(ctx context.Context, path string) (*session.Session, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	w, open := a.windows[abs]
	a.mu.Unlock()
	if open {
		async.Do("focus case window", func() { w.win.RequestFocus() })
		return nil, errAlreadyShown
	}
	return session.Open(abs, a.engines, a.Settings())
}

// ShowCase is part of views.StartBackend: it opens the case's window.
func (a *App) ShowCase(s *session.Session) {
	if s == nil {
		return
	}
	cw := newCaseWindow(a, s)
	a.mu.Lock()
	a.windows[s.Path()] = cw
	a.mu.Unlock()
	if info, err := s.Info(); err == nil {
		addRecent(a.fyne.Preferences(), views.RecentCase{Path: s.Path(), Number: info.Number, Title: info.Title, Opened: time.Now()})
	}
	cw.win.Show()
	if damage := s.Damage(); len(damage) > 0 {
		dialogs.ShowError(cw.win, &casefile.DamageError{Problems: damage})
	}
}

// DemoHasStreetVideo is part of views.StartBackend. A demo case already
// made holds the street video when its media folder has a copy of it; one
// still to be made will when the models installed the video.
func (a *App) DemoHasStreetVideo() bool {
	if _, err := os.Stat(DemoCasePath()); err == nil {
		copies, _ := filepath.Glob(filepath.Join(casefile.MediaDirFor(DemoCasePath()), "*_"+demoStreetVideo))
		return len(copies) > 0
	}
	_, err := models.LocateVideo(demoStreetVideo)
	return err == nil
}

// OpenDemoCase is part of views.StartBackend: it opens the demo case,
// making it first when it does not exist yet.
func (a *App) OpenDemoCase(ctx context.Context, rep progress.Reporter) (*session.Session, error) {
	path, err := EnsureDemoCase(ctx, a.engines, a.Settings(), rep)
	if err != nil {
		return nil, err
	}
	return a.OpenCase(ctx, path)
}

// Window returns the open case window for a case file, if any.
func (a *App) Window(path string) (*CaseWindow, bool) {
	abs, _ := filepath.Abs(path)
	a.mu.Lock()
	defer a.mu.Unlock()
	w, ok := a.windows[abs]
	return w, ok
}

func (a *App) forget(path string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.windows, path)
}
