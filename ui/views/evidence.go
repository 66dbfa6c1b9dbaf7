package views

import (
	"context"
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/progress"
	"facecase/ui/async"
	"facecase/ui/dialogs"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// EvidenceRow is one line of the evidence list: an evidence item, or a
// file of a batch that did not become evidence (ID 0).
type EvidenceRow struct {
	Evidence casefile.Evidence
	Check    casefile.EvidenceCheck
	Status   session.ItemStatus
	Faces    uint64
}

// Name is the row's file name.
func (r EvidenceRow) Name() string {
	if r.Evidence.Name != "" {
		return r.Evidence.Name
	}
	return filepath.Base(r.Status.Path)
}

// StateText says where the item stands, in a few words.
func (r EvidenceRow) StateText() string {
	if r.Evidence.ID != 0 && (r.Check.State == casefile.EvidenceMissing || r.Check.State == casefile.EvidenceChanged) {
		return fmt.Sprintf("file %s since intake: %s", r.Check.State, r.Check.Detail)
	}
	switch r.Status.State {
	case session.StateStored, "":
		return fmt.Sprintf("%d faces", r.Faces)
	case session.StateAnalysing:
		if r.Status.Fraction >= 0 {
			return fmt.Sprintf("analysing %.0f%%", 100*r.Status.Fraction)
		}
		return "analysing"
	case session.StateDone:
		return r.Status.Detail
	case session.StateFailed:
		return "failed: " + r.Status.Detail
	}
	return string(r.Status.State)
}

// Failed reports whether the row is marked failed.
func (r EvidenceRow) Failed() bool {
	return r.Status.State == session.StateFailed ||
		r.Check.State == casefile.EvidenceMissing || r.Check.State == casefile.EvidenceChanged
}

// EvidenceView lists the case's evidence with thumbnails, type, hash and
// processing state, and takes files in (Add files, Add folder, or files
// dropped on the window).
type EvidenceView struct {
	win     fyne.Window
	backend EvidenceBackend
	ctx     context.Context
	tasks   *widgets.TaskBar

	// OnOpen is called when an evidence item is chosen for the viewer.
	OnOpen func(evidenceID uint64)
	// OnChanged is called after a batch finished (other views reload).
	OnChanged func()

	rows    []EvidenceRow
	list    *widget.List
	summary *widget.Label
	content fyne.CanvasObject

	mu      sync.Mutex
	batch   map[string]session.ItemStatus // this run's files, by path
	order   []string                      // batch paths in arrival order
	thumbs  map[uint64]image.Image
	wanted  map[uint64]bool
	refresh *refreshThrottle
	reading bool // a read of the list is running
	again   bool // and another was asked for meanwhile
	thumbQ  chan struct{}
	queued  []string // paths added while a task ran (UI goroutine)
}

// NewEvidenceView builds the evidence list; long work is shown in tasks.
func NewEvidenceView(ctx context.Context, win fyne.Window, backend EvidenceBackend, tasks *widgets.TaskBar) *EvidenceView {
	v := &EvidenceView{win: win, backend: backend, ctx: ctx, tasks: tasks,
		batch: map[string]session.ItemStatus{}, thumbs: map[uint64]image.Image{}, wanted: map[uint64]bool{},
		thumbQ: make(chan struct{}, thumbnailWorkers)}
	v.refresh = newRefreshThrottle("evidence refresh", 250*time.Millisecond, v.Reload)
	v.list = widget.NewList(func() int { return len(v.rows) }, v.newRow, v.bindRow)
	v.list.OnSelected = func(id widget.ListItemID) {
		v.list.UnselectAll()
		if id < len(v.rows) && v.rows[id].Evidence.ID != 0 && v.OnOpen != nil {
			v.OnOpen(v.rows[id].Evidence.ID)
		}
	}
	addFiles := widget.NewButtonWithIcon("Add files…", theme.FileIcon(), func() {
		dialogs.OpenFile(win, "Add evidence", dialogs.MediaExtensions, func(p string) { v.AddPaths([]string{p}) })
	})
	addFolder := widget.NewButtonWithIcon("Add folder…", theme.FolderIcon(), func() {
		dialogs.OpenFolder(win, "Add a folder of evidence", func(p string) { v.AddPaths([]string{p}) })
	})
	v.summary = widget.NewLabel("")
	hint := widget.NewLabel("or drop files and folders on this window")
	hint.Importance = widget.LowImportance
	bar := container.NewHBox(addFiles, addFolder, hint)
	v.content = container.NewBorder(container.NewVBox(bar, v.summary), nil, nil, nil, v.list)
	v.Reload()
	return v
}

// Content is the view's root object.
func (v *EvidenceView) Content() fyne.CanvasObject { return v.content }

// Rows are the lines shown, for tests and the tour.
func (v *EvidenceView) Rows() []EvidenceRow { return v.rows }

// AddPaths takes files and folders into the case in the background (the
// Add buttons and dropped files end here).
func (v *EvidenceView) AddPaths(paths []string) {
	if len(paths) == 0 {
		return
	}
	v.intake(paths, "Adding evidence")
}

// ResumePending finishes in the background the analysis an interrupted
// run left pending (the case window calls it when the case opens).
func (v *EvidenceView) ResumePending() {
	if pending, err := v.backend.PendingAnalyses(); err != nil || len(pending) == 0 {
		return
	}
	v.intake(nil, "Finishing interrupted analysis")
}

func (v *EvidenceView) intake(paths []string, title string) {
	if v.tasks.Busy() {
		// Files dropped while other work runs wait for their turn.
		v.queued = append(v.queued, paths...)
		for _, p := range paths {
			v.itemChanged(session.ItemStatus{Path: p, State: session.StateQueued, Fraction: -1})
		}
		return
	}
	v.tasks.Run(v.ctx, title, func(ctx context.Context, rep progress.Reporter) error {
		return v.backend.Intake(ctx, paths, rep, v.itemChanged)
	}, func(err error) {
		v.Reload()
		if err != nil && !errors.Is(err, context.Canceled) {
			dialogs.ShowError(v.win, err)
		}
		if v.OnChanged != nil {
			v.OnChanged()
		}
		if next := v.queued; len(next) > 0 && v.ctx.Err() == nil {
			v.queued = nil
			v.AddPaths(next)
		}
	})
}

// itemChanged records a batch file's state (any goroutine).
func (v *EvidenceView) itemChanged(st session.ItemStatus) {
	v.mu.Lock()
	if _, ok := v.batch[st.Path]; !ok {
		v.order = append(v.order, st.Path)
	}
	v.batch[st.Path] = st
	v.mu.Unlock()
	v.refresh.Request()
}

// Reload reads the evidence list again in the background and shows it.
// Requests made while a read runs are merged into one more read.
func (v *EvidenceView) Reload() {
	v.mu.Lock()
	if v.reading {
		v.again = true
		v.mu.Unlock()
		return
	}
	v.reading = true
	v.mu.Unlock()
	go v.read()
}

// read builds the rows off the UI goroutine, then shows them.
func (v *EvidenceView) read() {
	rows, summary, err := v.buildRows()
	async.Do("evidence rows", func() {
		if err != nil {
			v.summary.SetText("cannot read the evidence list: " + err.Error())
		} else {
			v.rows = rows
			v.summary.SetText(summary)
			v.list.Refresh()
		}
		v.mu.Lock()
		again := v.again
		v.reading, v.again = false, false
		v.mu.Unlock()
		if again {
			v.Reload()
		}
	})
}

func (v *EvidenceView) buildRows() ([]EvidenceRow, string, error) {
	evs, err := v.backend.EvidenceList()
	if err != nil {
		return nil, "", err
	}
	v.mu.Lock()
	byID := map[uint64]session.ItemStatus{}
	var loose []session.ItemStatus
	for _, p := range v.order {
		st := v.batch[p]
		if st.EvidenceID != 0 {
			byID[st.EvidenceID] = st
		} else {
			loose = append(loose, st)
		}
	}
	v.mu.Unlock()
	rows := make([]EvidenceRow, 0, len(evs)+len(loose))
	var failed, faces uint64
	for _, ev := range evs {
		r := EvidenceRow{Evidence: ev, Check: v.backend.EvidenceCheckFor(ev.ID)}
		if st, ok := byID[ev.ID]; ok {
			r.Status = st
		} else {
			r.Status = v.backend.ItemStatus(ev.ID)
		}
		if n, err := v.backend.DetectionCount(ev.ID); err == nil {
			r.Faces = n
			faces += n
		}
		rows = append(rows, r)
	}
	for _, st := range loose { // failed, or waiting to be taken in
		rows = append(rows, EvidenceRow{Status: st})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Failed() && !rows[j].Failed() })
	for _, r := range rows {
		if r.Failed() {
			failed++
		}
	}
	summary := fmt.Sprintf("%d items, %d faces", len(evs), faces)
	if failed > 0 {
		summary += fmt.Sprintf(", %d failed (listed first)", failed)
	}
	return rows, summary, nil
}

