package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"facecase/media"
	"facecase/models"
	"facecase/recognition"
	"facecase/tracking"
)

// BenchmarkScanPeople measures the scan with people: decode, face
// detection (BlazeFace, faces from 40 px, descriptors on), person
// detection (NanoDet, people from 50 px), both trackers, attaching faces
// to people and drawing both overlays on every frame (no encoding), over
// real pedestrians: the first 300 frames of vtest.avi enlarged to 1280x720
// and 1920x1080 (height filled, sides padded), played at 30 frames/s.
// The targets on a 2-core machine are 30 frames/s at 720p and 15 at
// 1080p. Beside the frame rate it reports the processor time per frame
// (every thread), which moves less with other work on a shared machine,
// and a run without people at the automatic interval ("faces-only") gives
// what following people costs. Run:
//
//	go test ./cmd/facecase-cli/ -run '^$' -bench ScanPeople -benchtime 1x
func BenchmarkScanPeople(b *testing.B) {
	for _, c := range []struct{ w, h int }{{1280, 720}, {1920, 1080}} {
		path := benchPeopleVideo(b, c.w, c.h, 300)
		engines := newScanEngines(true)
		an, err := engines.analyzer("blazeface", videoMinFace)
		if err != nil {
			b.Fatal(err)
		}
		people, err := engines.people("nanodet", recognition.DefaultMinPersonHeight)
		if err != nil {
			b.Fatal(err)
		}
		for _, every := range []int{1, 4, 8, 0, -1} {
			name := fmt.Sprintf("%dx%d/every-%d", c.w, c.h, every)
			var finder media.PeopleFinder = people
			switch every {
			case 0:
				name = fmt.Sprintf("%dx%d/every-auto", c.w, c.h)
			case -1:
				name, finder, every = fmt.Sprintf("%dx%d/faces-only", c.w, c.h), nil, 0
			}
			b.Run(name, func(b *testing.B) {
				var frames, tracks, most, n int
				var secs float64
				cpu0 := processCPU()
				for i := 0; i < b.N; i++ {
					src, err := media.Open(context.Background(), path, media.SourceOptions{})
					if err != nil {
						b.Fatal(err)
					}
					sum, err := media.Scan(context.Background(), src, an, media.ScanOptions{
						Every: every, Tracking: tracking.DefaultConfig(),
						People: finder, PersonTracking: tracking.DefaultPersonConfig(),
						OnFrame: func(f media.ScanFrame) error {
							ov := media.PersonOverlay(f.PersonTracks, f.Frame.Index, media.TrackOverlayOptions{}).
								Merge(media.TrackOverlay(f.Tracks, f.Frame.Index, media.TrackOverlayOptions{}))
							return media.DrawOverlayMat(f.Frame.Mat, ov, media.OverlayStyle{})
						},
					})
					src.Close()
					if err != nil {
						b.Fatal(err)
					}
					frames += sum.Frames
					secs += sum.Elapsed.Seconds()
					tracks += sum.PersonTracks
					most = max(most, sum.MostPeople)
					n = sum.Every
				}
				b.ReportMetric(float64(frames)/secs, "frames/s")
				b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(frames), "cpu-ms/frame")
				b.ReportMetric(float64(n), "every")
				b.ReportMetric(float64(tracks)/float64(b.N), "person-tracks")
				b.ReportMetric(float64(most), "most-people")
				b.ReportMetric(0, "ns/op")
			})
		}
		engines.Close()
	}
}

// benchPeopleVideo writes the first frames of vtest.avi (installed by make
// models) enlarged to fill the height of a w x h frame, at 30 frames/s.
func benchPeopleVideo(b *testing.B, w, h, frames int) string {
	b.Helper()
	in, err := models.LocateVideo("vtest.avi")
	if err != nil {
		b.Skip(err)
	}
	vc, err := gocv.VideoCaptureFile(in)
	if err != nil {
		b.Fatal(err)
	}
	defer vc.Close()
	path := filepath.Join(b.TempDir(), fmt.Sprintf("people%dx%d.mp4", w, h))
	out, err := media.CreateVideo(path, 30, w, h)
	if err != nil {
		b.Fatal(err)
	}
	img, big := gocv.NewMat(), gocv.NewMat()
	defer img.Close()
	defer big.Close()
	canvas := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 0, 0, 0), h, w, gocv.MatTypeCV8UC3)
	defer canvas.Close()
	for i := 0; i < frames && vc.Read(&img) && !img.Empty(); i++ {
		sw := img.Cols() * h / img.Rows()
		gocv.Resize(img, &big, image.Pt(sw, h), 0, 0, gocv.InterpolationLinear)
		gocv.Rectangle(&canvas, image.Rect(0, 0, w, h), color.RGBA{}, -1)
		roi := canvas.Region(image.Rect((w-sw)/2, 0, (w-sw)/2+sw, h))
		big.CopyTo(&roi)
		roi.Close()
		if err := out.Write(canvas); err != nil {
			b.Fatal(err)
		}
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}
