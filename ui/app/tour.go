//go:build tour

// The screenshot tour of CI (.ci/screenshots.sh) is test machinery: it is
// built only with the "tour" tag, into a binary of its own, and never
// ships in the app.

package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/ui/async"
	"facecase/ui/internal/uitest"
	"facecase/ui/session"
)

// TourFigures are what a tour measured.
type TourFigures struct {
	// Screenshots lists the files written.
	Screenshots []string `json:"screenshots"`
	// PlaybackFPS is the rate at which frames of the demo video (1280x720,
	// with boxes and paths) reached the screen during normal playback;
	// PlaybackDropped counts frames skipped to keep time.
	PlaybackFPS     float64 `json:"playback_fps"`
	PlaybackShown   int64   `json:"playback_shown"`
	PlaybackDropped int64   `json:"playback_dropped"`
	PlaybackSeconds float64 `json:"playback_seconds"`
	// ThroughputFPS is the rate frames reached the screen when the video
	// was played as fast as possible (no pacing, nothing dropped).
	ThroughputFPS float64 `json:"throughput_fps"`
	// ScanBlockMaxMS is the longest the UI goroutine was blocked while a
	// folder of photos and a video were taken in and analysed (a probe
	// posted an update every 10 ms); ScanCallbackMaxMS the longest UI
	// update or handler of ours in that time.
	ScanBlockMaxMS float64 `json:"scan_block_max_ms"`
	ScanProbes     int     `json:"scan_probes"`
	// ScanProbesOver counts the probes that waited longer than 100 ms.
	ScanProbesOver    int     `json:"scan_probes_over_limit"`
	ScanCallbackMaxMS float64 `json:"scan_callback_max_ms"`
	ScanCallbackName  string  `json:"scan_callback_max_name"`
	ScanSeconds       float64 `json:"scan_seconds"`
}

// blankStdDev is the grey-level standard deviation below which a
// screenshot counts as blank (nearly uniform).
const blankStdDev = 3.0

// RunTour drives the app through its main views and writes a screenshot
// of each into dir (the window's canvas, and the whole X screen when
// ImageMagick's import is installed), then measures playback and UI
// blocking during a scan. It runs on its own goroutine beside the running
// app and quits the app when done; the error says what failed.
func (a *App) RunTour(ctx context.Context, dir string) (TourFigures, error) {
	var fig TourFigures
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fig, err
	}
	shot := shooter(ctx, dir, &fig)
	cw, err := a.tourDemo(ctx, shot)
	if err != nil {
		return fig, err
	}
	if err := measurePlayback(ctx, cw, &fig); err != nil {
		return fig, err
	}
	if err := tourCaseViews(ctx, cw, shot); err != nil {
		return fig, err
	}

	if err := a.measureScan(ctx, cw, &fig); err != nil {
		return fig, err
	}
	if clip := tourClip(); clip != "" {
		if err := a.tourSceneCut(ctx, clip, shot); err != nil {
			return fig, err
		}
	} else {
		fmt.Println("tour: no clip with scene cuts found (set FACECASE_TOUR_CLIP); 08-viewer-cut skipped")
	}
	raw, _ := json.MarshalIndent(fig, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "figures.json"), raw, 0o644); err != nil {
		return fig, err
	}
	return fig, nil
}

