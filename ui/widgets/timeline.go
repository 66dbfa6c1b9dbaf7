package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TimelineTrack is one track's presence on screen: the frame spans in
// which it is seen, drawn as bars of its colour.
type TimelineTrack struct {
	ID    int
	Color color.RGBA
	// Spans are [first, last] frame pairs, in order.
	Spans [][2]int
}

// timelineRow is the height of one track's row.
const timelineRow = 8

// timelineMaxRows caps the rows drawn; further tracks share the last row.
const timelineMaxRows = 12

// Timeline shows when each track is on screen and where playback is, and
// seeks when tapped or dragged. Use it on the UI goroutine only.
type Timeline struct {
	widget.BaseWidget

	// OnSeek is called with the frame under a tap or drag.
	OnSeek func(frame int)

	frames int
	tracks []TimelineTrack
	pos    int
}

// NewTimeline makes an empty timeline.
func NewTimeline() *Timeline {
	t := &Timeline{}
	t.ExtendBaseWidget(t)
	return t
}

// SetTracks sets the length of the video in frames and the tracks.
func (t *Timeline) SetTracks(frames int, tracks []TimelineTrack) {
	t.frames, t.tracks = frames, tracks
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

// FrameAt is the frame under x.
func (t *Timeline) FrameAt(x float32) int {
	w := t.Size().Width
	if t.frames <= 1 || w <= 0 {
		return 0
	}
	f := int(x/w*float32(t.frames-1) + 0.5)
	return max(0, min(t.frames-1, f))
}

func (t *Timeline) xOf(frame int) float32 {
	if t.frames <= 1 {
		return 0
	}
	return float32(frame) / float32(t.frames-1) * t.Size().Width
}

// Tapped seeks to the frame under the tap.
func (t *Timeline) Tapped(ev *fyne.PointEvent) { t.seek(ev.Position.X) }

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

func (t *Timeline) rows() int { return max(1, min(len(t.tracks), timelineMaxRows)) }

// MinSize is one row per track, up to a limit.
func (t *Timeline) MinSize() fyne.Size {
	return fyne.NewSize(120, float32(t.rows()*timelineRow+4))
}

// CreateRenderer is part of fyne.Widget.
func (t *Timeline) CreateRenderer() fyne.WidgetRenderer {
	r := &timelineRenderer{t: t, bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		marker: canvas.NewRectangle(theme.Color(theme.ColorNameForeground))}
	r.Refresh()
	return r
}

type timelineRenderer struct {
	t      *Timeline
	bg     *canvas.Rectangle
	bars   []*canvas.Rectangle
	owner  []int // row of each bar
	spans  [][2]int
	marker *canvas.Rectangle
}

func (r *timelineRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	for i, b := range r.bars {
		x0, x1 := r.t.xOf(r.spans[i][0]), r.t.xOf(r.spans[i][1])
		b.Move(fyne.NewPos(x0, float32(2+r.owner[i]*timelineRow)))
		b.Resize(fyne.NewSize(max(2, x1-x0), timelineRow-2))
	}
	r.marker.Move(fyne.NewPos(r.t.xOf(r.t.pos)-1, 0))
	r.marker.Resize(fyne.NewSize(2, size.Height))
}

func (r *timelineRenderer) MinSize() fyne.Size { return r.t.MinSize() }

func (r *timelineRenderer) Refresh() {
	r.bars, r.owner, r.spans = r.bars[:0], r.owner[:0], r.spans[:0]
	for i, tr := range r.t.tracks {
		row := min(i, timelineMaxRows-1)
		for _, s := range tr.Spans {
			r.bars = append(r.bars, canvas.NewRectangle(tr.Color))
			r.owner = append(r.owner, row)
			r.spans = append(r.spans, s)
		}
	}
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.marker.FillColor = theme.Color(theme.ColorNameForeground)
	r.Layout(r.t.Size())
	canvas.Refresh(r.t)
}

func (r *timelineRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, len(r.bars)+2)
	objs = append(objs, r.bg)
	for _, b := range r.bars {
		objs = append(objs, b)
	}
	return append(objs, r.marker)
}

func (r *timelineRenderer) Destroy() {}
