package views

import (
	"fmt"
	"image"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/ui/session"
)

// EvidenceRow is one line of the evidence list: an evidence item, or a
// file of a batch that did not become evidence (ID 0).
type EvidenceRow struct {
	Evidence casefile.Evidence
	Check    casefile.EvidenceCheck
	Status   session.ItemStatus
	Faces    uint64
	// People counts the people followed in a video (person tracks).
	People int
	// Candidates counts the item's searches that returned candidates.
	Candidates int
	// Where is the file's path below the folder all items came from
	// ("train/biden/img1.jpg"), so files of the same name are told apart.
	Where string
}

// Name is the row's file name.
func (r EvidenceRow) Name() string {
	if r.Evidence.Name != "" {
		return r.Evidence.Name
	}
	return filepath.Base(r.Status.Path)
}

// Title is what the row is called: its path below the common folder, or
// its name.
func (r EvidenceRow) Title() string {
	if r.Where != "" {
		return r.Where
	}
	return r.Name()
}

// StateText says where the item stands, in a few words.
func (r EvidenceRow) StateText() string {
	if r.Evidence.ID != 0 && (r.Check.State == casefile.EvidenceMissing || r.Check.State == casefile.EvidenceChanged) {
		return fmt.Sprintf("file %s since intake: %s", r.Check.State, r.Check.Detail)
	}
	switch r.Status.State {
	case session.StateStored, "":
		text := plural(int(r.Faces), "face")
		if r.People > 0 {
			who := fmt.Sprintf("%d people", r.People)
			if r.People == 1 {
				who = "1 person"
			}
			text += " · " + who + " followed"
		}
		if r.Candidates > 0 {
			es := "es"
			if r.Candidates == 1 {
				es = ""
			}
			text += fmt.Sprintf(" · %d search%s with candidates", r.Candidates, es)
		}
		return text
	case session.StateAnalysing:
		if r.Status.Fraction >= 0 {
			return fmt.Sprintf("analysing %.0f%%", 100*r.Status.Fraction)
		}
		return "analysing"
	case session.StateDone:
		return r.Status.Detail
	case session.StateFailed:
		return "failed: " + r.Status.Detail
	case session.StateDuplicate:
		return "duplicate, not added: " + r.Status.Detail
	}
	return string(r.Status.State)
}

// Failed reports whether the row is marked failed.
func (r EvidenceRow) Failed() bool {
	return r.Status.State == session.StateFailed ||
		r.Check.State == casefile.EvidenceMissing || r.Check.State == casefile.EvidenceChanged
}

// metaText is the row's second line: id, kind, type, size and hash, or
// where a file not taken in lies.
func (r EvidenceRow) metaText() string {
	if r.Evidence.ID == 0 {
		return "not taken in · " + r.Status.Path
	}
	return fmt.Sprintf("#%d · %s · %s · %s · SHA-256 %s", r.Evidence.ID, r.Evidence.Kind, r.Evidence.MediaType,
		byteSize(r.Evidence.Size), r.Evidence.SHA256)
}

// stateIcon marks failed, finished and working rows.
func (r EvidenceRow) stateIcon() fyne.Resource {
	switch {
	case r.Failed():
		return theme.ErrorIcon()
	case r.Status.State == session.StateDuplicate:
		return theme.ContentCopyIcon()
	case r.Status.State == session.StateDone || r.Status.State == session.StateStored:
		return theme.ConfirmIcon()
	}
	return theme.ViewRefreshIcon()
}

// whereBelow names a file by its path below root, at most two folders
// deep ("train/biden/img1.jpg"); below no useful root (items from all
// over the disk) by its folder and name. It is empty when the name says
// it all (every item in one folder).
func whereBelow(root, path, name string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil || root == "" || root == "/" || root == "." {
		rel = filepath.Join(filepath.Base(filepath.Dir(path)), filepath.Base(path))
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) > 3 {
		parts = parts[len(parts)-3:]
	}
	if rel = strings.Join(parts, "/"); rel == name {
		return ""
	}
	return rel
}

// commonFolder is the deepest folder holding every path (empty for none).
func commonFolder(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	common := filepath.Dir(paths[0])
	for _, p := range paths[1:] {
		for common != "" && common != "/" && !strings.HasPrefix(p, common+string(filepath.Separator)) {
			common = filepath.Dir(common)
		}
	}
	return common
}

// evidenceRowWidget is one line of the evidence list, with named parts:
// a tick box for bulk actions, the thumbnail, the title, the details and
// the state. Dense rows put it all on one line with a small thumbnail.
type evidenceRowWidget struct {
	widget.BaseWidget
	tick  *widget.Check
	thumb *canvas.Image
	name  *widget.Label
	meta  *widget.Label
	state *widget.Label
	icon  *widget.Icon
	dense bool
}

func newEvidenceRow(dense bool) *evidenceRowWidget {
	r := &evidenceRowWidget{tick: widget.NewCheck("", nil), thumb: canvas.NewImageFromImage(nil), dense: dense,
		name: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		meta: widget.NewLabel(""), state: widget.NewLabel(""), icon: widget.NewIcon(nil)}
	r.thumb.FillMode = canvas.ImageFillContain
	if dense {
		r.thumb.SetMinSize(fyne.NewSize(40, 30))
	} else {
		r.thumb.SetMinSize(fyne.NewSize(80, 60))
	}
	for _, l := range []*widget.Label{r.name, r.meta, r.state} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	r.meta.SizeName = theme.SizeNameCaptionText
	r.ExtendBaseWidget(r)
	return r
}

// bind shows a row; ticked says whether it is chosen for bulk actions,
// onTick is called when the tick box changes.
func (w *evidenceRowWidget) bind(r EvidenceRow, thumb image.Image, ticked bool, onTick func(bool)) {
	w.tick.OnChanged = nil
	if w.tick.Checked != ticked {
		w.tick.SetChecked(ticked)
	}
	if r.Evidence.ID == 0 {
		w.tick.Disable()
	} else {
		w.tick.Enable()
		w.tick.OnChanged = onTick
	}
	setText(w.name, r.Title())
	setText(w.meta, r.metaText())
	setText(w.state, r.StateText())
	if res := r.stateIcon(); w.icon.Resource != res {
		w.icon.SetResource(res)
	}
	if w.thumb.Image != thumb {
		w.thumb.Image = thumb
		w.thumb.Refresh()
	}
}

func (w *evidenceRowWidget) CreateRenderer() fyne.WidgetRenderer {
	if w.dense {
		right := container.NewHBox(w.icon, container.NewGridWrap(fyne.NewSize(260, w.state.MinSize().Height), w.state))
		return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewHBox(w.tick, w.thumb), right, w.name))
	}
	texts := container.NewVBox(w.name, w.meta, container.NewBorder(nil, nil, w.icon, nil, w.state))
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewHBox(w.tick, w.thumb), nil, texts))
}