// measureScan takes the demo's photos and video into a new case in a
// temporary folder, through its window, while a probe measures how late
// UI updates run.
func (a *App) measureScan(ctx context.Context, demo *CaseWindow, fig *TourFigures) error {
	dir, err := os.MkdirTemp("", "facecase-tour-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var files []string
	evs, err := demo.sess.EvidenceList()
	if err != nil {
		return err
	}
	for _, ev := range evs {
		files = append(files, demo.sess.EvidencePath(ev))
	}
	s, err := a.CreateCase(ctx, casefile.CaseInfo{Number: "TOUR-1", Title: "UI blocking measurement",
		Investigator: a.Settings().Reviewer, Purpose: "measurement"}, filepath.Join(dir, "tour.facecase"))
	if err != nil {
		return err
	}
	var cw *CaseWindow
	async.DoAndWait("tour scan window", func() {
		a.ShowCase(s)
		cw, _ = a.Window(s.Path())
	})
	time.Sleep(time.Second) // the new window's first paint is not part of the scan
	before := windowSizes()
	scan := async.NewMonitor(async.UILimit)
	stopTrace, err := startTourTrace(ctx, scan)
	if err != nil {
		return err
	}
	defer stopTrace()
	probeCtx, stop := context.WithCancel(ctx)
	go async.Probe(probeCtx, 10*time.Millisecond, scan)
	async.Callbacks.Reset()
	began := time.Now()
	fmt.Printf("tour: scan starts at +%.3f s\n", time.Since(processStart).Seconds())
	async.DoAndWait("tour scan", func() { cw.Evidence.AddPaths(files) })
	err = waitFor(ctx, 20*time.Minute, "the scan", func() bool { return !cw.tasks.Busy() })
	stop()
	fig.ScanSeconds = time.Since(began).Seconds()
	reportGrownWindows(before, windowSizes())
	ps, cs := scan.Stats(), async.Callbacks.Stats()
	fig.ScanBlockMaxMS, fig.ScanProbes, fig.ScanProbesOver = ms(ps.Max), ps.Count, ps.Over
	fig.ScanCallbackMaxMS, fig.ScanCallbackName = ms(cs.Max), cs.MaxName
	async.DoAndWait("tour close scan window", cw.closeNow)
	return err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// tourPeople shows the people walking in the demo's street video (when
// the models installed it) with the People list beside them, as
// 03-people.
func tourPeople(ctx context.Context, cw *CaseWindow, shot func(string, fyne.Window) error) error {
	evs, err := cw.sess.EvidenceList()
	if err != nil {
		return err
	}
	for _, ev := range evs {
		if ev.Name != demoStreetVideo {
			continue
		}
		loaded := make(chan error, 1)
		async.DoAndWait("tour open street video", func() { cw.Viewer.Show(ev.ID, func(err error) { loaded <- err }) })
		if err := <-loaded; err != nil {
			return err
		}
		async.DoAndWait("tour people", func() {
			cw.Viewer.Seek(100)
			cw.Viewer.ShowPeople()
		})
		if err := waitFor(ctx, 30*time.Second, "frame 100 and the People list", func() bool {
			return cw.Viewer.Frame() == 100 && cw.Viewer.People().Len() > 0
		}); err != nil {
			return err
		}
		time.Sleep(2 * time.Second) // the people's pictures
		return shot("03-people", cw.win)
	}
	fmt.Println("tour: the demo case has no", demoStreetVideo, "(make models installs it); 03-people skipped")
	return nil
}

func firstOfKind(s *session.Session, kind string) (casefile.Evidence, error) {
	evs, err := s.EvidenceList()
	if err != nil {
		return casefile.Evidence{}, err
	}
	for _, ev := range evs {
		if ev.Kind == kind {
			return ev, nil
		}
	}
	return casefile.Evidence{}, fmt.Errorf("the demo case has no %s", kind)
}

// waitFor polls cond on the UI goroutine until it holds.
func waitFor(ctx context.Context, limit time.Duration, what string, cond func() bool) error {
	deadline := time.Now().Add(limit)
	for {
		ok := false
		async.DoAndWait("tour wait", func() { ok = cond() })
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("tour: gave up waiting for %s after %v", what, limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// capture writes the window's canvas to path as PNG and refuses a blank
// picture. The GL front buffer can read back empty right after a buffer
// swap, so a blank read is retried after a repaint.
func capture(w fyne.Window, path string) (string, error) {
	var img image.Image
	async.DoAndWait("tour capture", func() { img = w.Canvas().Capture() })
	if img == nil || greyStdDev(img) < blankStdDev {
		// Reading back the GL front buffer gives nothing on some drivers
		// (Mesa under Xvfb among them): paint the same objects, at the
		// same size, with Fyne's software painter instead.
		async.DoAndWait("tour software capture", func() { img = softwareCapture(w) })
	}
	if img == nil {
		return "", errors.New("the canvas gave no picture")
	}
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return path, checkNotBlank(path)
}

// softwareCapture paints the window's content with the software painter.
// The content is lent to an offscreen canvas of the same size and scale,
// then handed back to the window.
func softwareCapture(w fyne.Window) image.Image {
	c := w.Canvas()
	content := c.Content()
	sc := software.NewCanvas()
	sc.SetPadded(false)
	sc.SetScale(c.Scale())
	sc.SetContent(content)
	sc.Resize(c.Size())
	img := sc.Capture()
	sc.SetContent(canvas.NewRectangle(color.Transparent))
	w.SetContent(content)
	return img
}

// checkNotBlank fails for a nearly uniform picture.
func checkNotBlank(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if sd := greyStdDev(img); sd < blankStdDev {
		return fmt.Errorf("%s is blank (grey level standard deviation %.2f)", path, sd)
	}
	return nil
}

func greyStdDev(img image.Image) float64 {
	b := img.Bounds()
	var sum, sq, n float64
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			v := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			sum += v
			sq += v * v
			n++
		}
	}
	if n == 0 {
		return 0
	}
	mean := sum / n
	return math.Sqrt(math.Max(0, sq/n-mean*mean))
}

// tourReviewWithNote opens the first search with candidates and records an
// inconclusive decision with a note on its first candidate, so the review
// screenshot shows a note with its reviewer and time.
func tourReviewWithNote(ctx context.Context, cw *CaseWindow) error {
	const note = "tour: hairline and ears agree, the probe is too small to tell"
	async.DoAndWait("tour review", func() {
		cw.SelectTab(TabReview)
		cw.Review.Reload()
		cw.Review.Select(0)
		if searches := cw.Review.Searches(); len(searches) > 0 {
			search := searches[0]
			cw.Review.Decide(search.ID, search.Candidates[0].SubjectID, casefile.DecisionInconclusive, note)
		}
	})
	return waitFor(ctx, time.Minute, "the note on the review card", func() bool {
		shown := false
		uitest.Walk(cw.Review.Content(), func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, note) {
				shown = true
			}
		})
		return shown
	})
}

// tourClip is a video with scene cuts for the tour: $FACECASE_TOUR_CLIP,
// or the hamilton clip of the shared test data beside the checkout.
func tourClip() string {
	for _, p := range []string{os.Getenv("FACECASE_TOUR_CLIP"),
		filepath.Join("..", "shared", "data", "face_recognition", "short_hamilton_clip.mp4")} {
		if p == "" {
			continue
		}
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			abs, _ := filepath.Abs(p)
			return abs
		}
	}
	return ""
}

