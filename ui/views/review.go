package views

import (
	"context"
	"fmt"
	"image"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/ui/async"
	"facecase/ui/dialogs"
	"facecase/ui/widgets"
)

// reviewPictureSide is the size of probe and candidate pictures.
const reviewPictureSide = 160

// ReviewView lists the searches that returned candidates and, for the one
// chosen, shows the probe face beside each candidate's photos with rank
// and distance, where its review stands, and Confirm / Reject /
// Inconclusive buttons recorded under the reviewer's name. Every candidate
// view carries the investigative-lead notice.
type ReviewView struct {
	win     fyne.Window
	backend ReviewBackend
	ctx     context.Context

	// OnChanged is called after a decision is recorded.
	OnChanged func()

	searches []casefile.SearchRecord
	list     *widget.List
	detail   *fyne.Container
	content  fyne.CanvasObject
	selected int
	cards    []*candidateCard

	mu      sync.Mutex
	cache   map[string]image.Image // pictures by key
	loading map[string]bool
	slots   []pictureSlot // image slots of the search shown
}

// pictureSlot is where a picture goes once loaded.
type pictureSlot struct {
	key string
	img *canvas.Image
}

// candidateCard is one candidate's row in the review view.
type candidateCard struct {
	candidate casefile.Candidate
	status    *widget.Label
	note      *widget.Entry
	confirm   *widget.Button
	reject    *widget.Button
	unsure    *widget.Button
	box       *fyne.Container
}

