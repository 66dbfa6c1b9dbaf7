package views

import (
	"context"
	"fmt"
	"image"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/media"
	"facecase/ui/async"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// facePanelWidth is the face panel's fixed width: the picture beside it
// keeps its place whether the panel is empty or full.
const facePanelWidth float32 = 360

// ViewerView shows one evidence item: a photo, or a video with play,
// pause, seek and frame steps; face boxes coloured and labelled by state,
// optional landmarks, each live track's path as dots of its colour with a
// short fading tail, and a timeline with a labelled lane per track. Tapping
// a face opens the face panel. The keyboard drives it (see HandleKey) and
// the mouse wheel zooms.
type ViewerView struct {
	win     fyne.Window
	backend ViewerBackend
	ctx     context.Context

	faces    *widgets.FaceView
	panel    *FacePanel
	timeline *widgets.Timeline
	title    *widget.Label
	position *widget.Label
	zoom     *widget.Label
	playBtn  *widget.Button
	controls *fyne.Container
	content  fyne.CanvasObject

	ev      casefile.Evidence
	loaded  bool
	frames  int
	fps     float64
	playing bool
	player  *player
	dets    []casefile.Detection // faces of the frame on screen
	frame   int
	shownAt time.Duration
	image   *image.RGBA // frame on screen

	states atomic.Pointer[faceStates]
	vt     videoTracks // read by the player goroutine; replaced, never changed
	vp     videoPeople // the same for the people
	people *PeopleList
	best   map[uint64]casefile.Detection

	// OnSearchAll, when set, searches every usable face of the item shown
	// (the case window runs it in the evidence view's task bar).
	OnSearchAll func(evidenceID uint64)

	// afterFrame, when set, runs after each frame is put on screen
	// (benchmarks draw the overlay there, as the painter would).
	afterFrame func()

	// loadSeq ignores photo loads that finish after another item was opened.
	loadSeq atomic.Int64

	sideTabs *container.AppTabs
}

// NewViewerView builds the viewer.
func NewViewerView(ctx context.Context, win fyne.Window, backend ViewerBackend) *ViewerView {
	v := &ViewerView{win: win, backend: backend, ctx: ctx}
	v.faces = widgets.NewFaceView()
	v.faces.OnFaceTapped = v.SelectMark
	v.panel = NewFacePanel(ctx, win, backend)
	v.panel.OnChanged = v.reloadStates
	v.timeline = widgets.NewTimeline()
	v.timeline.OnSeek = v.Seek
	v.title = widget.NewLabelWithStyle("Choose an item in Evidence to view it.", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.position = widget.NewLabel("")
	v.zoom = widget.NewLabel("")
	v.faces.OnZoom = func(z float64) { v.showZoom(z) }
	landmarks := widget.NewCheck("Landmarks", v.faces.SetShowLandmarks)
	legend := container.NewHBox(legendChip("unknown", colorUnknown), legendChip("candidate", colorCandidate),
		legendChip("confirmed", colorConfirmed))
	v.playBtn = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), async.Handler("play/pause", v.TogglePlay))
	back := widget.NewButtonWithIcon("", theme.MediaSkipPreviousIcon(), func() { v.Step(-1) })
	fwd := widget.NewButtonWithIcon("", theme.MediaSkipNextIcon(), func() { v.Step(1) })
	keys := widget.NewLabel("Space play/pause · ←/→ frame · Shift+←/→ second · Home/End · +/− or wheel zoom, drag to pan")
	keys.SizeName = theme.SizeNameCaptionText
	keys.Importance = widget.LowImportance
	// The position's room is fixed: its text changes with every frame.
	v.position.SetText("00:00:00.000 · frame 00000 / 00000")
	position := container.NewGridWrap(v.position.MinSize(), v.position)
	v.position.SetText("")
	v.controls = container.NewVBox(container.NewBorder(nil, nil, container.NewHBox(back, v.playBtn, fwd), position, v.timeline), keys)
	v.controls.Hide()
	searchAll := widget.NewButtonWithIcon("Search all faces", theme.SearchIcon(), func() {
		if v.loaded && v.OnSearchAll != nil {
			v.OnSearchAll(v.ev.ID)
		}
	})
	top := container.NewBorder(nil, nil, nil, container.NewHBox(v.zoom, legend, landmarks, searchAll), v.title)
	v.people = NewPeopleList(ctx, backend)
	v.people.OnSelect = func(p casefile.PersonTrack) {
		v.Seek(int(p.FirstFrame))
		v.SelectPerson(p.ID, false)
	}
	v.sideTabs = container.NewAppTabs(container.NewTabItem("Face", v.panel.Content()), container.NewTabItem("People", v.people.Content()))
	side := container.New(&fixedWidthLayout{width: facePanelWidth}, v.sideTabs)
	v.content = container.NewBorder(top, v.controls, nil, side, v.faces)
	return v
}