func (v *EvidenceView) newRow() fyne.CanvasObject {
	thumb := canvas.NewImageFromImage(nil)
	thumb.FillMode = canvas.ImageFillContain
	thumb.SetMinSize(fyne.NewSize(80, 60))
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	meta := widget.NewLabel("")
	meta.Truncation = fyne.TextTruncateEllipsis
	meta.SizeName = theme.SizeNameCaptionText
	state := widget.NewLabel("")
	state.Truncation = fyne.TextTruncateEllipsis
	icon := widget.NewIcon(nil)
	return container.NewBorder(nil, nil, thumb, nil,
		container.NewVBox(name, meta, container.NewBorder(nil, nil, icon, nil, state)))
}

func (v *EvidenceView) bindRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(v.rows) {
		return
	}
	r := v.rows[id]
	c := o.(*fyne.Container)
	thumb := c.Objects[1].(*canvas.Image)
	texts := c.Objects[0].(*fyne.Container).Objects
	setText(texts[0].(*widget.Label), r.Name())
	meta := "not taken in · " + r.Status.Path
	if r.Evidence.ID != 0 {
		meta = fmt.Sprintf("#%d · %s · %s · %s · SHA-256 %s", r.Evidence.ID, r.Evidence.Kind, r.Evidence.MediaType,
			byteSize(r.Evidence.Size), r.Evidence.SHA256)
	}
	setText(texts[1].(*widget.Label), meta)
	stateRow := texts[2].(*fyne.Container)
	setText(stateRow.Objects[0].(*widget.Label), r.StateText())
	icon := stateRow.Objects[1].(*widget.Icon)
	res := theme.ViewRefreshIcon()
	switch {
	case r.Failed():
		res = theme.ErrorIcon()
	case r.Status.State == session.StateDone || r.Status.State == session.StateStored:
		res = theme.ConfirmIcon()
	}
	if icon.Resource != res {
		icon.SetResource(res)
	}
	if img := v.thumbnail(r.Evidence.ID); thumb.Image != img {
		thumb.Image = img
		thumb.Refresh()
	}
}

// setText changes a label only when its text changes: list rows are bound
// again on every refresh, and laying out truncated text costs.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

// thumbnail returns the item's thumbnail, asking for it in the background
// the first time.
func (v *EvidenceView) thumbnail(id uint64) image.Image {
	if id == 0 {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if img, ok := v.thumbs[id]; ok || v.wanted[id] {
		return img
	}
	v.wanted[id] = true
	go func() {
		v.thumbQ <- struct{}{} // at most thumbnailWorkers decode at once
		img, err := v.backend.Thumbnail(v.ctx, id)
		<-v.thumbQ
		if err != nil {
			return // the row says why the item cannot be read
		}
		v.mu.Lock()
		v.thumbs[id] = img
		v.mu.Unlock()
		async.Do("evidence thumbnail", v.list.Refresh)
	}()
	return nil
}

// thumbnailWorkers bounds the thumbnails decoded at once (the machine may
// have two cores, and a scan needs them).
const thumbnailWorkers = 2

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
