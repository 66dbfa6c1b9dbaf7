package widgets

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TimelineTrack is one lane of the timeline: a tracked face (or any other
// kind of track) and the frame spans in which it is seen, drawn as bars of
// its colour after its label.
type TimelineTrack struct {
	ID    int
	Color color.RGBA
	// Label names the lane ("#3 Subject A"); Detail is shown in a card
	// while the pointer rests on the lane (first and last frame, best face).
	Label, Detail string
	// Spans are [first, last] frame pairs, in order.
	Spans [][2]int
}

// timelineRow is the height of one lane.
const timelineRow = 16

// timelineMaxRows caps the lanes drawn; further tracks share the last
// lane, labelled with how many there are.
const timelineMaxRows = 8

// timelineLabelWidth is the width of the lane labels left of the bars.
const timelineLabelWidth float32 = 120

// Timeline shows when each track is on screen, where the scene cuts are
// and where playback is, and seeks when tapped or dragged. Resting the
// pointer on a lane shows its track's Detail. Use it on the UI goroutine
// only.
type Timeline struct {
	widget.BaseWidget

	// OnSeek is called with the frame under a tap or drag.
	OnSeek func(frame int)

	frames int
	tracks []TimelineTrack
	cuts   []int
	pos    int

	hoverLane int // -1: none
	hoverAt   fyne.Position
	// gen counts changes beyond the marker: the renderer rebuilds its
	// objects only then, not on every frame's SetPosition.
	gen int
}

// NewTimeline makes an empty timeline.
func NewTimeline() *Timeline {
	t := &Timeline{hoverLane: -1}
	t.ExtendBaseWidget(t)
	return t
}

// SetTracks sets the length of the video in frames and the tracks.
func (t *Timeline) SetTracks(frames int, tracks []TimelineTrack) {
	t.frames, t.tracks = frames, tracks
	t.hoverLane = -1
	t.gen++
	t.Refresh()
}

// SetCuts marks the frames that start a new shot.
func (t *Timeline) SetCuts(frames []int) {
	t.cuts = frames
	t.gen++
	t.Refresh()
}

// SetPosition moves the playback marker to frame.
func (t *Timeline) SetPosition(frame int) {
	if frame == t.pos {
		return
	}
	t.pos = frame
	t.Refresh()
}

// Frame is the frame the marker is on.
func (t *Timeline) Frame() int { return t.pos }

// barsWidth is the width of the bar area right of the labels.
func (t *Timeline) barsWidth() float32 { return max(0, t.Size().Width-timelineLabelWidth) }

// FrameAt is the frame under x (a position in the widget).
func (t *Timeline) FrameAt(x float32) int {
	w := t.barsWidth()
	if t.frames <= 1 || w <= 0 {
		return 0
	}
	f := int((x-timelineLabelWidth)/w*float32(t.frames-1) + 0.5)
	return max(0, min(t.frames-1, f))
}

func (t *Timeline) xOf(frame int) float32 {
	if t.frames <= 1 {
		return timelineLabelWidth
	}
	return timelineLabelWidth + float32(frame)/float32(t.frames-1)*t.barsWidth()
}

// Tapped seeks to the frame under the tap.
func (t *Timeline) Tapped(ev *fyne.PointEvent) {
	unfocus(t)
	t.seek(ev.Position.X)
}

// Dragged seeks while the marker is dragged.
func (t *Timeline) Dragged(ev *fyne.DragEvent) { t.seek(ev.Position.X) }

// DragEnd is part of fyne.Draggable.
func (t *Timeline) DragEnd() {}

func (t *Timeline) seek(x float32) {
	if t.frames == 0 {
		return
	}
	f := t.FrameAt(x)
	t.SetPosition(f)
	if t.OnSeek != nil {
		t.OnSeek(f)
	}
}

// MouseIn is part of desktop.Hoverable.
func (t *Timeline) MouseIn(ev *desktop.MouseEvent) { t.MouseMoved(ev) }

// MouseMoved shows the card of the lane under the pointer.
func (t *Timeline) MouseMoved(ev *desktop.MouseEvent) {
	lane := t.laneAt(ev.Position.Y)
	if lane == t.hoverLane && ev.Position == t.hoverAt {
		return
	}
	t.hoverLane, t.hoverAt = lane, ev.Position
	t.gen++
	t.Refresh()
}

// MouseOut hides the card.
func (t *Timeline) MouseOut() {
	if t.hoverLane >= 0 {
		t.hoverLane = -1
		t.gen++
		t.Refresh()
	}
}

// laneAt is the lane under y, or -1.
func (t *Timeline) laneAt(y float32) int {
	row := int((y - 2) / timelineRow)
	if y < 2 || row >= t.rows() || row >= len(t.tracks) {
		return -1
	}
	return row
}

// Hovered is the card text of the lane under the pointer, if any.
func (t *Timeline) Hovered() (string, bool) {
	if t.hoverLane < 0 || t.hoverLane >= len(t.tracks) {
		return "", false
	}
	if t.hoverLane == timelineMaxRows-1 && len(t.tracks) > timelineMaxRows {
		return fmt.Sprintf("%d more (people or faces) share this lane", len(t.tracks)-timelineMaxRows+1), true
	}
	tr := t.tracks[t.hoverLane]
	return tr.Detail, tr.Detail != ""
}

// laneLabel is the label drawn for lane row.
func (t *Timeline) laneLabel(row int) string {
	if row == timelineMaxRows-1 && len(t.tracks) > timelineMaxRows {
		return fmt.Sprintf("+%d more", len(t.tracks)-timelineMaxRows+1)
	}
	tr := t.tracks[row]
	if tr.Label != "" {
		return tr.Label
	}
	return fmt.Sprintf("#%d", tr.ID)
}

func (t *Timeline) rows() int { return max(1, min(len(t.tracks), timelineMaxRows)) }

// MinSize is one lane per track, up to a limit.
func (t *Timeline) MinSize() fyne.Size {
	return fyne.NewSize(timelineLabelWidth+120, float32(t.rows()*timelineRow+4))
}

// CreateRenderer is part of fyne.Widget.
func (t *Timeline) CreateRenderer() fyne.WidgetRenderer {
	r := &timelineRenderer{t: t, gen: -1, bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		marker: canvas.NewRectangle(theme.Color(theme.ColorNameForeground)),
		cardBg: canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground)), card: widget.NewLabel("")}
	r.cardBg.StrokeColor = theme.Color(theme.ColorNameForeground)
	r.cardBg.StrokeWidth = 1
	r.Refresh()
	return r
}

