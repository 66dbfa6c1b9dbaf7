package views

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/progress"
	"facecase/ui/async"
	"facecase/ui/dialogs"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// WatchlistView lists the watchlist's subjects with their enrolment
// photos and provenance, and enrols subjects from photo files (faces seen
// in evidence are enrolled from the viewer's face panel).
type WatchlistView struct {
	win     fyne.Window
	backend WatchlistBackend
	ctx     context.Context
	tasks   *widgets.TaskBar

	// OnChanged is called after an enrolment.
	OnChanged func()

	subjects []casefile.Subject
	list     *widget.List
	detail   *fyne.Container
	content  fyne.CanvasObject
	selected uint64
}

// NewWatchlistView builds the watchlist view; long work is shown in tasks.
func NewWatchlistView(ctx context.Context, win fyne.Window, backend WatchlistBackend, tasks *widgets.TaskBar) *WatchlistView {
	v := &WatchlistView{win: win, backend: backend, ctx: ctx, tasks: tasks}
	v.list = widget.NewList(func() int { return len(v.subjects) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			s := v.subjects[id]
			o.(*widget.Label).SetText(fmt.Sprintf("%s (#%d)", s.Label, s.ID))
		})
	v.list.OnSelected = func(id widget.ListItemID) {
		if id < len(v.subjects) {
			v.showSubject(v.subjects[id])
		}
	}
	add := widget.NewButtonWithIcon("New subject from photos…", theme.ContentAddIcon(), func() { v.showEnrolFiles(0) })
	hint := widget.NewLabel("Faces in evidence are enrolled from the viewer (tap a face, then Enrol).")
	hint.Importance = widget.LowImportance
	hint.Wrapping = fyne.TextWrapWord
	v.detail = container.NewVBox(widget.NewLabel("Choose a subject."))
	split := container.NewHSplit(v.list, container.NewVScroll(v.detail))
	split.Offset = 0.3
	v.content = container.NewBorder(container.NewVBox(add, hint), nil, nil, nil, split)
	v.Reload()
	return v
}

// Content is the view's root object.
func (v *WatchlistView) Content() fyne.CanvasObject { return v.content }

// Subjects are the subjects listed.
func (v *WatchlistView) Subjects() []casefile.Subject { return v.subjects }

// Reload reads the watchlist again.
func (v *WatchlistView) Reload() {
	subjects, err := v.backend.Subjects()
	if err != nil {
		v.detail.Objects = []fyne.CanvasObject{widget.NewLabel("cannot read the watchlist: " + err.Error())}
		v.detail.Refresh()
		return
	}
	sort.SliceStable(subjects, func(i, j int) bool { return strings.ToLower(subjects[i].Label) < strings.ToLower(subjects[j].Label) })
	v.subjects = subjects
	v.list.Refresh()
	for _, s := range subjects {
		if s.ID == v.selected {
			v.showSubject(s)
		}
	}
}

