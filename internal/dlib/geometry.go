package dlib

import "image"

// #include "fcdlib.h"
import "C"

// Point is a position in image pixels. dlib's shape predictor places
// landmarks on whole pixels (its full_object_detection stores integers), so
// the Points it returns have integral coordinates.
type Point struct {
	X, Y float64
}

// ScoredRect is one detection of the HOG detector.
type ScoredRect struct {
	// Rect is the box in image pixels, Min inclusive and Max exclusive (dlib's
	// inclusive rectangle [l, r] x [t, b] becomes image.Rect(l, t, r+1, b+1)).
	Rect image.Rectangle
	// Confidence is dlib's detection score: the margin of the linear SVM,
	// 0 at dlib's default threshold, typically up to about 3.
	Confidence float64
	// SubDetector is which of the frontal face detector's five HOG filters
	// fired (dlib's weight_index: 0 front looking, 1 left looking, 2 right
	// looking, 3 front looking rotated left, 4 front looking rotated right).
	SubDetector int
}

// toCRect converts a half-open image.Rectangle to dlib's inclusive one.
func toCRect(r image.Rectangle) C.fcdlib_rect {
	return C.fcdlib_rect{left: C.long(r.Min.X), top: C.long(r.Min.Y), right: C.long(r.Max.X - 1), bottom: C.long(r.Max.Y - 1)}
}

// fromCRect converts dlib's inclusive rectangle to a half-open one.
func fromCRect(r C.fcdlib_rect) image.Rectangle {
	return image.Rect(int(r.left), int(r.top), int(r.right)+1, int(r.bottom)+1)
}
