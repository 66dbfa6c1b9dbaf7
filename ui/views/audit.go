package views

import (
	"fmt"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/ui/session"
)

// auditColumns are the audit list's columns and their widths (the last,
// the summary, takes what is left).
var auditColumns = []struct {
	title string
	width float32
}{{"Time", 150}, {"Actor", 130}, {"Action", 120}, {"Object", 110}, {"Summary", 0}}

// filterAny is the filter choice that lets everything through.
const filterAny = "any"

// AuditView lists the case's audit log, newest first, in columns (time,
// actor, action, object, summary), filtered by actor, action and object,
// with the whole of the chosen entry in a detail pane. The hash chain is
// verified again whenever the log is read, and the line saying so is kept
// up to date.
type AuditView struct {
	backend AuditBackend

	rows    []session.AuditRow // every row, newest first
	shown   []session.AuditRow // the rows that pass the filter
	filter  session.AuditFilter
	chosen  uint64 // Seq of the entry in the detail pane, 0 for none
	actor   *widget.Select
	action  *widget.Select
	object  *widget.Entry
	count   *widget.Label
	list    *widget.List
	detail  *widget.Label
	result  *widget.Label
	content fyne.CanvasObject
}

// NewAuditView builds the audit log view.
func NewAuditView(backend AuditBackend) *AuditView {
	v := &AuditView{backend: backend, result: widget.NewLabel(""), count: widget.NewLabel("")}
	v.result.Wrapping = fyne.TextWrapWord
	v.list = widget.NewList(func() int { return len(v.shown) }, newAuditRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(v.shown) {
				o.(*auditRowWidget).bind(v.shown[id])
			}
		})
	v.list.OnSelected = func(id widget.ListItemID) {
		if id < len(v.shown) {
			v.showDetail(v.shown[id])
		}
	}
	v.detail = widget.NewLabel("Choose an entry to see all of it.")
	v.detail.Wrapping = fyne.TextWrapBreak
	v.detail.TextStyle = fyne.TextStyle{Monospace: true}
	v.actor = widget.NewSelect([]string{filterAny}, nil)
	v.action = widget.NewSelect([]string{filterAny}, nil)
	v.actor.SetSelected(filterAny)
	v.action.SetSelected(filterAny)
	v.actor.OnChanged = func(string) { v.setFilter() }
	v.action.OnChanged = func(string) { v.setFilter() }
	v.object = widget.NewEntry()
	v.object.SetPlaceHolder("object: search 5, evidence 2…")
	v.object.OnChanged = func(string) { v.setFilter() }
	verify := widget.NewButtonWithIcon("Verify the chain", theme.ConfirmIcon(), v.Verify)
	reload := widget.NewButtonWithIcon("Reload", theme.ViewRefreshIcon(), v.Reload)
	filters := container.NewHBox(widget.NewLabel("Actor"), v.actor, widget.NewLabel("Action"), v.action,
		widget.NewLabel("Object"), container.NewGridWrap(fyne.NewSize(200, v.object.MinSize().Height), v.object), v.count)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(verify, reload), v.result), filters)
	table := container.NewBorder(auditHeader(), nil, nil, nil, v.list)
	split := container.NewHSplit(table, container.NewVScroll(v.detail))
	split.Offset = 0.68
	v.content = container.NewBorder(top, nil, nil, nil, split)
	v.Reload()
	return v
}

// Content is the view's root object.
func (v *AuditView) Content() fyne.CanvasObject { return v.content }

// Reload reads the log again and verifies the chain, in the background.
func (v *AuditView) Reload() {
	var rows []session.AuditRow
	var head casefile.AuditHead
	var verr error
	background("audit log", func() (err error) {
		if rows, err = v.backend.AuditRows(); err != nil {
			return err
		}
		head, verr = v.backend.VerifyAudit()
		return nil
	}, func(err error) {
		if err != nil {
			v.setResult("Cannot read the audit log: "+err.Error(), widget.DangerImportance)
			return
		}
		v.rows = rows
		v.updateChoices()
		v.applyFilter()
		v.showVerified(head, verr)
	})
}

// Shown is how many entries pass the filter.
func (v *AuditView) Shown() int { return len(v.shown) }