// tourSceneCut takes a clip with scene cuts into a new case, opens it in
// the viewer a few frames after its last cut and takes a screenshot: the
// paths of the people before the cut are gone, though their tails would
// still be fading without the cut.
func (a *App) tourSceneCut(ctx context.Context, clip string, shot func(string, fyne.Window) error) error {
	dir, err := os.MkdirTemp("", "facecase-tour-cut-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := a.CreateCase(ctx, casefile.CaseInfo{Number: "TOUR-2", Title: "A clip with scene cuts",
		Investigator: a.Settings().Reviewer, Purpose: "show the viewer at a scene cut"}, filepath.Join(dir, "cut.facecase"))
	if err != nil {
		return err
	}
	var cw *CaseWindow
	async.DoAndWait("tour cut window", func() {
		a.ShowCase(s)
		cw, _ = a.Window(s.Path())
		cw.Evidence.AddPaths([]string{clip})
	})
	defer async.DoAndWait("tour close cut window", cw.closeNow)
	if err := waitFor(ctx, 20*time.Minute, "the clip's scan", func() bool {
		return !cw.tasks.Busy() && len(cw.Evidence.Rows()) == 1 && cw.Evidence.Rows()[0].Evidence.ID != 0
	}); err != nil {
		return err
	}
	ev, err := firstOfKind(s, casefile.KindVideo)
	if err != nil {
		return err
	}
	tracks, err := s.Tracks(ev.ID)
	if err != nil {
		return err
	}
	cut := 0 // the last cut: new people on screen, the earlier shot's gone
	for _, t := range tracks {
		cut = max(cut, int(t.CutFrame))
	}
	if cut == 0 {
		return fmt.Errorf("tour: no scene cut recorded in %s", clip)
	}
	loaded := make(chan error, 1)
	async.DoAndWait("tour open clip", func() {
		cw.SelectTab(TabViewer)
		cw.Viewer.Show(ev.ID, func(err error) { loaded <- err })
	})
	if err := <-loaded; err != nil {
		return err
	}
	target := cut + 3
	async.DoAndWait("tour seek after cut", func() { cw.Viewer.Seek(target) })
	if err := waitFor(ctx, 30*time.Second, "the frame after the cut", func() bool { return cw.Viewer.Frame() == target }); err != nil {
		return err
	}
	return shot("08-viewer-cut", cw.win)
}

