package dlib

import (
	"testing"

	"facecase/internal/testenv"
)

// BenchmarkLandmarks is one 68-point shape for the face in obama.jpg.
func BenchmarkLandmarks(b *testing.B) {
	im := loadBGR(b, testenv.SharedData(b, "face_recognition/obama.jpg"))
	sp := sharedPredictor(b)
	d, err := NewHOGDetector()
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	box := onlyFace(b, d, im, 0).Rect
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := sp.Landmarks(im, box); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFaceChip is one 150x150 chip of the face in obama.jpg (about
// 400 px, so dlib builds an image pyramid first).
func BenchmarkFaceChip(b *testing.B) {
	im := loadBGR(b, testenv.SharedData(b, "face_recognition/obama.jpg"))
	d, err := NewHOGDetector()
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	lm, err := sharedPredictor(b).Landmarks(im, onlyFace(b, d, im, 0).Rect)
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]byte, 150*150*3)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := FaceChipInto(dst, 450, im, lm, 150, 0.25); err != nil {
			b.Fatal(err)
		}
	}
}