// NewReviewView builds the review view.
func NewReviewView(ctx context.Context, win fyne.Window, backend ReviewBackend) *ReviewView {
	v := &ReviewView{win: win, backend: backend, ctx: ctx, selected: -1,
		cache: map[string]image.Image{}, loading: map[string]bool{}}
	v.list = widget.NewList(func() int { return len(v.searches) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			s := v.searches[id]
			o.(*widget.Label).SetText(fmt.Sprintf("Search %d · %s · %s · %s", s.ID,
				s.Time.Local().Format("2006-01-02 15:04"), plural(len(s.Candidates), "candidate"), probeText(s.Probe)))
		})
	v.list.OnSelected = func(id widget.ListItemID) { v.Select(id) }
	v.detail = container.NewVBox(widget.NewLabel("Choose a search to review its candidates."))
	split := container.NewHSplit(v.list, container.NewVScroll(v.detail))
	split.Offset = 0.3
	v.content = split
	v.Reload()
	return v
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func probeText(p casefile.Probe) string {
	if p.DetectionID != 0 {
		return fmt.Sprintf("face %d of evidence %d", p.DetectionID, p.EvidenceID)
	}
	return fmt.Sprintf("a face of evidence %d", p.EvidenceID)
}

// Content is the view's root object.
func (v *ReviewView) Content() fyne.CanvasObject { return v.content }

// Searches are the searches listed.
func (v *ReviewView) Searches() []casefile.SearchRecord { return v.searches }

// Reload reads the searches again.
func (v *ReviewView) Reload() {
	all, err := v.backend.Searches()
	if err != nil {
		v.detail.Objects = []fyne.CanvasObject{widget.NewLabel("cannot read searches: " + err.Error())}
		v.detail.Refresh()
		return
	}
	v.searches = v.searches[:0]
	for i := len(all) - 1; i >= 0; i-- { // newest first
		if len(all[i].Candidates) > 0 {
			v.searches = append(v.searches, all[i])
		}
	}
	v.list.Refresh()
	if v.selected >= 0 && v.selected < len(v.searches) {
		v.showSearch(v.searches[v.selected])
	}
}

// Select shows the search at index i of the list.
func (v *ReviewView) Select(i int) {
	if i < 0 || i >= len(v.searches) {
		return
	}
	v.selected = i
	v.showSearch(v.searches[i])
}

func (v *ReviewView) showSearch(s casefile.SearchRecord) {
	notice := widgets.NewLeadNotice(fmt.Sprintf("Operating point %s · watchlist of %s (version %d) · searched by %s for: %s",
		searchPointText(s), plural(s.WatchlistSize, "subject"), s.WatchlistVersion, s.Operator, s.Purpose))
	who := widget.NewLabel("Deciding as " + v.backend.Actor() + ". Compare the faces yourself; the score only ranks the list.")
	who.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{notice, who}
	v.cards = v.cards[:0]
	v.mu.Lock()
	v.slots = nil
	v.mu.Unlock()
	probeKey := fmt.Sprintf("probe %d", s.ID)
	for _, c := range s.Candidates {
		card := v.newCard(s, c, probeKey)
		v.cards = append(v.cards, card)
		objs = append(objs, widget.NewSeparator(), card.box)
	}
	v.detail.Objects = objs
	v.detail.Refresh()
	v.loadPicture(probeKey, func(ctx context.Context) (image.Image, error) {
		if s.Probe.DetectionID == 0 {
			return nil, fmt.Errorf("the probe is not a stored face")
		}
		return v.backend.FaceCrop(ctx, s.Probe.DetectionID, reviewPictureSide)
	})
}

func (v *ReviewView) newCard(s casefile.SearchRecord, c casefile.Candidate, probeKey string) *candidateCard {
	card := &candidateCard{candidate: c, status: widget.NewLabel(""), note: widget.NewEntry()}
	card.status.Wrapping = fyne.TextWrapWord
	card.note.SetPlaceHolder("note (optional)")
	decide := func(d casefile.Decision) func() {
		return func() { v.Decide(s.ID, c.SubjectID, d, card.note.Text) }
	}
	card.confirm = widget.NewButtonWithIcon("Confirm", theme.ConfirmIcon(), decide(casefile.DecisionConfirm))
	card.reject = widget.NewButtonWithIcon("Reject", theme.CancelIcon(), decide(casefile.DecisionReject))
	card.unsure = widget.NewButtonWithIcon("Inconclusive", theme.QuestionIcon(), decide(casefile.DecisionInconclusive))
	title := widget.NewLabelWithStyle(fmt.Sprintf("%d. %s — %s", c.Rank, c.Label, candidateScoreText(s, c)),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	probe := v.picture(probeKey, "probe face")
	photos := container.NewHBox()
	enrolments, err := v.backend.Enrolments(c.SubjectID)
	if err == nil {
		for _, e := range enrolments {
			key := fmt.Sprintf("enrolment %d", e.ID)
			photos.Add(v.picture(key, "enrolment "+fmt.Sprint(e.ID)+": "+e.Provenance.Source))
			e := e
			v.loadPicture(key, func(ctx context.Context) (image.Image, error) {
				return v.backend.EnrolmentImage(ctx, e, reviewPictureSide)
			})
		}
	}
	faces := container.NewHBox(probe, widget.NewSeparator(), photos)
	var echo fyne.CanvasObject = layoutSpacer()
	if echoes, err := v.backend.EnrolmentEchoes(s); err == nil {
		for _, e := range echoes {
			if e.SubjectID == c.SubjectID && e.EnrolmentID == c.EnrolmentID {
				l := wrapped(e.String())
				l.Importance = widget.WarningImportance
				echo = l
			}
		}
	}
	buttons := container.NewHBox(card.confirm, card.reject, card.unsure)
	notice := canvas.NewText(widgets.LeadNoticeText, theme.Color(theme.ColorNameWarning))
	notice.TextStyle = fyne.TextStyle{Italic: true}
	card.box = container.NewVBox(title, notice, echo, container.NewHScroll(faces), card.status,
		container.NewBorder(nil, nil, nil, buttons, card.note))
	v.updateStatus(card, s.ID)
	return card
}

// updateStatus shows where a candidate's review stands.
func (v *ReviewView) updateStatus(card *candidateCard, searchID uint64) {
	cr, err := v.backend.CandidateStatus(searchID, card.candidate.SubjectID)
	if err != nil {
		card.status.SetText("cannot read the review state: " + err.Error())
		return
	}
	card.status.SetText(reviewText(cr))
}

// Decide records a decision on a candidate under the reviewer's name.
func (v *ReviewView) Decide(searchID, subjectID uint64, d casefile.Decision, note string) {
	background("review decision", func() error {
		_, err := v.backend.Review(casefile.ReviewRequest{SearchID: searchID, SubjectID: subjectID, Decision: d, Note: note})
		return err
	}, func(err error) {
		if err != nil {
			dialogs.ShowError(v.win, err)
			return
		}
		for _, card := range v.cards {
			if card.candidate.SubjectID == subjectID {
				card.note.SetText("")
				v.updateStatus(card, searchID)
			}
		}
		if v.OnChanged != nil {
			v.OnChanged()
		}
	})
}

// layoutSpacer takes no room.
func layoutSpacer() fyne.CanvasObject { return container.NewWithoutLayout() }

// picture is an image slot filled once its picture is loaded.
func (v *ReviewView) picture(key, caption string) fyne.CanvasObject {
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(reviewPictureSide, reviewPictureSide))
	v.mu.Lock()
	img.Image = v.cache[key]
	v.mu.Unlock()
	cap := widget.NewLabel(caption)
	cap.Truncation = fyne.TextTruncateEllipsis
	cap.SizeName = theme.SizeNameCaptionText
	slot := container.NewVBox(img, cap)
	v.mu.Lock()
	v.slots = append(v.slots, pictureSlot{key, img})
	v.mu.Unlock()
	return container.NewGridWrap(fyne.NewSize(reviewPictureSide, reviewPictureSide+30), slot)
}

// loadPicture loads a picture once, in the background, and puts it in
// every slot waiting for it. Pictures that cannot be found leave their
// slot empty with its caption.
func (v *ReviewView) loadPicture(key string, load func(ctx context.Context) (image.Image, error)) {
	v.mu.Lock()
	if _, ok := v.cache[key]; ok || v.loading[key] {
		v.mu.Unlock()
		return
	}
	v.loading[key] = true
	v.mu.Unlock()
	go func() {
		img, err := load(v.ctx)
		v.mu.Lock()
		delete(v.loading, key)
		if err == nil {
			v.cache[key] = img
		}
		v.mu.Unlock()
		if err != nil {
			return
		}
		async.Do("review picture", func() {
			v.mu.Lock()
			slots := append([]pictureSlot(nil), v.slots...)
			v.mu.Unlock()
			for _, sl := range slots {
				if sl.key == key {
					sl.img.Image = img
					sl.img.Refresh()
				}
			}
		})
	}()
}
