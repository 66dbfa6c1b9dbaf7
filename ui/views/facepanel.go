package views

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/recognition"
	"facecase/ui/dialogs"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// FacePanel is the viewer's side panel for one face: its picture, quality
// measures and reasons, and the candidates of the searches made with it,
// with Search and Enrol actions.
type FacePanel struct {
	win     fyne.Window
	backend ViewerBackend
	ctx     context.Context

	// OnChanged is called after a search or an enrolment.
	OnChanged func()

	ev        casefile.Evidence
	det       casefile.Detection
	has       bool
	chip      *canvas.Image
	facts     *widget.Label
	quality   *widget.Label
	cands     *fyne.Container
	searchBtn *widget.Button
	enrolBtn  *widget.Button
	body      *fyne.Container
	empty     *widget.Label
	status    *widget.Label // what the last action did
	content   fyne.CanvasObject
	searches  []casefile.SearchRecord
}

// screenPos is the frame on screen when a face was chosen: the panel
// names it, so panel and player always agree on the frame.
type screenPos struct {
	Frame int
	Time  time.Duration
	Video bool
}

// NewFacePanel builds an empty panel.
func NewFacePanel(ctx context.Context, win fyne.Window, backend ViewerBackend) *FacePanel {
	p := &FacePanel{win: win, backend: backend, ctx: ctx}
	p.chip = canvas.NewImageFromImage(nil)
	p.chip.FillMode = canvas.ImageFillContain
	p.chip.SetMinSize(fyne.NewSize(150, 150))
	p.facts = widget.NewLabel("")
	p.facts.Wrapping = fyne.TextWrapWord
	p.quality = widget.NewLabel("")
	p.quality.Wrapping = fyne.TextWrapWord
	p.cands = container.NewVBox()
	p.searchBtn = widget.NewButtonWithIcon("Search watchlist", theme.SearchIcon(), p.Search)
	p.searchBtn.Importance = widget.HighImportance
	p.enrolBtn = widget.NewButtonWithIcon("Enrol on watchlist…", theme.ContentAddIcon(), p.ShowEnrol)
	p.empty = widget.NewLabel("Tap a face to see its quality and candidates.")
	p.empty.Wrapping = fyne.TextWrapWord
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	p.status.Hide()
	p.body = container.NewVBox(
		container.NewCenter(p.chip), p.facts,
		widget.NewLabelWithStyle("Quality", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), p.quality,
		p.searchBtn, p.enrolBtn, p.status,
		widget.NewLabelWithStyle("Candidates", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), p.cands)
	p.body.Hide()
	p.content = container.NewVScroll(container.NewVBox(p.empty, p.body))
	return p
}

// Content is the panel's root object.
func (p *FacePanel) Content() fyne.CanvasObject { return p.content }

// Detection is the face shown, if any.
func (p *FacePanel) Detection() (casefile.Detection, bool) { return p.det, p.has }

// Candidates are the candidate rows shown (for tests).
func (p *FacePanel) Candidates() []casefile.Candidate {
	if len(p.searches) == 0 {
		return nil
	}
	return p.searches[len(p.searches)-1].Candidates
}

// Clear empties the panel.
func (p *FacePanel) Clear() {
	p.has = false
	p.body.Hide()
	p.empty.Show()
}

// Show fills the panel with a face; chip is its picture (may be nil) and
// at the frame on screen, which the panel names (a box the tracker carried
// shows the track's detection nearest it, and says which frame that is).
func (p *FacePanel) Show(ev casefile.Evidence, det casefile.Detection, chip image.Image, at screenPos) {
	p.ev, p.det, p.has = ev, det, true
	p.chip.Image = chip
	p.chip.Refresh()
	p.setStatus("")
	where := "photo"
	if at.Video {
		where = frameTime(at.Time, at.Frame)
		if int(det.Frame) != at.Frame {
			where += fmt.Sprintf(" (the tracker's box; nearest detection at %s)", frameTime(det.Time, int(det.Frame)))
		}
	}
	track := ""
	if det.TrackID != 0 {
		track = fmt.Sprintf(", track #%d", det.TrackID)
	}
	facts := fmt.Sprintf("Face %d in %s, %s%s. Box %.0fx%.0f at %.0f,%.0f; detector %s, score %.2f.",
		det.ID, ev.Name, where, track, det.Box.W, det.Box.H, det.Box.X, det.Box.Y, det.Detector, det.Score)
	if det.Cohort.Valid() {
		// For experts: how close this face usually sits to strangers (its
		// nearest faces of the shipped cohort), which normalises its
		// scores.
		facts += fmt.Sprintf(" Cohort distance %.3f ± %.3f.", det.Cohort.Mu, det.Cohort.Sigma)
	}
	p.facts.SetText(facts)
	p.quality.SetText(QualityText(det.Quality))
	if det.Descriptor == nil {
		p.searchBtn.Disable()
		p.enrolBtn.Disable()
	} else {
		p.searchBtn.Enable()
		p.enrolBtn.Enable()
	}
	p.empty.Hide()
	p.body.Show()
	p.loadSearches()
}