// shooter takes a screenshot of a window into dir, as name.png, and of the
// whole X screen as x-name.png when ImageMagick's import is installed.
func shooter(ctx context.Context, dir string, fig *TourFigures) func(name string, w fyne.Window) error {
	return func(name string, w fyne.Window) error {
		time.Sleep(700 * time.Millisecond) // let layout, images and fades settle
		p, err := capture(w, filepath.Join(dir, name+".png"))
		if err != nil {
			return fmt.Errorf("screenshot %s: %w", name, err)
		}
		fig.Screenshots = append(fig.Screenshots, p)
		if x, err := exec.LookPath("import"); err == nil {
			xp := filepath.Join(dir, "x-"+name+".png")
			if out, err := exec.CommandContext(ctx, x, "-window", "root", xp).CombinedOutput(); err != nil {
				return fmt.Errorf("X screenshot %s: %v: %s", name, err, out)
			}
			if err := checkNotBlank(xp); err != nil {
				return err
			}
			fig.Screenshots = append(fig.Screenshots, xp)
		}
		return nil
	}
}

// tourDemo shoots the start window, opens the demo case and shoots its
// evidence list.
func (a *App) tourDemo(ctx context.Context, shot func(string, fyne.Window) error) (*CaseWindow, error) {
	var start fyne.Window
	async.DoAndWait("tour start", func() { start = a.ShowStart() })
	if err := shot("01-start", start); err != nil {
		return nil, err
	}
	async.DoAndWait("tour open demo", func() { a.StartView().OpenDemo() })
	var cw *CaseWindow
	if err := waitFor(ctx, 15*time.Minute, "the demo case window", func() bool {
		w, ok := a.Window(DemoCasePath())
		cw = w
		return ok
	}); err != nil {
		return nil, err
	}
	if err := waitFor(ctx, time.Minute, "the evidence list", func() bool { return len(cw.Evidence.Rows()) > 0 }); err != nil {
		return nil, err
	}
	time.Sleep(2 * time.Second) // thumbnails
	if err := shot("02-evidence", cw.win); err != nil {
		return nil, err
	}
	return cw, nil
}