// Filter shows only the entries that pass f (its fields are put in the
// filter row), and the newest of them in the detail pane.
func (v *AuditView) Filter(f session.AuditFilter) {
	pick := func(sel *widget.Select, want string) {
		if want == "" {
			want = filterAny
		}
		sel.SetSelected(want)
	}
	pick(v.actor, f.Actor)
	pick(v.action, f.Action)
	v.object.SetText(f.Object)
	v.setFilter()
	if len(v.shown) > 0 {
		v.list.Select(0)
	}
}

// setFilter reads the filter fields and shows the rows that pass.
func (v *AuditView) setFilter() {
	f := session.AuditFilter{Object: v.object.Text}
	if v.actor.Selected != filterAny {
		f.Actor = v.actor.Selected
	}
	if v.action.Selected != filterAny {
		f.Action = v.action.Selected
	}
	v.filter = f
	v.applyFilter()
}

func (v *AuditView) applyFilter() {
	v.shown = v.shown[:0]
	for _, r := range v.rows {
		if v.filter.Match(r) {
			v.shown = append(v.shown, r)
		}
	}
	if v.count != nil {
		v.count.SetText(fmt.Sprintf("%d of %d entries", len(v.shown), len(v.rows)))
	}
	if v.list != nil {
		v.list.UnselectAll()
		v.list.Refresh()
	}
}

// updateChoices offers the actors and actions found in the log.
func (v *AuditView) updateChoices() {
	actors, actions := map[string]bool{}, map[string]bool{}
	for _, r := range v.rows {
		actors[r.Actor], actions[r.Action] = true, true
	}
	v.actor.Options = choices(actors)
	v.action.Options = choices(actions)
	v.actor.Refresh()
	v.action.Refresh()
}

func choices(set map[string]bool) []string {
	out := make([]string, 0, len(set)+1)
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return append([]string{filterAny}, out...)
}

// showDetail puts the whole of an entry in the detail pane.
func (v *AuditView) showDetail(r session.AuditRow) {
	v.chosen = r.Seq
	v.detail.SetText(r.Detail())
}

// Verify walks the hash chain and shows the outcome.
func (v *AuditView) Verify() {
	v.setResult("Verifying the audit chain…", widget.MediumImportance)
	var head casefile.AuditHead
	var verr error
	background("audit verify", func() error {
		head, verr = v.backend.VerifyAudit()
		return nil
	}, func(error) { v.showVerified(head, verr) })
}

// showVerified says whether the chain verifies, with its length and head.
func (v *AuditView) showVerified(head casefile.AuditHead, err error) {
	if err != nil {
		v.setResult("The audit chain does NOT verify: "+err.Error(), widget.DangerImportance)
		return
	}
	v.setResult(fmt.Sprintf("Audit chain verified (%d entries), head %s.", head.Seq, short(head.SHA256)), widget.SuccessImportance)
}

func (v *AuditView) setResult(text string, imp widget.Importance) {
	v.result.Importance = imp
	v.result.SetText(text)
}

func short(hash string) string {
	if len(hash) > 16 {
		return hash[:16] + "…"
	}
	return hash
}

// auditHeader is the row of column titles.
func auditHeader() fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(auditColumns))
	for i, c := range auditColumns {
		objs[i] = widget.NewLabelWithStyle(c.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	return container.New(auditColumnsLayout{}, objs...)
}

// auditRowWidget is one line of the audit list: a label per column.
type auditRowWidget struct {
	widget.BaseWidget
	time, actor, action, object, summary *widget.Label
}

func newAuditRow() fyne.CanvasObject {
	r := &auditRowWidget{}
	for _, l := range []**widget.Label{&r.time, &r.actor, &r.action, &r.object, &r.summary} {
		*l = widget.NewLabel("")
		(*l).Truncation = fyne.TextTruncateEllipsis
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *auditRowWidget) bind(row session.AuditRow) {
	setText(r.time, row.Time.Local().Format(session.TimeLayout))
	setText(r.actor, row.Actor)
	setText(r.action, row.Action)
	setText(r.object, row.Object)
	setText(r.summary, row.Summary)
}

func (r *auditRowWidget) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.New(auditColumnsLayout{}, r.time, r.actor, r.action, r.object, r.summary))
}

// auditColumnsLayout lays a row out in auditColumns' widths.
type auditColumnsLayout struct{}

func (auditColumnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		w := auditColumns[i].width
		if w == 0 || i == len(objs)-1 {
			w = max(0, size.Width-x)
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (auditColumnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, h := float32(0), float32(0)
	for i, o := range objs {
		w += auditColumns[i].width
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w+80, h)
}
