//go:build matprofile

package media

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"facecase/facedata"

	"gocv.io/x/gocv"
)

// TestSourcesMatLeak checks that sources, drawing and writing close every
// Mat they make, on normal use, seeking, broken input, dropped live frames
// and early Close. Run with: go test -tags matprofile ./media/ -run MatLeak
func TestSourcesMatLeak(t *testing.T) {
	video := writeNumberedVideo(t, "leak.avi", "MJPG", 40, 160, 120)
	broken := writeNumberedVideo(t, "broken.avi", "MJPG", 40, 160, 120)
	corruptAVIFrames(t, broken, 10, 11)
	photo := filepath.Join(t.TempDir(), "p.jpg")
	os.WriteFile(photo, numberedJPEG(t, 1, 160, 120), 0o644)
	cam := newMJPEGCamera(t, 2*time.Millisecond)
	cam.brokenFrame = 2
	ctx := context.Background()

	before := gocv.MatProfile.Count()
	for round := 0; round < 2; round++ {
		for _, path := range []string{video, broken, photo} {
			src, err := Open(ctx, path, SourceOptions{Buffer: 2})
			if err != nil {
				t.Fatal(err)
			}
			readAll(t, src)
			src.Seek(ctx, 0)
			f, err := src.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			src.Close() // with frames still buffered
		}
		// Live: a slow consumer makes the source drop frames (it holds each
		// frame until the source has dropped one, however busy the machine).
		src, err := Open(ctx, cam.url(), steadyLive())
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			f, err := src.Next(boundedContext(t))
			if err != nil {
				t.Fatal(err)
			}
			dropped := src.Stats().Dropped
			waitUntil(t, "a dropped frame", func() bool { return src.Stats().Dropped > dropped })
			f.Close()
		}
		if src.Stats().Dropped == 0 {
			t.Error("no frame dropped; the test does not cover dropping")
		}
		src.Close()
		// Bad files.
		for _, data := range [][]byte{nil, []byte("text"), append([]byte("\x00\x00\x00\x18ftypmp42"), make([]byte, 100)...)} {
			p := filepath.Join(t.TempDir(), "bad.mp4")
			os.WriteFile(p, data, 0o644)
			if s, err := Open(ctx, p, SourceOptions{}); err == nil {
				s.Close()
				t.Fatal("opened a bad file")
			}
		}
		// Scanning, with scene cuts and every-Nth detection.
		cutVideo := writeShotVideo(t, "cut.avi", "MJPG", 30, 160, 120, 15)
		for _, path := range []string{cutVideo, broken} {
			src, err := Open(ctx, path, SourceOptions{})
			if err != nil {
				t.Fatal(err)
			}
			an := &numberAnalyzer{t: t, faces: movingFace}
			if _, err := Scan(ctx, src, an, ScanOptions{Every: 2, OnFrame: func(f ScanFrame) error {
				return DrawOverlayMat(f.Frame.Mat, TrackOverlay(f.Tracks, f.Frame.Index, TrackOverlayOptions{}), OverlayStyle{})
			}}); err != nil {
				t.Fatal(err)
			}
			src.Close()
		}
		// Drawing and writing.
		m := rgbaToMat(t, numberedFrame(3, 160, 120))
		DrawOverlayMat(m, Overlay{Boxes: []OverlayBox{{Box: facedata.Rect{X: 10, Y: 10, W: 50, H: 50}, Label: "#1"}}}, OverlayStyle{})
		w, err := CreateVideo(filepath.Join(t.TempDir(), "out.avi"), 25, 160, 120)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m)
		w.Close()
		m.Close()
	}
	// Capture reader goroutines close their Mats when they exit.
	deadline := time.Now().Add(testBound)
	for gocv.MatProfile.Count() != before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if after := gocv.MatProfile.Count(); after != before {
		var b bytes.Buffer
		gocv.MatProfile.WriteTo(&b, 1)
		t.Fatalf("live Mats: %d before, %d after\n%s", before, after, b.String())
	}
}
