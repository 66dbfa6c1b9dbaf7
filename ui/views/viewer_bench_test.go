package views

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"facecase/casefile"
	"facecase/internal/synth"
	"facecase/internal/testenv"
	"facecase/ui/async"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// BenchmarkViewerPlayback1280x720 plays synth.TrackingScene (1280x720,
// 25 fps, five people with boxes and paths) through the viewer as fast as
// it goes and reports frames per second: decoding, conversion to RGBA,
// each frame's detections and paths read from the case, the UI update and
// the overlay drawn at the widget's 1280x720 pixels, as the painter does.
// What the test driver cannot measure is the GL upload and compositing;
// the --tour run of the real binary reports those figures.
//
//	go test ./ui/views/ -run '^$' -bench ViewerPlayback -benchtime 3x
func BenchmarkViewerPlayback1280x720(b *testing.B) {
	crops, err := synth.LoadCrops(testenv.SharedData(b, "faceapi/people"))
	if err != nil {
		b.Fatal(err)
	}
	testenv.Model(b, "descriptor")
	dir := b.TempDir()
	scene, err := synth.TrackingScene(crops, 1280, 720)
	if err != nil {
		b.Fatal(err)
	}
	video := filepath.Join(dir, "scene.mp4")
	if err := synth.WriteVideo(context.Background(), video, "mp4v", scene, crops); err != nil {
		b.Fatal(err)
	}
	engines := session.NewEngines()
	defer engines.Close()
	s, err := session.Create(filepath.Join(dir, "bench.facecase"), casefile.CaseInfo{Number: "B", Title: "bench",
		Investigator: "bench", Purpose: "bench"}, engines, session.Settings{Reviewer: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var evID uint64
	if err := s.Intake(context.Background(), []string{video}, nil, func(st session.ItemStatus) {
		if st.State == session.StateDone {
			evID = st.EvidenceID
		}
	}); err != nil || evID == 0 {
		b.Fatalf("analyse the scene: %v (evidence %d)", err, evID)
	}

	test.NewTempApp(b)
	w := test.NewWindow(nil)
	defer w.Close()
	v := NewViewerView(context.Background(), w, s)
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(1800, 1000))
	overlay := overlayRaster(v.faces)
	var overlayPixels int
	v.afterFrame = func() {
		lb := v.faces.Letterbox()
		img := overlay.Generator(int(lb.Size.Width), int(lb.Size.Height))
		overlayPixels = img.Bounds().Dx() * img.Bounds().Dy()
	}
	loaded := make(chan error, 1)
	v.Show(evID, func(err error) { loaded <- err })
	if err := <-loaded; err != nil {
		b.Fatal(err)
	}
	var shown int64
	var elapsed time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := v.PlayerStats().Shown
		async.Locked(func() {
			v.Seek(0)
			v.SetUnpaced(true)
		})
		time.Sleep(100 * time.Millisecond) // the seek's frame
		start := time.Now()
		async.Locked(v.Play)
		for {
			playing := true
			async.Locked(func() { playing = v.Playing() })
			if !playing {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		elapsed += time.Since(start)
		shown += v.PlayerStats().Shown - before
	}
	b.StopTimer()
	if shown < int64(b.N*100) {
		b.Fatalf("only %d frames shown in %d plays of %d frames", shown, b.N, scene.Frames)
	}
	if overlayPixels < 1200*600 {
		b.Fatalf("overlay drawn at %d pixels, want the 1280x720 picture's", overlayPixels)
	}
	b.ReportMetric(float64(shown)/elapsed.Seconds(), "frames/s")
	b.ReportMetric(0, "ns/op")
	v.Close()
}

// overlayRaster is the FaceView's overlay layer.
func overlayRaster(v *widgets.FaceView) *canvas.Raster {
	for _, o := range test.WidgetRenderer(v).Objects() {
		if r, ok := o.(*canvas.Raster); ok {
			return r
		}
	}
	return nil
}
