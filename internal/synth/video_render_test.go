package synth

import (
	"context"
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"
)

// flatCrops are uniform faces of distinct grey levels, so a pixel tells
// which face is drawn there.
func flatCrops() []Crop {
	var cs []Crop
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		g := image.NewGray(image.Rect(0, 0, 150, 150))
		for p := range g.Pix {
			g.Pix[p] = uint8(40 + 40*i)
		}
		cs = append(cs, Crop{Identity: id, Image: g})
	}
	return cs
}

func TestVideoRendererDrawsTruth(t *testing.T) {
	crops := flatCrops()
	scene, err := TrackingScene(crops, 320, 240)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewVideoRenderer(scene, crops)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for f := 0; f < scene.Frames; f += 7 {
		img := r.Frame(f)
		for _, tb := range scene.Truth(f) {
			if tb.Visible < 1 {
				continue
			}
			c := tb.Box.Min.Add(tb.Box.Size().Div(2))
			got := img.RGBAAt(c.X, c.Y)
			grey := float64(40 + 40*scene.Actors[tb.ID-1].Crop)
			// PasteFace tints: R = 1.08 g.
			want := clamp8(grey * 1.08)
			if d := int(got.R) - int(want); d < -2 || d > 2 {
				t.Fatalf("frame %d actor %d: centre pixel %v, want red %d", f, tb.ID, got, want)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d visible faces checked", checked)
	}
	// The vehicle hides what is behind it.
	o := &scene.Occluders[0]
	f := (o.From + o.To) / 2
	rect, _ := o.At(f)
	img := r.Frame(f)
	if got := img.RGBAAt(rect.Min.X+1, rect.Min.Y+1); got != (color.RGBA{40, 60, 70, 255}) {
		t.Fatalf("occluder pixel %v", got)
	}
}

func TestWriteVideoRoundTrip(t *testing.T) {
	crops := flatCrops()
	scene, err := TrackingScene(crops, 320, 240)
	if err != nil {
		t.Fatal(err)
	}
	scene.Frames = 20
	path := filepath.Join(t.TempDir(), "scene.avi")
	if err := WriteVideo(context.Background(), path, "MJPG", scene, crops); err != nil {
		t.Fatal(err)
	}
	vc, err := gocv.VideoCaptureFileWithAPI(path, gocv.VideoCaptureFFmpeg)
	if err != nil {
		t.Fatal(err)
	}
	defer vc.Close()
	m := gocv.NewMat()
	defer m.Close()
	n := 0
	for vc.Read(&m) {
		if m.Cols() != 320 || m.Rows() != 240 {
			t.Fatalf("frame %d is %dx%d", n, m.Cols(), m.Rows())
		}
		n++
	}
	if n != 20 {
		t.Fatalf("read %d frames, wrote 20", n)
	}
}

func TestWriteVideoCancelled(t *testing.T) {
	crops := flatCrops()
	scene, err := TrackingScene(crops, 320, 240)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := filepath.Join(t.TempDir(), "scene.avi")
	if err := WriteVideo(ctx, path, "MJPG", scene, crops); err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("partial video left behind: %v", err)
	}
}
