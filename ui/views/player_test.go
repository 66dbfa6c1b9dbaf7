package views

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"facecase/internal/synth"
	"facecase/media"
	"facecase/ui/widgets"
)

// testVideo writes a small synthetic video: 5 flat faces walking for 150
// frames at 25 fps.
func testVideo(t testing.TB) string {
	t.Helper()
	var crops []synth.Crop
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		img := image.NewRGBA(image.Rect(0, 0, 64, 64))
		draw.Draw(img, img.Rect, image.NewUniform(color.RGBA{uint8(40 * i), 90, 200, 255}), image.Point{}, draw.Src)
		crops = append(crops, synth.Crop{Identity: id, Image: img})
	}
	scene, err := synth.TrackingScene(crops, 320, 240)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "clip.avi")
	if err := synth.WriteVideo(context.Background(), p, "MJPG", scene, crops); err != nil {
		t.Fatal(err)
	}
	return p
}

// recordingSink collects what a player shows.
type recordingSink struct {
	mu     sync.Mutex
	frames []int
	ended  chan error
}

func (s *recordingSink) show(f shownFrame, shown func()) {
	s.mu.Lock()
	s.frames = append(s.frames, f.Index)
	s.mu.Unlock()
	if f.Scene.Image == nil || f.Scene.Image.Bounds().Dx() != 320 {
		panic("frame without its 320x240 picture")
	}
	shown()
}

func (s *recordingSink) last() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.frames) == 0 {
		return -1
	}
	return s.frames[len(s.frames)-1]
}

func startTestPlayer(t *testing.T, path string) (*player, *recordingSink) {
	t.Helper()
	src, err := media.Open(context.Background(), path, media.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sink := &recordingSink{ended: make(chan error, 4)}
	p := startPlayer(context.Background(), src, func(media.Frame) widgets.Scene { return widgets.Scene{} },
		sink.show, func(err error) { sink.ended <- err })
	return p, sink
}

// testBound is the safety net of every wait in the player tests: each wait
// ends as soon as its condition holds, so a busy machine only makes the
// tests slower, and a wait that runs out fails with what it waited for.
const testBound = 60 * time.Second

func waitFrame(t *testing.T, s *recordingSink, want int) {
	t.Helper()
	deadline := time.Now().Add(testBound)
	for s.last() != want {
		if time.Now().After(deadline) {
			t.Fatalf("frame on screen %d, want %d", s.last(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPlayerPlaysSeeksStepsAndStops(t *testing.T) {
	path := testVideo(t)
	goroutines := runtime.NumGoroutine()
	p, sink := startTestPlayer(t, path)
	waitFrame(t, sink, 0) // the first frame is shown at once
	p.Seek(100)
	waitFrame(t, sink, 100)
	p.Step(-1)
	waitFrame(t, sink, 99)
	p.Step(1)
	waitFrame(t, sink, 100)
	start := time.Now()
	p.Play()
	select {
	case err := <-sink.ended:
		if err != nil {
			t.Fatalf("playback ended with %v", err)
		}
	case <-time.After(testBound):
		t.Fatal("playback did not reach the end")
	}
	// 49 frames at 25 fps take about 2 s: playback keeps time.
	if took := time.Since(start); took < 1500*time.Millisecond {
		t.Fatalf("49 frames played in %v: not paced at 25 fps", took)
	}
	if last := sink.last(); last != 149 {
		t.Fatalf("last frame shown %d, want 149", last)
	}
	// Frame 0, the seek, two steps and the 49 frames played, every one
	// accounted for. How many of the 49 were shown rather than dropped
	// depends on how busy the machine is (the player drops frames that are
	// late), so only the four still frames and the last must be shown.
	if st := p.Stats(); st.Shown+st.Dropped != 53 || st.Shown < 5 {
		t.Fatalf("stats %+v, want 53 frames, at least the 4 still ones and the last shown", st)
	}
	p.Close()
	deadline := time.Now().Add(testBound)
	for runtime.NumGoroutine() > goroutines {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after Close, %d before start", runtime.NumGoroutine(), goroutines)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPlayerDropsFramesWhenTheScreenIsBusy(t *testing.T) {
	path := testVideo(t)
	src, err := media.Open(context.Background(), path, media.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	var mu sync.Mutex
	shownCount := 0
	// A screen that takes 100 ms per frame: 4 times slower than the video.
	p := startPlayer(context.Background(), src, func(media.Frame) widgets.Scene { return widgets.Scene{} },
		func(f shownFrame, shown func()) {
			go func() {
				time.Sleep(100 * time.Millisecond)
				mu.Lock()
				shownCount++
				mu.Unlock()
				shown()
			}()
		}, func(err error) { ended <- err })
	defer p.Close()
	// The first frame is on the slow screen before playing starts.
	deadline := time.Now().Add(testBound)
	for {
		mu.Lock()
		n := shownCount
		mu.Unlock()
		if n >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first frame was never shown")
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.Play()
	select {
	case <-ended:
	case <-time.After(testBound):
		t.Fatal("playback did not end")
	}
	// Queued instead of dropped, the 150 frames would all be shown, 100 ms
	// each. A busier machine only makes more frames late, so more dropped.
	if st := p.Stats(); st.Dropped < 50 {
		t.Fatalf("only %d frames dropped for a screen 4 times too slow (%+v)", st.Dropped, st)
	}
}
