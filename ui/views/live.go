package views

import (
	"context"
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/media"
	"facecase/recognition/scorenorm"
	"facecase/tracking"
	"facecase/ui/async"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// liveTrail is how many frames of each path the live view draws.
const liveTrail = 150

// LiveView shows a USB or IP camera with face boxes and paths as they
// happen, raises a banner when someone on the watchlist may be in view
// (worded as a lead to check) and can record the session: the recording is
// written beside the case file and, when the camera stops, taken into the
// case as evidence and analysed like any video.
type LiveView struct {
	win      fyne.Window
	backend  LiveBackend
	analyzer func() (media.FaceAnalyzer, error)
	ctx      context.Context

	// OnRecorded is called with the recording's path when a recorded
	// session ends (the app takes it in as evidence).
	OnRecorded func(path string)
	// openSource opens the camera (media.Open).
	openSource func(ctx context.Context, uri string) (media.Source, error)

	kind    *widget.RadioGroup
	usb     *widget.Select
	url     *widget.Entry
	record  *widget.Check
	startB  *widget.Button
	stopB   *widget.Button
	status  *widget.Label
	banner  *fyne.Container
	bannerT *canvas.Text
	faces   *widgets.FaceView
	content fyne.CanvasObject

	mu      sync.Mutex
	cancel  context.CancelFunc
	running bool
	done    chan struct{}
}

// Source kinds in the picker.
const (
	liveUSB = "USB camera"
	liveURL = "Camera URL"
)

// NewLiveView builds the live view; analyzer gives the engine for live
// frames (loaded on first use, off the UI goroutine).
func NewLiveView(ctx context.Context, win fyne.Window, backend LiveBackend, analyzer func() (media.FaceAnalyzer, error)) *LiveView {
	v := &LiveView{win: win, backend: backend, analyzer: analyzer, ctx: ctx}
	v.openSource = func(ctx context.Context, uri string) (media.Source, error) {
		return media.Open(ctx, uri, media.SourceOptions{})
	}
	v.usb = widget.NewSelect([]string{"0", "1", "2", "3", "4", "5", "6", "7"}, nil)
	v.usb.SetSelectedIndex(0)
	v.url = widget.NewEntry()
	v.url.SetPlaceHolder("rtsp://… or http://… (MJPEG)")
	v.kind = widget.NewRadioGroup([]string{liveUSB, liveURL}, func(s string) {
		if s == liveURL {
			v.usb.Disable()
			v.url.Enable()
		} else {
			v.url.Disable()
			v.usb.Enable()
		}
	})
	v.kind.Horizontal = true
	v.kind.SetSelected(liveUSB)
	v.record = widget.NewCheck("Record into the case", nil)
	v.startB = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), func() { v.Start(v.URI()) })
	v.startB.Importance = widget.HighImportance
	v.stopB = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), v.Stop)
	v.stopB.Disable()
	v.status = widget.NewLabel("Not running.")
	v.status.Wrapping = fyne.TextWrapWord
	v.bannerT = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	v.bannerT.TextStyle = fyne.TextStyle{Bold: true}
	v.banner = container.NewStack(canvas.NewRectangle(colorCandidate), container.NewPadded(v.bannerT))
	v.banner.Hide()
	v.faces = widgets.NewFaceView()
	picker := container.NewBorder(nil, nil, v.kind, container.NewHBox(v.record, v.startB, v.stopB),
		container.NewGridWithColumns(2, v.usb, v.url))
	v.content = container.NewBorder(container.NewVBox(picker, v.status, v.banner), nil, nil, nil, v.faces)
	return v
}

// Content is the view's root object.
func (v *LiveView) Content() fyne.CanvasObject { return v.content }

// statusText is the status line.
func (v *LiveView) statusText() string { return v.status.Text }

// bannerText is the watchlist banner's text, empty when hidden.
func (v *LiveView) bannerText() string {
	if !v.banner.Visible() {
		return ""
	}
	return v.bannerT.Text
}

// Running reports whether a camera is being read.
func (v *LiveView) Running() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.running
}

// URI is the source chosen in the picker.
func (v *LiveView) URI() string {
	if v.kind.Selected == liveURL {
		return strings.TrimSpace(v.url.Text)
	}
	return v.usb.Selected
}

// Start reads the camera at uri (an index, /dev/videoN or a URL).
func (v *LiveView) Start(uri string) {
	if uri == "" {
		v.status.SetText("Enter a camera URL first.")
		return
	}
	v.mu.Lock()
	if v.running {
		v.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(v.ctx)
	v.cancel, v.running, v.done = cancel, true, make(chan struct{})
	done := v.done
	v.mu.Unlock()
	v.startB.Disable()
	v.stopB.Enable()
	v.banner.Hide()
	v.status.SetText("Connecting to " + describeCamera(uri) + "…")
	record := v.record.Checked
	go func() {
		defer close(done)
		err := v.run(ctx, uri, record)
		async.Do("live ended", func() {
			v.mu.Lock()
			v.running = false
			v.mu.Unlock()
			v.startB.Enable()
			v.stopB.Disable()
			switch {
			case err == nil || errors.Is(err, context.Canceled):
				v.status.SetText("Stopped.")
			default:
				v.status.SetText("Camera error: " + err.Error())
			}
		})
	}()
}

// Stop stops reading the camera; Wait for it to end.
func (v *LiveView) Stop() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.cancel != nil {
		v.cancel()
	}
}

// Wait returns once the camera loop has ended (any goroutine but the UI's).
func (v *LiveView) Wait() {
	v.mu.Lock()
	done := v.done
	v.mu.Unlock()
	if done != nil {
		<-done
	}
}