func (v *WatchlistView) showSubject(s casefile.Subject) {
	v.selected = s.ID
	enrolments, err := v.backend.Enrolments(s.ID)
	objs := []fyne.CanvasObject{
		widget.NewLabelWithStyle(s.Label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel(fmt.Sprintf("Added by %s, %s", s.CreatedBy, s.CreatedAt.Local().Format("2006-01-02 15:04"))),
	}
	if s.Notes != "" {
		n := widget.NewLabel(s.Notes)
		n.Wrapping = fyne.TextWrapWord
		objs = append(objs, n)
	}
	objs = append(objs, widget.NewButtonWithIcon("Add photos of this subject…", theme.ContentAddIcon(),
		func() { v.showEnrolFiles(s.ID) }))
	if err != nil {
		objs = append(objs, widget.NewLabel("cannot read enrolments: "+err.Error()))
	}
	for _, e := range enrolments {
		img := canvas.NewImageFromImage(nil)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(120, 120))
		p := e.Provenance
		facts := widget.NewLabel(fmt.Sprintf("Enrolment %d: %s\nImage date: %s\nAdded by %s, %s\nImage SHA-256: %s\n%d descriptor(s)",
			e.ID, p.Source, orDash(p.Date), p.AddedBy, p.AddedAt.Local().Format("2006-01-02 15:04"), orDash(p.ImageSHA256), len(e.Descriptors)))
		facts.Wrapping = fyne.TextWrapWord
		objs = append(objs, widget.NewSeparator(), container.NewBorder(nil, nil, img, nil, facts))
		e := e
		go func() {
			pic, err := v.backend.EnrolmentImage(v.ctx, e, 120)
			if err != nil {
				return
			}
			async.Do("watchlist picture", func() {
				img.Image = pic
				img.Refresh()
			})
		}()
	}
	v.detail.Objects = objs
	v.detail.Refresh()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// enrolFilesForm is the form that enrols photo files.
type enrolFilesForm struct {
	label, notes, source, date *widget.Entry
	files                      *widget.Label
	paths                      []string
	dlg                        dialog.Dialog
}

// showEnrolFiles shows the form that enrols photos of a subject (a new one
// when subjectID is 0).
func (v *WatchlistView) showEnrolFiles(subjectID uint64) *enrolFilesForm {
	f := &enrolFilesForm{label: widget.NewEntry(), notes: widget.NewMultiLineEntry(), source: widget.NewEntry(),
		date: widget.NewEntry(), files: widget.NewLabel("no photos chosen")}
	f.files.Wrapping = fyne.TextWrapWord
	f.source.SetPlaceHolder("origin of the photos (default: file name)")
	addFile := widget.NewButton("Add photo…", func() {
		dialogs.OpenFile(v.win, "Photo of the subject", dialogs.ImageExtensions, func(p string) { f.add(p) })
	})
	addFolder := widget.NewButton("Add folder…", func() {
		dialogs.OpenFolder(v.win, "Folder of photos of the subject", func(p string) { f.add(imagesIn(p)...) })
	})
	var items []*widget.FormItem
	if subjectID == 0 {
		items = append(items, widget.NewFormItem("Label", f.label), widget.NewFormItem("Notes", f.notes))
	}
	items = append(items,
		widget.NewFormItem("Photos", container.NewVBox(f.files, container.NewHBox(addFile, addFolder))),
		widget.NewFormItem("Source", f.source), widget.NewFormItem("Image date", f.date))
	f.dlg = dialog.NewForm("Enrol photos", "Enrol", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		if err := f.check(subjectID); err != nil {
			// Back, as typed, with the reason.
			f.dlg.Show()
			dialogs.ShowError(v.win, err)
			return
		}
		v.EnrolFiles(subjectID, f.label.Text, f.notes.Text, f.paths,
			casefile.Provenance{Source: f.source.Text, Date: f.date.Text})
	}, v.win)
	f.dlg.Resize(fyne.NewSize(560, 460))
	f.dlg.Show()
	return f
}

// check refuses a form that cannot enrol: no photo, or a new subject
// without a label.
func (f *enrolFilesForm) check(subjectID uint64) error {
	switch {
	case len(f.paths) == 0:
		return fmt.Errorf("choose at least one photo to enrol")
	case subjectID == 0 && strings.TrimSpace(f.label.Text) == "":
		return fmt.Errorf("a new subject needs a label")
	}
	return nil
}

func (f *enrolFilesForm) add(paths ...string) {
	f.paths = append(f.paths, paths...)
	names := make([]string, len(f.paths))
	for i, p := range f.paths {
		names[i] = filepath.Base(p)
	}
	f.files.SetText(strings.Join(names, ", "))
}

// imagesIn lists the photo files directly in a folder, by name.
func imagesIn(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		for _, want := range dialogs.ImageExtensions {
			if ext == want && e.Type().IsRegular() {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	return out
}

// EnrolFiles enrols photo files in the background and reports, per file,
// what could not be enrolled.
func (v *WatchlistView) EnrolFiles(subjectID uint64, label, notes string, paths []string, prov casefile.Provenance) {
	if len(paths) == 0 {
		dialogs.ShowError(v.win, fmt.Errorf("choose at least one photo to enrol"))
		return
	}
	var outcomes []session.EnrolOutcome
	var subj casefile.Subject
	task := v.tasks.Run(v.ctx, "Enrolling photos", func(ctx context.Context, rep progress.Reporter) (err error) {
		subj, outcomes, err = v.backend.EnrolFiles(ctx, subjectID, label, notes, paths, prov, rep)
		return err
	}, func(err error) {
		v.selected = subj.ID
		v.Reload()
		if v.OnChanged != nil {
			v.OnChanged()
		}
		if err != nil {
			dialogs.ShowError(v.win, err)
			return
		}
		var failed []string
		for _, o := range outcomes {
			if o.Err != nil {
				failed = append(failed, filepath.Base(o.Path)+": "+o.Err.Error())
			}
		}
		if len(failed) > 0 {
			dialog.ShowInformation("Some photos were not enrolled",
				fmt.Sprintf("%d of %d photos enrolled for %s.\n\n%s", len(outcomes)-len(failed), len(outcomes), subj.Label,
					strings.Join(failed, "\n")), v.win)
			return
		}
		dialog.ShowInformation("Enrolled", fmt.Sprintf("%s enrolled for %s (subject #%d).",
			plural(len(outcomes), "photo"), subj.Label, subj.ID), v.win)
	})
	if task == nil {
		dialogs.ShowError(v.win, fmt.Errorf("wait for the current task to finish (or cancel it) first"))
	}
}
