package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"facecase/internal/synth"
	"facecase/internal/testenv"
)

// benchVideo renders the standard tracking scene (150 frames) from the
// real face crops at the given size into a temporary file.
func benchVideo(b *testing.B, w, h int, codec, ext string) string {
	b.Helper()
	crops, err := synth.LoadCrops(testenv.SharedData(b, "faceapi/people"))
	if err != nil {
		b.Fatal(err)
	}
	scene, err := synth.TrackingScene(crops, w, h)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), fmt.Sprintf("scene%dx%d%s", w, h, ext))
	if err := synth.WriteVideo(context.Background(), path, codec, scene, crops); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkDecode measures decoding alone through a Source (FFmpeg on its
// goroutine, frames handed over the bounded buffer): the ceiling of any
// scan. Run: go test ./media/ -run XXX -bench Decode -benchtime 3x
func BenchmarkDecode(b *testing.B) {
	for _, c := range []struct {
		w, h       int
		codec, ext string
	}{{1280, 720, "mp4v", ".mp4"}, {1920, 1080, "mp4v", ".mp4"}, {1280, 720, "MJPG", ".avi"}} {
		b.Run(fmt.Sprintf("%dx%d-%s", c.w, c.h, c.codec), func(b *testing.B) {
			path := benchVideo(b, c.w, c.h, c.codec, c.ext)
			b.ResetTimer()
			frames := 0
			start := time.Now()
			for i := 0; i < b.N; i++ {
				src, err := Open(context.Background(), path, SourceOptions{})
				if err != nil {
					b.Fatal(err)
				}
				for {
					f, err := src.Next(context.Background())
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					f.Close()
					frames++
				}
				src.Close()
			}
			b.ReportMetric(float64(frames)/time.Since(start).Seconds(), "frames/s")
		})
	}
}
