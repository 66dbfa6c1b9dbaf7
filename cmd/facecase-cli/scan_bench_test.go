package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"facecase/facedata"
	"facecase/internal/synth"
	"facecase/internal/testenv"
	"facecase/media"
	"facecase/tracking"
)

// BenchmarkScan measures decode + detect + track as the scan command runs
// them (faces from 40 px, descriptors on) over the standard tracking scene
// rendered at 1280x720 and 1920x1080, with the video detector and with
// UltraFace: detection on every frame, every 3rd/5th/8th frame, and the
// automatic interval. The targets on a 2-core machine are 60 frames/s at
// 720p and 30 at 1080p. The automatic interval keeps up with the video's
// own rate (30 frames/s here) and no more: it first detects on 4 frames to
// measure the cost, then fixes N (at most 8) for the file; every-8 is the
// steady state of a long file at the largest interval.
// Run: go test ./cmd/facecase-cli/ -run XXX -bench Scan -benchtime 1x
func BenchmarkScan(b *testing.B) {
	for _, c := range []struct{ w, h int }{{1280, 720}, {1920, 1080}} {
		path := benchSceneVideo(b, c.w, c.h)
		for _, detector := range []facedata.DetectorName{videoDetector, facedata.UltraFace} {
			benchScanWith(b, path, detector, c.w, c.h)
		}
	}
}

func benchScanWith(b *testing.B, path string, detector facedata.DetectorName, w, h int) {
	engines := newScanEngines(true)
	defer engines.Close()
	an, err := engines.analyzer(detector, videoMinFace)
	if err != nil {
		b.Fatal(err)
	}
	for _, every := range []int{1, 3, 5, 8, 0} {
		name := fmt.Sprintf("%s/%dx%d/every-%d", detector, w, h, every)
		if every == 0 {
			name = fmt.Sprintf("%s/%dx%d/every-auto", detector, w, h)
		}
		b.Run(name, func(b *testing.B) {
			var frames, tracks, n int
			var secs float64
			cpu0 := processCPU()
			for i := 0; i < b.N; i++ {
				src, err := media.Open(context.Background(), path, media.SourceOptions{})
				if err != nil {
					b.Fatal(err)
				}
				sum, err := media.Scan(context.Background(), src, an, media.ScanOptions{Every: every, Tracking: tracking.DefaultConfig()})
				src.Close()
				if err != nil {
					b.Fatal(err)
				}
				frames += sum.Frames
				secs += sum.Elapsed.Seconds()
				tracks += sum.Tracks
				n = sum.Every
			}
			b.ReportMetric(float64(frames)/secs, "frames/s")
			// Processor time of the process per frame: on a shared machine
			// it moves less with the load than the frame rate does.
			b.ReportMetric(ms(processCPU()-cpu0)/float64(max(1, frames)), "cpu-ms/frame")
			b.ReportMetric(float64(n), "every")
			b.ReportMetric(float64(tracks)/float64(b.N), "tracks")
		})
	}
}

func benchSceneVideo(b *testing.B, w, h int) string {
	b.Helper()
	crops, err := synth.LoadCrops(testenv.SharedData(b, "faceapi/people"))
	if err != nil {
		b.Fatal(err)
	}
	scene, err := synth.TrackingScene(crops, w, h)
	if err != nil {
		b.Fatal(err)
	}
	// At 30 fps the automatic interval aims at the 30 frames/s target.
	scene.FPS = 30
	path := filepath.Join(b.TempDir(), fmt.Sprintf("scene%dx%d.mp4", w, h))
	if err := synth.WriteVideo(context.Background(), path, "mp4v", scene, crops); err != nil {
		b.Fatal(err)
	}
	return path
}
