package media

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/progress"
	"facecase/tracking"
)

// numberAnalyzer "detects" faces by reading the frame's number: the face
// list for frame n comes from faces(n). It checks it is given real frames.
type numberAnalyzer struct {
	t     *testing.T
	faces func(n int) []facedata.Face
	delay time.Duration
	// hold, when set, is called instead of sleeping for delay: a detector
	// whose slowness is counted in camera frames, not in time.
	hold  func()
	mu    sync.Mutex
	calls []int
}

func (a *numberAnalyzer) Analyze(ctx context.Context, m gocv.Mat) ([]facedata.Face, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := frameNumber(a.t, m)
	a.mu.Lock()
	a.calls = append(a.calls, n)
	a.mu.Unlock()
	if a.hold != nil {
		a.hold()
	} else {
		time.Sleep(a.delay)
	}
	return a.faces(n), nil
}

func movingFace(n int) []facedata.Face {
	return []facedata.Face{{Box: facedata.Rect{X: 10 + 5*float64(n), Y: 100, W: 40, H: 40}, Score: 0.9}}
}

type scanLog struct {
	dets   []ScanDetection
	tracks []tracking.Track
	frames int
}

func (l *scanLog) opts(o ScanOptions) ScanOptions {
	o.OnDetections = func(d []ScanDetection) error { l.dets = append(l.dets, d...); return nil }
	o.OnTrack = func(t tracking.Track) error { l.tracks = append(l.tracks, t); return nil }
	o.OnFrame = func(ScanFrame) error { l.frames++; return nil }
	return o
}

