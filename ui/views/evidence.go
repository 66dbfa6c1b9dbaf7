package views

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
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

// Sort orders and filters of the evidence list, as offered.
const (
	sortTime  = "Intake order"
	sortName  = "Name"
	sortFaces = "Faces"
	sortState = "State"

	filterAll        = "All items"
	filterFaces      = "Has faces"
	filterCandidates = "Has candidates"
	filterFailed     = "Failed"
)

// EvidenceView lists the case's evidence with thumbnails, type, hash and
// processing state, sorted and filtered as asked, with tick boxes for bulk
// work (search every usable face of the ticked items, or of the whole
// case), and takes files in (Add files, Add folder, or files dropped on
// the window). Files that are not photos or videos are skipped and named
// in the intake summary, never listed as evidence.
type EvidenceView struct {
	win     fyne.Window
	backend EvidenceBackend
	ctx     context.Context
	tasks   *widgets.TaskBar

	// OnOpen is called when an evidence item is chosen for the viewer.
	OnOpen func(evidenceID uint64)
	// OnChanged is called after a batch finished (other views reload).
	OnChanged func()

	rows      []EvidenceRow // every row, in intake order
	shown     []EvidenceRow // sorted and filtered
	ticked    map[uint64]bool
	list      *widget.List
	summary   *widget.Label
	skipped   *widget.Label // files skipped by the last batches
	sortBy    *widget.Select
	filterBy  *widget.Select
	dense     *widget.Check
	searchSel *widget.Button
	listBox   *fyne.Container
	content   fyne.CanvasObject

	mu      sync.Mutex
	batch   map[string]session.ItemStatus // this run's files, by path
	order   []string                      // batch paths in arrival order
	thumbs  map[uint64]image.Image
	wanted  map[uint64]bool
	refresh *refreshThrottle
	// thumbsShown refreshes the list for thumbnails that came in, at
	// most every thumbnailRefresh however many come at once.
	thumbsShown *refreshThrottle
	reading     bool // a read of the list is running
	again       bool // and another was asked for meanwhile
	thumbQ      chan struct{}
	queued      []string // paths added while a task ran (UI goroutine)
}

// NewEvidenceView builds the evidence list; long work is shown in tasks.
func NewEvidenceView(ctx context.Context, win fyne.Window, backend EvidenceBackend, tasks *widgets.TaskBar) *EvidenceView {
	v := &EvidenceView{win: win, backend: backend, ctx: ctx, tasks: tasks, ticked: map[uint64]bool{},
		batch: map[string]session.ItemStatus{}, thumbs: map[uint64]image.Image{}, wanted: map[uint64]bool{},
		thumbQ: make(chan struct{}, thumbnailWorkers)}
	v.refresh = newRefreshThrottle("evidence refresh", 250*time.Millisecond, v.Reload)
	v.thumbsShown = newRefreshThrottle("evidence thumbnails", thumbnailRefresh, func() { v.list.Refresh() })
	v.summary = widget.NewLabel("")
	v.skipped = widget.NewLabel("")
	v.skipped.Wrapping = fyne.TextWrapWord
	v.skipped.Importance = widget.WarningImportance
	v.skipped.Hide()
	v.sortBy = widget.NewSelect([]string{sortTime, sortName, sortFaces, sortState}, nil)
	v.sortBy.SetSelected(sortTime)
	v.sortBy.OnChanged = func(string) { v.arrange() }
	v.filterBy = widget.NewSelect([]string{filterAll, filterFaces, filterCandidates, filterFailed}, nil)
	v.filterBy.SetSelected(filterAll)
	v.filterBy.OnChanged = func(string) { v.arrange() }
	v.dense = widget.NewCheck("Dense rows", func(bool) { v.buildList() })
	v.searchSel = widget.NewButtonWithIcon("Search ticked items", theme.SearchIcon(), func() { v.SearchAll(v.tickedIDs()) })
	v.searchSel.Disable()
	searchCase := widget.NewButtonWithIcon("Search whole case", theme.SearchIcon(), func() { v.SearchAll(nil) })
	addFiles := widget.NewButtonWithIcon("Add files…", theme.FileIcon(), func() {
		dialogs.OpenMany(win, "Add evidence: tick files and folders", dialogs.MediaExtensions, v.AddPaths)
	})
	addFolder := widget.NewButtonWithIcon("Add folder…", theme.FolderIcon(), func() {
		dialogs.OpenFolder(win, "Add a folder of evidence", func(p string) { v.AddPaths([]string{p}) })
	})
	hint := widget.NewLabel("or drop files and folders on this window")
	hint.Importance = widget.LowImportance
	bar := container.NewHBox(addFiles, addFolder, hint)
	tools := container.NewHBox(widget.NewLabel("Sort"), v.sortBy, widget.NewLabel("Show"), v.filterBy, v.dense,
		widget.NewSeparator(), v.searchSel, searchCase)
	v.listBox = container.NewStack()
	v.buildList()
	v.content = container.NewBorder(container.NewVBox(bar, tools, v.summary, v.skipped), nil, nil, nil, v.listBox)
	v.Reload()
	return v
}