func describeCamera(uri string) string {
	if _, err := strconv.Atoi(uri); err == nil {
		return "USB camera " + uri
	}
	return uri
}

// run is the camera loop: read, analyse, track, compare with the
// watchlist, draw, record.
func (v *LiveView) run(ctx context.Context, uri string, record bool) error {
	src, err := v.openSource(ctx, uri)
	if err != nil {
		return err
	}
	defer src.Close()
	eng, err := v.analyzer()
	if err != nil {
		return err
	}
	cohort, err := session.Cohort()
	if err != nil {
		return err
	}
	r := &liveRun{v: v, ctx: ctx, uri: uri, src: src, info: src.Info(), cohort: cohort,
		searchFMR: v.backend.UserSettings().SearchFMR, alerted: map[int]bool{},
		ready: make(chan struct{}, 1), start: time.Now()}
	r.ready <- struct{}{}
	if record {
		if err := r.startRecording(); err != nil {
			return err
		}
	}
	defer r.finishRecording()
	_, err = media.Scan(ctx, src, eng, media.ScanOptions{OnFrame: r.onFrame})
	return err
}

// liveRun is one run of the camera loop.
type liveRun struct {
	v      *LiveView
	ctx    context.Context
	uri    string
	src    media.Source
	info   media.Info
	cohort *scorenorm.Cohort

	rec     *media.VideoWriter // nil: not recording
	recPath string

	searchFMR float64
	alerted   map[int]bool // tracks a banner was raised for
	// ready holds a token while the screen can take a frame.
	ready  chan struct{}
	bufs   [playerFrameBuffers]*image.RGBA
	next   int
	frames int
	start  time.Time
}

// startRecording creates the recording beside the case file.
func (r *liveRun) startRecording() error {
	fps := r.info.FPS
	if fps <= 0 {
		fps = 15
	}
	path := filepath.Join(filepath.Dir(r.v.backend.Path()), fmt.Sprintf("live-%s.avi", time.Now().Format("20060102-150405")))
	rec, err := media.CreateVideo(path, fps, r.info.Width, r.info.Height)
	if err != nil {
		return err
	}
	r.rec, r.recPath = rec, path
	return nil
}

// finishRecording closes the recording and hands it to OnRecorded unless
// it holds no frame.
func (r *liveRun) finishRecording() {
	if r.rec == nil {
		return
	}
	if err := r.rec.Close(); err != nil || r.rec.Frames() == 0 {
		return
	}
	if r.v.OnRecorded != nil {
		path := r.recPath
		async.Do("live recorded", func() { r.v.OnRecorded(path) })
	}
}

// onFrame records a scanned frame, checks its new tracks against the
// watchlist and shows it when the screen is free.
func (r *liveRun) onFrame(sf media.ScanFrame) error {
	if r.rec != nil {
		if err := r.rec.Write(sf.Frame.Mat); err != nil {
			r.rec.Abort()
			r.rec = nil
			return err
		}
	}
	r.frames++
	r.checkWatchlist(sf.Tracks)
	select {
	case <-r.ready:
	default:
		return nil // the screen is still busy: show a later frame
	}
	return r.show(sf)
}

// checkWatchlist raises the banner for the first track that may be someone
// on the watchlist, once per track.
func (r *liveRun) checkWatchlist(tracks []tracking.Track) {
	for _, t := range tracks {
		tmpl, ok := t.Best.Template()
		if r.alerted[t.ID] || !ok {
			continue
		}
		// Scored as a watchlist search is (normalised score, search
		// operating point); the tracker itself keeps raw distances.
		c, point, err := r.v.backend.Candidates(r.ctx, tmpl, r.searchFMR, r.cohort, 1)
		if err == nil && len(c) > 0 {
			r.alerted[t.ID] = true
			text := fmt.Sprintf("Possible watchlist lead: %s may be in view (track #%d, score %.2f at FMR %s, distance %.2f). Check it; this is not an identification.",
				c[0].Label, t.ID, c[0].Score, scorenorm.FormatFMR(point.TargetFMR), c[0].Distance)
			async.Do("live banner", func() {
				r.v.bannerT.Text = text
				r.v.bannerT.Refresh()
				r.v.banner.Show()
			})
		}
	}
}

// show draws the frame with its boxes and paths and updates the status
// line; the screen's token comes back once it is drawn.
func (r *liveRun) show(sf media.ScanFrame) error {
	img, err := session.ToRGBA(sf.Frame.Mat, r.bufs[r.next])
	if err != nil {
		return err
	}
	r.bufs[r.next] = img
	r.next = (r.next + 1) % playerFrameBuffers
	ov := media.TrackOverlay(sf.Tracks, sf.Frame.Index, media.TrackOverlayOptions{Trail: liveTrail})
	scene := widgets.Scene{Image: img, Paths: ov.Paths}
	for i, b := range ov.Boxes {
		scene.Faces = append(scene.Faces, widgets.FaceMark{ID: i, Box: b.Box, Color: b.Color, Label: b.Label})
	}
	stats := r.src.Stats()
	text := fmt.Sprintf("%s · %dx%d · %.1f frames/s · %d dropped · %d people tracked",
		describeCamera(r.uri), r.info.Width, r.info.Height, float64(r.frames)/time.Since(r.start).Seconds(), stats.Dropped, len(sf.Tracks))
	if r.rec != nil {
		text += " · recording"
	}
	async.Do("live frame", func() {
		defer func() { r.ready <- struct{}{} }()
		r.v.faces.SetScene(scene)
		r.v.status.SetText(text)
	})
	return nil
}
