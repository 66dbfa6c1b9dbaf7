package views

import (
	"context"
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/ui/async"
	"facecase/ui/session"
)

// peopleThumbSide is the side of a People row's picture.
const peopleThumbSide = 56

// PeopleList lists the people followed in the video on screen, one row
// each: a picture (their best face, else their whole body), when they were
// first and last seen, how far they walked, and who they are according to
// the reviews of their faces' searches (a person is identified only
// through a confirmed face). Tapping a row goes to the person.
type PeopleList struct {
	ctx     context.Context
	backend ViewerBackend
	list    *widget.List
	summary *widget.Label
	content fyne.CanvasObject

	ev       casefile.Evidence
	people   []casefile.PersonTrack
	states   *faceStates
	thumbs   map[uint64]image.Image
	selected uint64
	cancel   context.CancelFunc // stops the thumbnails of the previous video

	// OnSelect is called (UI goroutine) when a row is tapped.
	OnSelect func(casefile.PersonTrack)
}

// NewPeopleList builds an empty list.
func NewPeopleList(ctx context.Context, backend ViewerBackend) *PeopleList {
	l := &PeopleList{ctx: ctx, backend: backend, thumbs: map[uint64]image.Image{}}
	l.summary = widget.NewLabel("People appear here for videos analysed with people tracking.")
	l.summary.Wrapping = fyne.TextWrapWord
	l.list = widget.NewList(func() int { return len(l.people) },
		func() fyne.CanvasObject { return newPersonRow() },
		func(i widget.ListItemID, o fyne.CanvasObject) { l.fill(o.(*personRow), i) })
	l.list.OnSelected = func(i widget.ListItemID) {
		if i < len(l.people) && l.OnSelect != nil {
			l.OnSelect(l.people[i])
		}
	}
	l.content = container.NewBorder(l.summary, nil, nil, nil, l.list)
	return l
}

// Content is the list's root object.
func (l *PeopleList) Content() fyne.CanvasObject { return l.content }

// Len is the number of people listed.
func (l *PeopleList) Len() int { return len(l.people) }

// Row is row i's title and detail lines as shown (for tests and the
// tour): when the person was seen, then on a line of its own how far they
// walked and their faces.
func (l *PeopleList) Row(i int) (title, detail string) {
	r := newPersonRow()
	l.fill(r, i)
	return r.title.Text, r.detail.Text
}

// Set shows the people of a video (UI goroutine); nil for none. Their
// pictures are cut from the video off the UI goroutine.
func (l *PeopleList) Set(ev casefile.Evidence, people []casefile.PersonTrack) {
	if l.cancel != nil {
		l.cancel()
	}
	l.ev, l.people, l.thumbs, l.selected = ev, people, map[uint64]image.Image{}, 0
	l.list.UnselectAll()
	switch {
	case ev.Kind != casefile.KindVideo:
		l.summary.SetText("People are followed in videos.")
	case len(people) == 0:
		l.summary.SetText("Nobody was followed in this video (or it was analysed before people tracking).")
	default:
		l.summary.SetText(fmt.Sprintf("%d people followed. Tap one to go to them; their best face is the one to search with.", len(people)))
	}
	l.list.Refresh()
	if len(people) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(l.ctx)
	l.cancel = cancel
	go l.loadThumbs(ctx, ev, people)
}

// SetStates redraws the identities after a search or review.
func (l *PeopleList) SetStates(st *faceStates) {
	l.states = st
	l.list.Refresh()
}

// Select marks a person's row (UI goroutine).
func (l *PeopleList) Select(personID uint64) {
	for i, p := range l.people {
		if p.ID == personID && l.selected != personID {
			l.selected = personID
			onSelect := l.OnSelect
			l.OnSelect = nil // selecting a row here must not jump again
			l.list.Select(i)
			l.list.ScrollTo(i)
			l.OnSelect = onSelect
		}
	}
}

// loadThumbs cuts each person's picture in turn; a new video cancels it.
func (l *PeopleList) loadThumbs(ctx context.Context, ev casefile.Evidence, people []casefile.PersonTrack) {
	for i := range people {
		if ctx.Err() != nil {
			return
		}
		view := people[i].Body
		if face := people[i].BestFace; face != nil {
			dets, err := l.backend.FrameDetections(ev.ID, face.Frame)
			if err == nil && usableFaceAt(dets, *face) {
				view = *face
			}
		}
		img, err := l.backend.PersonCrop(ctx, ev.ID, view, 2*peopleThumbSide)
		if err != nil {
			continue
		}
		id := people[i].ID
		async.Do("people thumbnail", func() {
			if ctx.Err() != nil {
				return
			}
			l.thumbs[id] = img
			l.list.RefreshItem(i)
		})
	}
}

// usableFaceAt reports whether the face seen at view is one the quality
// check passed. A face too small or blurred to search with (a few pixels
// high in CCTV, or a false detection on the person) makes a smudge of a
// picture: the body shows who the person is better.
func usableFaceAt(dets []casefile.Detection, view casefile.PersonView) bool {
	best, at := 0.5, -1
	for i, d := range dets {
		if view.FaceTrackID != 0 && d.TrackID == view.FaceTrackID {
			at = i
			break
		}
		if iou := d.Box.IoU(view.Box); iou >= best {
			best, at = iou, i
		}
	}
	return at >= 0 && dets[at].Quality.Usable
}

// fill writes row i.
func (l *PeopleList) fill(r *personRow, i int) {
	if i >= len(l.people) {
		return
	}
	p := &l.people[i]
	m := personMatch(p, l.states)
	r.title.SetText(personTitle(p.ID, m))
	first, last := frameTime(0, int(p.FirstFrame)), frameTime(0, int(p.LastFrame))
	if n := len(p.Path); n > 0 {
		first, last = clockTime(p.Path[0].Time), clockTime(p.Path[n-1].Time)
	}
	faces := "face never seen"
	if n := len(p.Faces); n > 0 {
		faces = fmt.Sprintf("%d face track%s", n, map[bool]string{true: "s", false: ""}[n > 1])
	}
	r.detail.SetText(fmt.Sprintf("%s – %s\nwalked %.0f px · %s", first, last, p.PathLength(), faces))
	r.thumb.Image = l.thumbs[p.ID]
	r.thumb.Refresh()
}

// personTitle is a row's first line: the person and who they are.
func personTitle(id uint64, m session.FaceMatch) string {
	switch m.State {
	case session.FaceConfirmed:
		return fmt.Sprintf("P%d · confirmed: %s", id, m.Subject)
	case session.FaceCandidate:
		return fmt.Sprintf("P%d · candidate %s (lead, awaiting review)", id, m.Subject)
	}
	return fmt.Sprintf("P%d · not identified", id)
}

// personRow is one row of the People list.
type personRow struct {
	widget.BaseWidget
	thumb  *canvas.Image
	title  *widget.Label
	detail *widget.Label // first and last seen; distance walked and faces
}

func newPersonRow() *personRow {
	// Two lines of detail from the start: the list sizes every row like
	// the template.
	r := &personRow{thumb: canvas.NewImageFromImage(nil), title: widget.NewLabel(""), detail: widget.NewLabel("\n")}
	r.thumb.FillMode = canvas.ImageFillContain
	r.thumb.SetMinSize(fyne.NewSquareSize(peopleThumbSide))
	r.title.TextStyle = fyne.TextStyle{Bold: true}
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.detail.SizeName = theme.SizeNameCaptionText
	r.ExtendBaseWidget(r)
	return r
}

func (r *personRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, r.thumb, nil, container.NewVBox(r.title, r.detail)))
}
