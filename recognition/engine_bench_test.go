package recognition_test

import (
	"context"
	"testing"

	"gocv.io/x/gocv"

	"facecase/internal/synth"
	"facecase/internal/testenv"
	"facecase/media"
	"facecase/recognition"
)

// benchAnalyzePhoto decodes and analyses the 1920x1280 demo photo sample1.jpg
// end to end with the given smallest face size.
func benchAnalyzePhoto(b *testing.B, minFace int) {
	path := ssdSample(b, "sample1.jpg")
	opts := recognition.DefaultOptions()
	opts.MinFaceSize = minFace
	e, err := recognition.NewEngine(opts)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		img, err := media.LoadImage(path)
		if err != nil {
			b.Fatal(err)
		}
		faces, err := e.Analyze(context.Background(), img)
		img.Close()
		if err != nil || len(faces) == 0 {
			b.Fatalf("%d faces, %v", len(faces), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/photo")
}

// BenchmarkAnalyzePhoto is the default: faces from 20 px.
func BenchmarkAnalyzePhoto(b *testing.B) { benchAnalyzePhoto(b, 20) }

// BenchmarkAnalyzePhotoLargeFaces looks for faces from 80 px only.
func BenchmarkAnalyzePhotoLargeFaces(b *testing.B) { benchAnalyzePhoto(b, 80) }

// BenchmarkAnalyzePhotoWholeFrame is one SSD pass over the whole frame.
func BenchmarkAnalyzePhotoWholeFrame(b *testing.B) { benchAnalyzePhoto(b, 0) }

// BenchmarkAnalyzeCrowd analyses a 1920x1280 crowd of 120 real faces at 20
// to 120 px.
func BenchmarkAnalyzeCrowd(b *testing.B) {
	crops, err := synth.LoadCrops(testenv.SharedData(b, "faceapi/people"))
	if err != nil {
		b.Fatal(err)
	}
	img, _, err := synth.Crowd(crops, synth.CrowdOptions{Width: 1920, Height: 1280, Faces: 120, MinSize: 20, MaxSize: 120, Seed: 42})
	if err != nil {
		b.Fatal(err)
	}
	frame, err := gocv.ImageToMatRGB(img)
	if err != nil {
		b.Fatal(err)
	}
	defer frame.Close()
	e := testEngine(b)
	b.ResetTimer()
	var n int
	for i := 0; i < b.N; i++ {
		faces, err := e.Analyze(context.Background(), frame)
		if err != nil {
			b.Fatal(err)
		}
		n = len(faces)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/image")
	b.ReportMetric(float64(n), "faces")
}
