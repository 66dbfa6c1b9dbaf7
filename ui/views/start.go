package views

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/progress"
	"facecase/ui/dialogs"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// StartView is the start window's content: recent cases, New case, Open
// case and Open demo case.
type StartView struct {
	win     fyne.Window
	backend StartBackend
	ctx     context.Context

	// OnSettings opens the settings form (the app's).
	OnSettings func()

	recent   []RecentCase
	list     *widget.List
	reviewer *widget.Label
	empty    *widget.Label // said when there are no recent cases
	newBtn   *widget.Button
	openBtn  *widget.Button
	demoBtn  *widget.Button
	tasks    *widgets.TaskBar
	content  fyne.CanvasObject
	queue    []func() // opens asked for while another runs
}

// NewStartView builds the start window's content for win. ctx bounds the
// work it starts (the app cancels it on quit).
func NewStartView(ctx context.Context, win fyne.Window, backend StartBackend, icon fyne.Resource) *StartView {
	v := &StartView{win: win, backend: backend, ctx: ctx, tasks: widgets.NewTaskBar()}
	v.list = widget.NewList(
		func() int { return len(v.recent) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			path := widget.NewLabel("")
			path.Truncation = fyne.TextTruncateEllipsis
			path.SizeName = theme.SizeNameCaptionText
			return container.NewVBox(title, path)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			rows := o.(*fyne.Container).Objects
			rc := v.recent[id]
			rows[0].(*widget.Label).SetText(fmt.Sprintf("%s — %s", rc.Number, rc.Title))
			rows[1].(*widget.Label).SetText(rc.Path + "   (opened " + rc.Opened.Local().Format("2006-01-02 15:04") + ")")
		})
	v.list.OnSelected = func(id widget.ListItemID) {
		v.list.UnselectAll()
		if id >= 0 && id < len(v.recent) {
			v.Open(v.recent[id].Path)
		}
	}
	v.newBtn = widget.NewButtonWithIcon("New case…", theme.ContentAddIcon(), v.showNewCase)
	v.newBtn.Importance = widget.HighImportance
	v.openBtn = widget.NewButtonWithIcon("Open case…", theme.FolderOpenIcon(), func() {
		dialogs.OpenFile(win, "Open case", []string{casefile.Extension}, v.Open)
	})
	v.demoBtn = widget.NewButtonWithIcon("Open demo case", theme.MediaPlayIcon(), v.OpenDemo)
	v.reviewer = widget.NewLabel("")
	settings := widget.NewButtonWithIcon("Settings…", theme.SettingsIcon(), func() {
		if v.OnSettings != nil {
			v.OnSettings()
		}
	})

	logo := canvas.NewImageFromResource(icon)
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(64, 64))
	name := widget.NewLabelWithStyle("facecase", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.SizeName = theme.SizeNameHeadingText
	tagline := widget.NewLabel("Offline face recognition for investigations: every search logged, every match reviewed.")
	tagline.Wrapping = fyne.TextWrapWord
	header := container.NewBorder(nil, nil, logo, nil, container.NewVBox(name, tagline))

	actions := container.NewVBox(v.newBtn, v.openBtn, v.demoBtn, widget.NewSeparator(), v.reviewer, settings)
	v.empty = widget.NewLabel("No recent cases yet.\n\nCreate a case with New case… (a case number, a title and the purpose of the searches), " +
		"then drop photos and videos on its window.\n" + demoInvitation(backend.DemoHasStreetVideo()))
	v.empty.Wrapping = fyne.TextWrapWord
	recentCard := widget.NewCard("Recent cases", "", container.NewStack(v.list, v.empty))
	body := container.NewBorder(nil, nil, nil, container.NewPadded(actions), recentCard)
	notice := widgets.NewLeadNotice("Candidates from watchlist searches become matches only through human review.")
	v.content = container.NewBorder(container.NewPadded(header), container.NewVBox(notice, v.tasks), nil, nil, body)
	v.Refresh()
	return v
}

// demoInvitation says what the demo case holds.
func demoInvitation(street bool) string {
	if street {
		return "Or press Open demo case to try facecase on sample photos, a short video made from them and real street footage " +
			"of people walking, with faces already found and searched and the people followed."
	}
	return "Or press Open demo case to try facecase on sample photos and a short video made from them, " +
		"with faces already found and searched."
}

// Content is the view's root object.
func (v *StartView) Content() fyne.CanvasObject { return v.content }

// Refresh reloads the recent cases and the reviewer's name.
func (v *StartView) Refresh() {
	v.recent = v.backend.RecentCases()
	v.list.Refresh()
	v.empty.Hidden = len(v.recent) > 0
	v.empty.Refresh()
	if r := v.backend.Reviewer(); r != "" {
		v.reviewer.SetText("Working as: " + r)
	} else {
		v.reviewer.SetText("Set your name in Settings before opening a case.")
	}
}

func (v *StartView) setBusy(busy bool) {
	for _, b := range []*widget.Button{v.newBtn, v.openBtn, v.demoBtn} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// run opens a case off the UI goroutine and shows it; asked while another
// runs, it waits for its turn.
func (v *StartView) run(title string, open func(ctx context.Context, rep progress.Reporter) (*session.Session, error)) {
	if v.tasks.Busy() {
		v.queue = append(v.queue, func() { v.run(title, open) })
		return
	}
	var opened *session.Session
	v.setBusy(true)
	v.tasks.Run(v.ctx, title, func(ctx context.Context, rep progress.Reporter) error {
		s, err := open(ctx, rep)
		opened = s
		return err
	}, func(err error) {
		v.setBusy(false)
		defer v.next()
		if err != nil {
			if opened != nil {
				opened.Close()
			}
			if v.ctx.Err() == nil && !errors.Is(err, context.Canceled) && !errors.Is(err, ErrAlreadyShown) {
				dialogs.ShowError(v.win, err)
			}
			return
		}
		v.backend.ShowCase(opened)
		v.Refresh()
	})
}

// next starts the next queued open, if any.
func (v *StartView) next() {
	if len(v.queue) > 0 {
		f := v.queue[0]
		v.queue = v.queue[1:]
		f()
	}
}

// Open opens the case file at path in its own window.
func (v *StartView) Open(path string) {
	v.run("Opening "+filepath.Base(path), func(ctx context.Context, _ progress.Reporter) (*session.Session, error) {
		return v.backend.OpenCase(ctx, path)
	})
}

// OpenDemo opens the demo case, making it first when needed.
func (v *StartView) OpenDemo() {
	v.run("Opening the demo case", v.backend.OpenDemoCase)
}

// Create makes a new case file and opens it.
func (v *StartView) Create(info casefile.CaseInfo, path string) {
	v.CreateWithRules(info, path, casefile.Settings{})
}

// CreateWithRules makes a new case file with its rules (an authorisation
// reference required for searches, for example) and opens it.
func (v *StartView) CreateWithRules(info casefile.CaseInfo, path string, rules casefile.Settings) {
	v.run("Creating "+filepath.Base(path), func(ctx context.Context, _ progress.Reporter) (*session.Session, error) {
		s, err := v.backend.CreateCase(ctx, info, path)
		if err == nil && s != nil && rules != (casefile.Settings{}) {
			err = s.SetSettings(rules)
		}
		return s, err
	})
}

func (v *StartView) showNewCase() {
	dialogs.ShowNewCase(v.win, v.backend.Reviewer(), v.backend.CaseFolder(), v.CreateWithRules)
}