func openTest(t *testing.T, path string) Source {
	t.Helper()
	src, err := Open(context.Background(), path, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func TestScanTracksAMovingFace(t *testing.T) {
	src := openTest(t, writeNumberedVideo(t, "walk.avi", "MJPG", 40, 320, 240))
	an := &numberAnalyzer{t: t, faces: movingFace}
	var log scanLog
	sum, err := Scan(context.Background(), src, an, log.opts(ScanOptions{Every: 1}))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Frames != 40 || sum.DetectionFrames != 40 || sum.Detections != 40 || sum.Tracks != 1 || log.frames != 40 {
		t.Fatalf("summary %+v, %d frame callbacks", sum, log.frames)
	}
	if len(log.tracks) != 1 || log.tracks[0].ID != 1 || len(log.tracks[0].Path) != 40 {
		t.Fatalf("tracks %+v", log.tracks)
	}
	// Every detection arrives with its track, including the first ones
	// made while the track was still tentative.
	if len(log.dets) != 40 {
		t.Fatalf("%d detections delivered", len(log.dets))
	}
	seen := map[int]bool{}
	for _, d := range log.dets {
		if d.TrackID != 1 {
			t.Fatalf("frame %d detection on track %d", d.At.Index, d.TrackID)
		}
		seen[d.At.Index] = true
	}
	if len(seen) != 40 {
		t.Fatalf("detections for %d distinct frames", len(seen))
	}
}

func TestScanEveryNthFrame(t *testing.T) {
	src := openTest(t, writeNumberedVideo(t, "walk.avi", "MJPG", 40, 320, 240))
	an := &numberAnalyzer{t: t, faces: movingFace}
	var log scanLog
	sum, err := Scan(context.Background(), src, an, log.opts(ScanOptions{Every: 3}))
	if err != nil {
		t.Fatal(err)
	}
	if sum.DetectionFrames != 14 || sum.Every != 3 || len(an.calls) != 14 {
		t.Fatalf("summary %+v, analyzer calls %v", sum, an.calls)
	}
	for i, n := range an.calls {
		if n != 3*i {
			t.Fatalf("detection %d ran on frame %d", i, n)
		}
	}
	p := log.tracks[0].Path
	if len(p) != 40 || p[0].Frame != 0 || p[39].Frame != 39 || p[1].Detected || !p[3].Detected {
		t.Fatalf("path of %d points: %+v ... %+v", len(p), p[0], p[len(p)-1])
	}
}

func TestScanCancelKeepsFinishedWork(t *testing.T) {
	src := openTest(t, writeNumberedVideo(t, "walk.avi", "MJPG", 40, 320, 240))
	an := &numberAnalyzer{t: t, faces: movingFace}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log scanLog
	opts := log.opts(ScanOptions{Every: 1})
	onFrame := opts.OnFrame
	opts.OnFrame = func(f ScanFrame) error {
		if f.Frame.Index == 20 {
			cancel() // Ctrl-C
		}
		return onFrame(f)
	}
	sum, err := Scan(ctx, src, an, opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if len(log.tracks) != 1 || log.tracks[0].Last.Index < 20 || log.tracks[0].Last.Index > 22 {
		t.Fatalf("the open track was not delivered: %+v", log.tracks)
	}
	if len(log.dets) != sum.Detections || sum.Detections < 21 {
		t.Fatalf("%d detections delivered of %d", len(log.dets), sum.Detections)
	}
}

func TestScanUnconfirmedDetections(t *testing.T) {
	// A face seen in one frame only (a false alarm, or a photo) is still
	// delivered, without a track.
	src := openTest(t, writeNumberedVideo(t, "blip.avi", "MJPG", 10, 320, 240))
	an := &numberAnalyzer{t: t, faces: func(n int) []facedata.Face {
		if n == 4 {
			return movingFace(n)
		}
		return nil
	}}
	var log scanLog
	sum, err := Scan(context.Background(), src, an, log.opts(ScanOptions{Every: 1}))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Tracks != 0 || len(log.tracks) != 0 || len(log.dets) != 1 || log.dets[0].TrackID != 0 || log.dets[0].At.Index != 4 {
		t.Fatalf("summary %+v, detections %+v", sum, log.dets)
	}
	// A photo is one frame: its faces come without tracks.
	photo := filepath.Join(t.TempDir(), "p.jpg")
	os.WriteFile(photo, numberedJPEG(t, 7, 320, 240), 0o644)
	log = scanLog{}
	an.faces = movingFace
	sum, err = Scan(context.Background(), openTest(t, photo), an, log.opts(ScanOptions{}))
	if err != nil || sum.Frames != 1 || len(log.dets) != 1 || log.dets[0].TrackID != 0 {
		t.Fatalf("photo: %v, summary %+v, detections %+v", err, sum, log.dets)
	}
}

func TestScanStopsOnCallbackError(t *testing.T) {
	src := openTest(t, writeNumberedVideo(t, "walk.avi", "MJPG", 20, 320, 240))
	an := &numberAnalyzer{t: t, faces: movingFace}
	boom := errors.New("disk full")
	var log scanLog
	opts := log.opts(ScanOptions{Every: 1})
	opts.OnDetections = func([]ScanDetection) error { return boom }
	if _, err := Scan(context.Background(), src, an, opts); !errors.Is(err, boom) {
		t.Fatalf("err %v, want the callback's", err)
	}
}

func TestEveryChooser(t *testing.T) {
	frame := func(i int, fps float64) *Frame {
		return &Frame{Index: i, Time: time.Duration(float64(i) / fps * float64(time.Second))}
	}
	run := func(c *EveryChooser, fps float64, frames int, detect, other time.Duration) []int {
		var detected []int
		for i := 0; i < frames; i++ {
			var d time.Duration
			if c.Detect(i) {
				detected = append(detected, i)
				d = detect
			}
			c.Observe(frame(i, fps), d+other, d)
		}
		return detected
	}
	// Fixed.
	c := NewEveryChooser(Info{FPS: 25}, 4, 0)
	if got := run(c, 25, 13, 100*time.Millisecond, time.Millisecond); len(got) != 4 || got[3] != 12 {
		t.Fatalf("fixed: detected on %v", got)
	}
	// A file at 25 fps (40 ms a frame, 36 ms of it planned), detection
	// 100 ms, 5 ms otherwise: N = ceil(100/31) = 4, fixed after calibration.
	c = NewEveryChooser(Info{FPS: 25}, 0, 0)
	run(c, 25, 60, 100*time.Millisecond, 5*time.Millisecond)
	if c.Every() != 4 {
		t.Fatalf("file: every %d, want 4", c.Every())
	}
	// Detection fast enough for real time: every frame.
	c = NewEveryChooser(Info{FPS: 25}, 0, 0)
	run(c, 25, 30, 20*time.Millisecond, 5*time.Millisecond)
	if c.Every() != 1 {
		t.Fatalf("fast detection: every %d, want 1", c.Every())
	}
	// Very slow detection: capped.
	c = NewEveryChooser(Info{FPS: 25}, 0, 5)
	run(c, 25, 30, 2*time.Second, 5*time.Millisecond)
	if c.Every() != 5 {
		t.Fatalf("slow detection: every %d, want the cap 5", c.Every())
	}
	// Unknown frame rate (a file without one): every frame.
	c = NewEveryChooser(Info{}, 0, 0)
	run(c, 25, 30, 100*time.Millisecond, 5*time.Millisecond)
	if c.Every() != 1 {
		t.Fatalf("unknown rate: every %d", c.Every())
	}
	// A live source without a nominal rate measures arrivals (30 fps) and
	// adapts when detection slows down.
	c = NewEveryChooser(Info{Live: true}, 0, 0)
	run(c, 30, 30, 40*time.Millisecond, 3*time.Millisecond)
	if c.Every() != 2 {
		t.Fatalf("live: every %d, want 2", c.Every())
	}
	for i := 30; i < 90; i++ {
		var d time.Duration
		if c.Detect(i) {
			d = 150 * time.Millisecond
		}
		c.Observe(frame(i, 30), d+3*time.Millisecond, d)
	}
	if c.Every() != 6 { // ceil(150/(0.9·33.3-3))
		t.Fatalf("live after slowing down: every %d, want 6", c.Every())
	}
}

func TestScanEndsTracksAtSceneCuts(t *testing.T) {
	// The face stays at the same place across a cut to another shot: it is
	// someone else, and the track must not continue through.
	path := writeShotVideo(t, "cut.avi", "MJPG", 40, 320, 240, 20)
	still := func(int) []facedata.Face {
		return []facedata.Face{{Box: facedata.Rect{X: 100, Y: 100, W: 50, H: 50}}}
	}
	for _, keep := range []bool{false, true} {
		an := &numberAnalyzer{t: t, faces: still}
		var log scanLog
		var cuts []int
		onCut := func(at tracking.Stamp) error {
			if len(log.tracks) != 0 {
				t.Errorf("OnCut at frame %d came after the tracks it ended", at.Index)
			}
			cuts = append(cuts, at.Index)
			return nil
		}
		sum, err := Scan(context.Background(), openTest(t, path), an, log.opts(ScanOptions{Every: 7, KeepTracksAcrossCuts: keep, OnCut: onCut}))
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 1, true: 0}[keep]; len(cuts) != want || (want == 1 && cuts[0] != 20) {
			t.Fatalf("OnCut called at %v (keep tracks %v)", cuts, keep)
		}
		switch {
		case !keep && (sum.Cuts != 1 || len(log.tracks) != 2 || log.tracks[0].Last.Index >= 20 || log.tracks[1].First.Index != 20):
			t.Fatalf("with cut detection: %d cuts, tracks %+v", sum.Cuts, log.tracks)
		case keep && (sum.Cuts != 0 || len(log.tracks) != 1):
			t.Fatalf("without cut detection: %d cuts, %d tracks", sum.Cuts, len(log.tracks))
		}
		// The cut frame is analysed whatever the interval.
		if !keep && !containsInt(an.calls, 20) {
			t.Fatalf("frame 20 (the cut) not analysed: %v", an.calls)
		}
	}
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestScanLiveSourceAdaptsAndStops(t *testing.T) {
	// A 100 fps camera and a detector that takes as long as the camera
	// needs to send 4 frames (counted, so the ratio holds however busy the
	// machine is): the scan must detect on every few frames only, let the
	// source drop what it cannot use, and end with ErrTimeout when the
	// camera stops, tracks delivered.
	cam := newMJPEGCamera(t, 10*time.Millisecond)
	opts := fastLive()
	opts.ReadTimeout = 2 * time.Second // a stall is the camera stopping, not the machine being busy
	opts.GiveUpAfter = 3 * time.Second
	src, err := Open(context.Background(), cam.url(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var stopped atomic.Bool
	an := &numberAnalyzer{t: t, faces: func(n int) []facedata.Face {
		return []facedata.Face{{Box: facedata.Rect{X: 50, Y: 60, W: 40, H: 40}}}
	}}
	an.hold = func() {
		from := cam.counter.Load()
		waitUntil(t, "the camera to send 4 frames during a detection", func() bool {
			return cam.counter.Load() >= from+4 || stopped.Load()
		})
	}
	var log scanLog
	o := log.opts(ScanOptions{})
	onFrame := o.OnFrame
	o.OnFrame = func(f ScanFrame) error {
		if log.frames == 60 {
			stopped.Store(true)
			go cam.stop()
		}
		return onFrame(f)
	}
	sum, err := Scan(boundedContext(t), src, an, o)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout after the camera stopped", err)
	}
	if sum.Every < 2 || sum.DetectionFrames >= sum.Frames {
		t.Fatalf("summary %+v: detection did not thin out for a slow detector", sum)
	}
	if sum.Source.Dropped == 0 {
		t.Fatalf("summary %+v: no frame dropped", sum)
	}
	if len(log.tracks) != 1 || log.tracks[0].ID != 1 {
		t.Fatalf("tracks %+v", log.tracks)
	}
}

func TestVideoSourceLeavesNoGoroutines(t *testing.T) {
	path := writeNumberedVideo(t, "g.avi", "MJPG", 30, 160, 120)
	base := runtime.NumGoroutine()
	for i := 0; i < 5; i++ {
		src, err := Open(context.Background(), path, SourceOptions{Buffer: 2})
		if err != nil {
			t.Fatal(err)
		}
		f, _ := src.Next(context.Background())
		f.Close()
		src.Seek(context.Background(), 10)
		src.Close() // decoder blocked on a full buffer
	}
	expectGoroutines(t, base)
}

func TestScanReportsProgress(t *testing.T) {
	src := openTest(t, writeNumberedVideo(t, "walk.avi", "MJPG", 40, 320, 240))
	var mu sync.Mutex
	var updates []progress.Update
	rep := progress.Func(func(u progress.Update) {
		mu.Lock()
		updates = append(updates, u)
		mu.Unlock()
	})
	an := &numberAnalyzer{t: t, faces: movingFace, delay: 10 * time.Millisecond}
	if _, err := Scan(context.Background(), src, an, ScanOptions{Every: 1, Progress: rep}); err != nil {
		t.Fatal(err)
	}
	if len(updates) < 2 {
		t.Fatalf("%d progress updates for a 0.4 s scan", len(updates))
	}
	last := updates[len(updates)-1]
	if last.Stage != "scan" || last.Unit != "frames" || last.Done != 40 || last.Total != 40 || last.Rate() <= 0 || last.Item == "" {
		t.Fatalf("last update %+v", last)
	}
	for i := 1; i < len(updates); i++ {
		if updates[i].Done < updates[i-1].Done {
			t.Fatalf("progress went back: %+v then %+v", updates[i-1], updates[i])
		}
	}
}