type timelineRenderer struct {
	t      *Timeline
	gen    int // the Timeline's gen the objects were built for
	bg     *canvas.Rectangle
	labels []*canvas.Text
	bars   []*canvas.Rectangle
	owner  []int // row of each bar
	spans  [][2]int
	cuts   []*canvas.Rectangle
	marker *canvas.Rectangle
	cardBg *canvas.Rectangle
	card   *widget.Label
}

func (r *timelineRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	for i, l := range r.labels {
		l.Move(fyne.NewPos(4, float32(2+i*timelineRow)))
		l.Resize(fyne.NewSize(timelineLabelWidth-8, timelineRow))
	}
	for i, b := range r.bars {
		x0, x1 := r.t.xOf(r.spans[i][0]), r.t.xOf(r.spans[i][1])
		b.Move(fyne.NewPos(x0, float32(2+r.owner[i]*timelineRow+2)))
		b.Resize(fyne.NewSize(max(2, x1-x0), timelineRow-4))
	}
	for i, c := range r.cuts {
		c.Move(fyne.NewPos(r.t.xOf(r.t.cuts[i])-0.5, 0))
		c.Resize(fyne.NewSize(1, size.Height))
	}
	r.marker.Move(fyne.NewPos(r.t.xOf(r.t.pos)-1, 0))
	r.marker.Resize(fyne.NewSize(2, size.Height))
	if !r.card.Hidden {
		cs := r.card.MinSize()
		pos := fyne.NewPos(max(0, min(r.t.hoverAt.X+12, size.Width-cs.Width)), 0)
		r.card.Move(pos)
		r.card.Resize(cs)
		r.cardBg.Move(pos)
		r.cardBg.Resize(cs)
	}
}

func (r *timelineRenderer) MinSize() fyne.Size { return r.t.MinSize() }

func (r *timelineRenderer) Refresh() {
	if r.gen == r.t.gen {
		// Only the marker moved.
		r.marker.Move(fyne.NewPos(r.t.xOf(r.t.pos)-1, 0))
		r.marker.Refresh()
		return
	}
	r.gen = r.t.gen
	fg := theme.Color(theme.ColorNameForeground)
	r.bars, r.owner, r.spans = r.bars[:0], r.owner[:0], r.spans[:0]
	r.labels = r.labels[:0]
	for row := 0; row < len(r.t.tracks) && row < timelineMaxRows; row++ {
		l := canvas.NewText(r.t.laneLabel(row), fg)
		l.TextSize = theme.CaptionTextSize()
		r.labels = append(r.labels, l)
	}
	for i, tr := range r.t.tracks {
		row := min(i, timelineMaxRows-1)
		for _, s := range tr.Spans {
			r.bars = append(r.bars, canvas.NewRectangle(tr.Color))
			r.owner = append(r.owner, row)
			r.spans = append(r.spans, s)
		}
	}
	r.cuts = r.cuts[:0]
	for range r.t.cuts {
		r.cuts = append(r.cuts, canvas.NewRectangle(theme.Color(theme.ColorNameWarning)))
	}
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.marker.FillColor = fg
	text, show := r.t.Hovered()
	r.card.SetText(text)
	r.card.Hidden, r.cardBg.Hidden = !show, !show
	r.Layout(r.t.Size())
	canvas.Refresh(r.t)
}

func (r *timelineRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, len(r.bars)+len(r.labels)+len(r.cuts)+4)
	objs = append(objs, r.bg)
	for _, l := range r.labels {
		objs = append(objs, l)
	}
	for _, b := range r.bars {
		objs = append(objs, b)
	}
	for _, c := range r.cuts {
		objs = append(objs, c)
	}
	return append(objs, r.marker, r.cardBg, r.card)
}

func (r *timelineRenderer) Destroy() {}