// measurePlayback opens the demo video, plays it at its own pace and then
// as fast as frames reach the screen, and records both rates.
func measurePlayback(ctx context.Context, cw *CaseWindow, fig *TourFigures) error {
	video, err := firstOfKind(cw.sess, casefile.KindVideo)
	if err != nil {
		return err
	}
	loaded := make(chan error, 1)
	async.DoAndWait("tour open video", func() {
		cw.SelectTab(TabViewer)
		cw.Viewer.Show(video.ID, func(err error) { loaded <- err })
	})
	if err := <-loaded; err != nil {
		return err
	}
	// Playback: the whole video at its own pace.
	time.Sleep(500 * time.Millisecond)
	before := cw.Viewer.PlayerStats()
	began := time.Now()
	async.DoAndWait("tour play", cw.Viewer.Play)
	if err := waitFor(ctx, 2*time.Minute, "the end of playback", func() bool { return !cw.Viewer.Playing() }); err != nil {
		return err
	}
	fig.PlaybackSeconds = time.Since(began).Seconds()
	st := cw.Viewer.PlayerStats()
	fig.PlaybackShown, fig.PlaybackDropped = st.Shown-before.Shown, st.Dropped-before.Dropped
	fig.PlaybackFPS = float64(fig.PlaybackShown) / fig.PlaybackSeconds
	// Throughput: the same video as fast as frames reach the screen.
	async.DoAndWait("tour unpaced", func() {
		cw.Viewer.Seek(0)
		cw.Viewer.SetUnpaced(true)
	})
	time.Sleep(300 * time.Millisecond)
	before = cw.Viewer.PlayerStats()
	began = time.Now()
	async.DoAndWait("tour play unpaced", cw.Viewer.Play)
	if err := waitFor(ctx, 2*time.Minute, "the end of unpaced playback", func() bool { return !cw.Viewer.Playing() }); err != nil {
		return err
	}
	st = cw.Viewer.PlayerStats()
	fig.ThroughputFPS = float64(st.Shown-before.Shown) / time.Since(began).Seconds()
	async.DoAndWait("tour paced", func() { cw.Viewer.SetUnpaced(false) })
	return nil
}

// tourCaseViews shoots the viewer on a frame with paths and a face chosen,
// a review with a note, the watchlist, the audit log filtered to reviews
// and the Lab.
func tourCaseViews(ctx context.Context, cw *CaseWindow, shot func(string, fyne.Window) error) error {
	// A frame with paths drawn and a face selected.
	async.DoAndWait("tour seek", func() { cw.Viewer.Seek(110) })
	if err := waitFor(ctx, 30*time.Second, "frame 110", func() bool { return cw.Viewer.Frame() == 110 }); err != nil {
		return err
	}
	async.DoAndWait("tour select face", func() {
		if faces := cw.Viewer.FaceView().Scene().Faces; len(faces) > 0 {
			cw.Viewer.SelectMark(faces[0].ID)
		}
	})
	if err := shot("03-viewer", cw.win); err != nil {
		return err
	}
	if err := tourPeople(ctx, cw, shot); err != nil {
		return err
	}

	if err := tourReviewWithNote(ctx, cw); err != nil {
		return err
	}
	if err := shot("04-review", cw.win); err != nil {
		return err
	}
	async.DoAndWait("tour watchlist", func() { cw.SelectTab(TabWatchlist) })
	if err := shot("05-watchlist", cw.win); err != nil {
		return err
	}
	// The audit log filtered to review decisions, the newest in the
	// detail pane with its note.
	async.DoAndWait("tour audit", func() {
		cw.SelectTab(TabAudit)
		cw.Audit.Reload()
	})
	if err := waitFor(ctx, time.Minute, "the review in the audit log", func() bool {
		cw.Audit.Filter(session.AuditFilter{Action: string(casefile.ActionReview)})
		return cw.Audit.Shown() > 0
	}); err != nil {
		return err
	}
	if err := shot("06-audit", cw.win); err != nil {
		return err
	}
	async.DoAndWait("tour lab", func() { cw.SelectTab(TabLab) })
	if err := shot("07-lab", cw.win); err != nil {
		return err
	}
	return nil
}
