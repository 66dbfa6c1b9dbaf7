package recognition_test

import (
	"context"
	"testing"
)

// BenchmarkAlign is the cost of one face: 68 landmarks and the 150x150
// chip, for a face of about 110 px (obama_small.jpg) and one of about
// 400 px (obama.jpg, which dlib's chip extraction pyramid-downsamples).
func BenchmarkAlign(b *testing.B) {
	for _, c := range []struct{ name, rel string }{
		{"face110px", "face_recognition/obama_small.jpg"},
		{"face400px", "face_recognition/obama.jpg"},
	} {
		b.Run(c.name, func(b *testing.B) {
			a := alignTestAligner(b)
			img := alignRead(b, c.rel)
			defer img.Close()
			dets := alignDetect(b, img)
			if len(dets) != 1 {
				b.Fatalf("%d faces", len(dets))
			}
			b.ReportMetric(dets[0].Box.W, "face_px")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, chip, err := a.Align(img, dets[0].Box)
				if err != nil {
					b.Fatal(err)
				}
				chip.Close()
			}
		})
	}
}

// BenchmarkAlignParallel aligns from every core at once through one
// shared Aligner.
func BenchmarkAlignParallel(b *testing.B) {
	a := alignTestAligner(b)
	img := alignRead(b, "face_recognition/obama_small.jpg")
	defer img.Close()
	box := alignDetect(b, img)[0].Box
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, chip, err := a.Align(img, box)
			if err != nil {
				b.Error(err)
				return
			}
			chip.Close()
		}
	})
}

// BenchmarkHOGDetect is one HOG scan, upsampled once, of a 320x240 frame
// and of a 910x1137 photo.
func BenchmarkHOGDetect(b *testing.B) {
	for _, c := range []struct{ name, rel string }{
		{"320x240", "face_recognition/obama_small.jpg"},
		{"910x1137", "face_recognition/obama.jpg"},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := alignTestHOG(b)
			img := alignRead(b, c.rel)
			defer img.Close()
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := h.Detect(ctx, img); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