// Content is the view's root object.
func (v *ViewerView) Content() fyne.CanvasObject { return v.content }

// FaceView is the image widget (for the tour).
func (v *ViewerView) FaceView() *widgets.FaceView { return v.faces }

// Panel is the face panel.
func (v *ViewerView) Panel() *FacePanel { return v.panel }

// Frame is the index of the frame on screen.
func (v *ViewerView) Frame() int { return v.frame }

// People is the People list beside the picture.
func (v *ViewerView) People() *PeopleList { return v.people }

// ShowPeople brings the People list to the front.
func (v *ViewerView) ShowPeople() { v.sideTabs.SelectIndex(1) }

// PlayerStats are the current video's playback figures.
func (v *ViewerView) PlayerStats() PlayerStats {
	if v.player == nil {
		return PlayerStats{}
	}
	return v.player.Stats()
}

func (v *ViewerView) showZoom(z float64) {
	if z <= widgets.MinZoom {
		v.zoom.SetText("")
		return
	}
	v.zoom.SetText(fmt.Sprintf("zoom %.1f×", z))
}

// Show opens an evidence item. Loading runs off the UI goroutine; loaded
// (may be nil) is called on the UI goroutine once the first picture is on
// screen, or with the error.
func (v *ViewerView) Show(evidenceID uint64, loaded func(error)) {
	v.stopPlayer()
	v.panel.Clear()
	v.faces.ClearSelection()
	v.faces.ResetZoom()
	v.faces.SetScene(widgets.Scene{})
	v.controls.Hide()
	seq := v.loadSeq.Add(1)
	fail := func(err error) {
		async.Do("viewer load failed", func() {
			if v.loadSeq.Load() != seq {
				return
			}
			v.title.SetText(fmt.Sprintf("%s: cannot show it: %v", v.ev.Name, err))
			if loaded != nil {
				loaded(err)
			}
		})
	}
	go func() {
		ev, err := v.backend.Evidence(evidenceID)
		if err != nil {
			fail(err)
			return
		}
		async.Do("viewer title", func() {
			v.ev = ev
			v.title.SetText(ev.Name + " · loading…")
		})
		v.reloadStatesNow(ev.ID)
		switch ev.Kind {
		case casefile.KindVideo:
			err = v.openVideo(ev, seq, loaded)
		default:
			err = v.openPhoto(ev, seq, loaded)
		}
		if err != nil {
			fail(err)
		}
	}()
}

// openPhoto decodes the photo and its faces (off the UI goroutine).
func (v *ViewerView) openPhoto(ev casefile.Evidence, seq int64, loaded func(error)) error {
	m, err := media.LoadImage(v.backend.EvidencePath(ev))
	if err != nil {
		return err
	}
	defer m.Close()
	img, err := session.ToRGBA(m, nil)
	if err != nil {
		return err
	}
	dets, err := v.backend.FrameDetections(ev.ID, 0)
	if err != nil {
		return err
	}
	scene := widgets.Scene{Image: img, Faces: faceMarks(dets, v.states.Load())}
	async.Do("viewer photo", func() {
		if v.loadSeq.Load() != seq {
			return
		}
		v.ev, v.loaded, v.frames, v.vt, v.vp = ev, true, 1, videoTracks{}, videoPeople{}
		v.people.Set(ev, nil)
		v.showFrame(shownFrame{Index: 0, Scene: scene}, dets)
		v.title.SetText(fmt.Sprintf("%s · photo %dx%d · %d faces", ev.Name, img.Rect.Dx(), img.Rect.Dy(), len(dets)))
		if loaded != nil {
			loaded(nil)
		}
	})
	return nil
}

// showFrame puts a frame on screen (UI goroutine). dets are the frame's
// detections when known; otherwise they are read when a face is tapped.
func (v *ViewerView) showFrame(f shownFrame, dets []casefile.Detection) {
	v.frame, v.shownAt = f.Index, f.Time
	v.dets = dets
	if img, ok := f.Scene.Image.(*image.RGBA); ok {
		v.image = img
	}
	v.faces.SetScene(f.Scene)
	if v.afterFrame != nil {
		v.afterFrame()
	}
	if sel, ok := v.faces.Selected(); ok && !sceneHas(f.Scene, sel) {
		v.faces.ClearSelection()
	}
	if v.frames > 1 {
		v.timeline.SetPosition(f.Index)
		setText(v.position, fmt.Sprintf("%s / %d", frameTime(f.Time, f.Index), v.frames-1))
	} else {
		setText(v.position, "")
	}
}

func sceneHas(s widgets.Scene, id int) bool {
	for _, f := range s.Faces {
		if f.ID == id {
			return true
		}
	}
	return false
}

// fixedWidthLayout gives its objects a fixed width whatever their content
// asks for, so what lies beside it never moves.
type fixedWidthLayout struct{ width float32 }

func (l *fixedWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *fixedWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.width, h)
}