// QualityText describes a face's quality measures and why it is not
// usable, if it is not.
func QualityText(q facedata.Quality) string {
	verdict := "Usable for searching."
	if !q.Usable {
		reasons := make([]string, len(q.Reasons))
		for i, r := range q.Reasons {
			reasons[i] = string(r)
		}
		verdict = "Not usable for searching: " + strings.Join(reasons, ", ") + "."
	}
	return fmt.Sprintf("%s\nEye distance %.0f px · sharpness %.0f · brightness %.0f · yaw %.0f° · pitch %.0f°",
		verdict, q.Size, q.Sharpness, q.Brightness, q.Yaw, q.Pitch)
}

func (p *FacePanel) loadSearches() {
	recs, err := p.backend.SearchesFor(p.det.ID)
	if err != nil {
		p.cands.Objects = []fyne.CanvasObject{widget.NewLabel("cannot read searches: " + err.Error())}
		p.cands.Refresh()
		return
	}
	p.searches = recs
	p.cands.Objects = nil
	if len(recs) == 0 {
		p.cands.Add(widget.NewLabel("Not searched yet."))
		p.cands.Refresh()
		return
	}
	last := recs[len(recs)-1]
	p.cands.Add(widgets.NewLeadNotice(fmt.Sprintf("Search %d by %s at %s, %s on the watchlist",
		last.ID, last.Operator, searchPointText(last), plural(last.WatchlistSize, "subject"))))
	if len(last.Candidates) == 0 {
		p.cands.Add(wrapped("No candidate within the operating point."))
	}
	echoes, _ := p.backend.EnrolmentEchoes(last)
	for _, c := range last.Candidates {
		p.cands.Add(widget.NewLabelWithStyle(fmt.Sprintf("%d. %s — %s", c.Rank, c.Label, candidateScoreText(last, c)),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, e := range echoes {
			if e.SubjectID == c.SubjectID && e.EnrolmentID == c.EnrolmentID {
				warn := wrapped(e.String())
				warn.Importance = widget.WarningImportance
				p.cands.Add(warn)
			}
		}
		if cr, err := p.backend.CandidateStatus(last.ID, c.SubjectID); err == nil {
			p.cands.Add(wrapped(reviewText(cr)))
		}
	}
	if len(last.Candidates) > 0 {
		p.cands.Add(wrapped("Review the candidates in the Review tab."))
	}
	p.cands.Refresh()
}

// reviewText is where a candidate's review stands and every decision on
// it, with reviewer, time and note.
func reviewText(cr casefile.CandidateReview) string {
	lines := []string{fmt.Sprintf("Status: %s (%d of %d confirmations needed)", cr.Status, cr.Confirmations, cr.Required)}
	for _, r := range cr.Reviews {
		lines = append(lines, session.ReviewLine(r))
	}
	return strings.Join(lines, "\n")
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// setStatus says what the last action did (empty hides it).
func (p *FacePanel) setStatus(text string) {
	p.status.SetText(text)
	p.status.Hidden = text == ""
	p.status.Refresh()
}

// Search searches the watchlist with the face shown (in the background).
// A poor face asks first, with No as the answer Enter and Space give; an
// empty watchlist is said so, and nothing is searched or recorded.
func (p *FacePanel) Search() {
	if !p.has {
		return
	}
	det := p.det
	run := func() {
		p.searchBtn.Disable()
		p.searchBtn.SetText("Searching…")
		background("search", func() error {
			_, err := p.backend.SearchFace(p.ctx, det.ID, "")
			return err
		}, func(err error) {
			p.searchBtn.SetText("Search watchlist")
			p.searchBtn.Enable()
			switch {
			case errors.Is(err, session.ErrEmptyWatchlist):
				p.setStatus("The watchlist is empty: enrol subjects on it first. Nothing was searched and no search was recorded.")
				return
			case err != nil:
				dialogs.ShowError(p.win, err)
				return
			}
			if p.has && p.det.ID == det.ID {
				p.setStatus("")
				p.loadSearches()
			}
			if p.OnChanged != nil {
				p.OnChanged()
			}
		})
	}
	if !det.Quality.Usable {
		dialogs.ConfirmRisky(p.win, "Poor quality face", QualityText(det.Quality)+
			"\n\nCandidates from a poor face are weak leads. Search anyway?", "Search anyway", run)
		return
	}
	run()
}

// enrolForm is the Enrol on watchlist form.
type enrolForm struct {
	subject       *widget.Select // an existing subject, or "New subject"
	label, notes  *widget.Entry
	source, date  *widget.Entry
	dialog        dialog.Dialog
	subjects      []casefile.Subject
	newSubjectOpt string
}

// ShowEnrol shows the form that puts the face on the watchlist. A new
// subject needs a label (Enrol stays disabled without one); when the
// enrolment fails the form comes back with what was typed, and when it
// succeeds the panel says so.
func (p *FacePanel) ShowEnrol() { p.showEnrol() }

// showEnrol is ShowEnrol, returning the form (nil without a face).
func (p *FacePanel) showEnrol() *enrolForm {
	if !p.has {
		return nil
	}
	det, ev := p.det, p.ev
	f := &enrolForm{label: widget.NewEntry(), notes: widget.NewMultiLineEntry(), source: widget.NewEntry(),
		date: widget.NewEntry(), newSubjectOpt: "New subject"}
	f.subjects, _ = p.backend.Subjects()
	opts := []string{f.newSubjectOpt}
	for _, s := range f.subjects {
		opts = append(opts, fmt.Sprintf("%s (#%d)", s.Label, s.ID))
	}
	f.label.Validator = func(s string) error {
		if f.subject != nil && f.subject.SelectedIndex() > 0 {
			return nil
		}
		if strings.TrimSpace(s) == "" {
			return errors.New("a new subject needs a label")
		}
		return nil
	}
	f.subject = widget.NewSelect(opts, func(s string) {
		if s == f.newSubjectOpt {
			f.label.Enable()
		} else {
			f.label.Disable()
		}
		f.label.Validate()
	})
	f.subject.SetSelectedIndex(0)
	f.source.SetText(fmt.Sprintf("%s, face %d", ev.Name, det.ID))
	f.date.SetPlaceHolder("when the image was taken, if known")
	items := []*widget.FormItem{
		widget.NewFormItem("Subject", f.subject),
		widget.NewFormItem("Label", f.label),
		widget.NewFormItem("Notes", f.notes),
		widget.NewFormItem("Image source", f.source),
		widget.NewFormItem("Image date", f.date),
	}
	f.dialog = dialog.NewForm("Enrol on watchlist", "Enrol", "Cancel", items, func(ok bool) {
		if ok {
			p.enrol(f, det)
		}
	}, p.win)
	f.dialog.Resize(fyne.NewSize(520, 420))
	f.dialog.Show()
	return f
}

// enrol records the form's enrolment in the background; a failure shows
// the form again, as typed, under the error.
func (p *FacePanel) enrol(f *enrolForm, det casefile.Detection) {
	var subjectID uint64
	if i := f.subject.SelectedIndex(); i > 0 {
		subjectID = f.subjects[i-1].ID
	}
	prov := casefile.Provenance{Source: f.source.Text, Date: f.date.Text}
	label, notes := f.label.Text, f.notes.Text
	var subj casefile.Subject
	background("enrol face", func() (err error) {
		subj, err = p.backend.EnrolFace(det.ID, subjectID, label, notes, prov)
		return err
	}, func(err error) {
		if err != nil {
			f.dialog.Show()
			dialogs.ShowError(p.win, err)
			return
		}
		if p.has && p.det.ID == det.ID {
			p.setStatus(fmt.Sprintf("Enrolled face %d on the watchlist as %s (subject #%d).", det.ID, subj.Label, subj.ID))
		}
		if p.OnChanged != nil {
			p.OnChanged()
		}
	})
}

// cropRGBA copies a face, with the chip's padding, out of the frame on
// screen (the player reuses frame buffers, so the copy is needed).
func cropRGBA(img *image.RGBA, det casefile.Detection) image.Image {
	if img == nil {
		return nil
	}
	r := det.Box.Inset(-recognition.ChipPadding).Image().Intersect(img.Rect)
	if r.Empty() {
		return nil
	}
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Rect, img, r.Min, draw.Src)
	return out
}

// legendChip is a small coloured square with a word, for the box colours.
func legendChip(text string, c color.RGBA) fyne.CanvasObject {
	sq := canvas.NewRectangle(c)
	sq.SetMinSize(fyne.NewSize(12, 12))
	return container.NewHBox(container.NewCenter(sq), widget.NewLabel(text))
}