// buildList makes the list with rows of the chosen density.
func (v *EvidenceView) buildList() {
	dense := v.dense.Checked
	v.list = widget.NewList(func() int { return len(v.shown) },
		func() fyne.CanvasObject { return newEvidenceRow(dense) }, v.bindRow)
	v.list.OnSelected = func(id widget.ListItemID) {
		v.list.UnselectAll()
		if id < len(v.shown) && v.shown[id].Evidence.ID != 0 && v.OnOpen != nil {
			v.OnOpen(v.shown[id].Evidence.ID)
		}
	}
	v.listBox.Objects = []fyne.CanvasObject{v.list}
	v.listBox.Refresh()
}

// Content is the view's root object.
func (v *EvidenceView) Content() fyne.CanvasObject { return v.content }

// Rows are the lines shown (for the app's flow test and the tour).
func (v *EvidenceView) Rows() []EvidenceRow { return v.shown }

// AddPaths takes files and folders into the case in the background (the
// Add buttons and dropped files end here).
func (v *EvidenceView) AddPaths(paths []string) {
	if len(paths) == 0 {
		return
	}
	v.runIntake(paths, "Adding evidence")
}

// ResumePending finishes in the background the analysis an interrupted
// run left pending (the case window calls it when the case opens).
func (v *EvidenceView) ResumePending() {
	if pending, err := v.backend.PendingAnalyses(); err != nil || len(pending) == 0 {
		return
	}
	v.runIntake(nil, "Finishing interrupted analysis")
}

