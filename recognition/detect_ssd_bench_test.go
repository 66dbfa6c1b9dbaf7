package recognition_test

import (
	"context"
	"image"
	"testing"

	"facecase/facedata"
	"facecase/media"

	"gocv.io/x/gocv"
)

// BenchmarkSSDDetect is one Detect on the 1920x1280 demo photo sample1.jpg:
// scaling to 512, the forward pass, decoding and NMS.
func BenchmarkSSDDetect(b *testing.B) {
	d := ssdOpen(b)
	img, err := media.LoadImage(ssdSample(b, "sample1.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	defer img.Close()
	ssdBenchDetect(b, d.Detect, img, 3)
}

// BenchmarkSSDDetect512 is one Detect on a 512x512 image, the net's own
// input size, so it measures the forward pass with the least around it.
func BenchmarkSSDDetect512(b *testing.B) {
	d := ssdOpen(b)
	photo, err := media.LoadImage(ssdSample(b, "sample1.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	defer photo.Close()
	square := photo.Region(image.Rect(0, 0, photo.Rows(), photo.Rows()))
	defer square.Close()
	img := gocv.NewMat()
	defer img.Close()
	gocv.Resize(square, &img, image.Pt(512, 512), 0, 0, gocv.InterpolationArea)
	ssdBenchDetect(b, d.Detect, img, 2)
}

// ssdBenchDetect times detect on img and checks it finds at least faces faces.
func ssdBenchDetect(b *testing.B, detect func(context.Context, gocv.Mat) ([]facedata.Detection, error), img gocv.Mat, faces int) {
	ctx := context.Background()
	if _, err := detect(ctx, img); err != nil { // warm-up: the first forward allocates
		b.Fatal(err)
	}
	for b.Loop() {
		dets, err := detect(ctx, img)
		if err != nil {
			b.Fatal(err)
		}
		if len(dets) < faces {
			b.Fatalf("found %d faces, want at least %d", len(dets), faces)
		}
	}
}