func (v *EvidenceView) runIntake(paths []string, title string) {
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

// SearchAll searches the watchlist with every usable face of the items
// (of the whole case when ids is empty) in the task bar, with progress and
// Cancel, and says what it did.
func (v *EvidenceView) SearchAll(ids []uint64) {
	var out session.SearchAllOutcome
	what := "the whole case"
	if len(ids) > 0 {
		what = plural(len(ids), "item")
	}
	task := v.tasks.Run(v.ctx, "Searching every usable face of "+what, func(ctx context.Context, rep progress.Reporter) (err error) {
		out, err = v.backend.SearchAll(ctx, ids, rep)
		return err
	}, func(err error) {
		v.Reload()
		if v.OnChanged != nil {
			v.OnChanged()
		}
		switch {
		case errors.Is(err, session.ErrEmptyWatchlist):
			dialog.ShowInformation("Nothing to search", "The watchlist is empty: enrol subjects on it first. Nothing was searched and no search was recorded.", v.win)
		case errors.Is(err, context.Canceled):
			dialog.ShowInformation("Search stopped", "Stopped on request. "+out.String()+".", v.win)
		case err != nil:
			dialogs.ShowError(v.win, err)
		default:
			dialog.ShowInformation("Search finished", "Searched "+what+": "+out.String()+". Review the candidates in the Review tab.", v.win)
		}
	})
	if task == nil {
		dialogs.ShowError(v.win, fmt.Errorf("wait for the current task to finish (or cancel it) first"))
	}
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
	rows, summary, skipped, err := v.buildRows()
	async.Do("evidence rows", func() {
		if err != nil {
			v.summary.SetText("cannot read the evidence list: " + err.Error())
		} else {
			v.rows = rows
			v.summary.SetText(summary)
			v.showSkipped(skipped)
			v.arrange()
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

// showSkipped names the files of this run's batches that were left out.
func (v *EvidenceView) showSkipped(skipped []session.ItemStatus) {
	if len(skipped) == 0 {
		v.skipped.Hide()
		return
	}
	lines := []string{fmt.Sprintf("Intake skipped %s that %s not photos or videos (not added to the case):",
		plural(len(skipped), "file"), map[bool]string{true: "is", false: "are"}[len(skipped) == 1])}
	for i, st := range skipped {
		if i == 8 {
			lines = append(lines, fmt.Sprintf("… and %d more", len(skipped)-i))
			break
		}
		lines = append(lines, fmt.Sprintf("%s — %s", st.Path, st.Detail))
	}
	v.skipped.SetText(strings.Join(lines, "\n"))
	v.skipped.Show()
}

func (v *EvidenceView) buildRows() (rows []EvidenceRow, summary string, skipped []session.ItemStatus, err error) {
	evs, err := v.backend.EvidenceList()
	if err != nil {
		return nil, "", nil, err
	}
	cands, err := v.backend.CandidateCounts()
	if err != nil {
		return nil, "", nil, err
	}
	v.mu.Lock()
	byID := map[uint64]session.ItemStatus{}
	var loose []session.ItemStatus
	for _, p := range v.order {
		st := v.batch[p]
		switch {
		case st.State == session.StateSkipped:
			skipped = append(skipped, st)
		case st.EvidenceID != 0:
			byID[st.EvidenceID] = st
		default:
			loose = append(loose, st)
		}
	}
	v.mu.Unlock()
	paths := make([]string, 0, len(evs))
	for _, ev := range evs {
		paths = append(paths, ev.OriginalPath)
	}
	root := commonFolder(paths)
	rows = make([]EvidenceRow, 0, len(evs)+len(loose))
	var failed, faces uint64
	for _, ev := range evs {
		r := EvidenceRow{Evidence: ev, Check: v.backend.EvidenceCheckFor(ev.ID), Candidates: cands[ev.ID]}
		r.Where = whereBelow(root, ev.OriginalPath, ev.Name)
		if st, ok := byID[ev.ID]; ok {
			r.Status = st
		} else {
			r.Status = v.backend.ItemStatus(ev.ID)
		}
		if n, err := v.backend.DetectionCount(ev.ID); err == nil {
			r.Faces = n
			faces += n
		}
		if ev.Kind == casefile.KindVideo {
			r.People, _ = v.backend.PersonTrackCount(ev.ID)
		}
		rows = append(rows, r)
	}
	for _, st := range loose { // failed, duplicates, or waiting to be taken in
		rows = append(rows, EvidenceRow{Status: st})
	}
	for _, r := range rows {
		if r.Failed() {
			failed++
		}
	}
	summary = fmt.Sprintf("%d items, %d faces", len(evs), faces)
	if failed > 0 {
		summary += fmt.Sprintf(", %d failed", failed)
	}
	return rows, summary, skipped, nil
}

// arrange sorts and filters the rows as chosen and shows them.
func (v *EvidenceView) arrange() {
	shown := make([]EvidenceRow, 0, len(v.rows))
	for _, r := range v.rows {
		if keepRow(r, v.filterBy.Selected) {
			shown = append(shown, r)
		}
	}
	sortRows(shown, v.sortBy.Selected)
	v.shown = shown
	v.list.Refresh()
	v.updateTicked()
}

func keepRow(r EvidenceRow, filter string) bool {
	switch filter {
	case filterFaces:
		return r.Faces > 0
	case filterCandidates:
		return r.Candidates > 0
	case filterFailed:
		return r.Failed()
	}
	return true
}

// stateRank orders rows by state: failed first, then work in progress,
// then finished.
func stateRank(r EvidenceRow) int {
	switch {
	case r.Failed():
		return 0
	case r.Status.State == session.StateQueued || r.Status.State == session.StateAdding || r.Status.State == session.StateAnalysing:
		return 1
	case r.Status.State == session.StateDuplicate:
		return 2
	}
	return 3
}

func sortRows(rows []EvidenceRow, by string) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch by {
		case sortName:
			return strings.ToLower(a.Title()) < strings.ToLower(b.Title())
		case sortFaces:
			return a.Faces > b.Faces
		case sortState:
			return stateRank(a) < stateRank(b)
		}
		return false // intake order as read
	})
}

func (v *EvidenceView) bindRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(v.shown) {
		return
	}
	r := v.shown[id]
	evID := r.Evidence.ID
	o.(*evidenceRowWidget).bind(r, v.thumbnail(evID), v.ticked[evID], func(on bool) { v.tick(evID, on) })
}

// tick chooses an item for bulk actions, or not.
func (v *EvidenceView) tick(id uint64, on bool) {
	if on {
		v.ticked[id] = true
	} else {
		delete(v.ticked, id)
	}
	v.updateTicked()
}

func (v *EvidenceView) updateTicked() {
	n := len(v.tickedIDs())
	if n == 0 {
		v.searchSel.SetText("Search ticked items")
		v.searchSel.Disable()
		return
	}
	v.searchSel.SetText(fmt.Sprintf("Search %s", plural(n, "ticked item")))
	v.searchSel.Enable()
}

// tickedIDs are the ticked items still listed, in id order.
func (v *EvidenceView) tickedIDs() []uint64 {
	var out []uint64
	for _, r := range v.rows {
		if v.ticked[r.Evidence.ID] && r.Evidence.ID != 0 {
			out = append(out, r.Evidence.ID)
		}
	}
	return out
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
		v.thumbsShown.Request()
	}()
	return nil
}

// thumbnailRefresh is the least time between two refreshes of the list for
// thumbnails: the thumbnails of a batch come in together, and each refresh
// binds every visible row again.
const thumbnailRefresh = 100 * time.Millisecond

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
