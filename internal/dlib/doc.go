// Package dlib is facecase's own small cgo binding to Debian's dlib
// (libdlib-dev 19.24): the 68-point shape predictor, dlib's aligned face
// chip (get_face_chip_details + extract_image_chip) and the HOG frontal face
// detector. The module github.com/Kagami/go-face is not available, and we
// need only these three pieces.
//
// # Images
//
// An Image is a view of 8-bit pixels the caller owns, BGR as OpenCV stores
// colour or grey, with a row stride. dlib reads the pixels in place through
// its generic image interface (no copy) and keeps no pointer after a call
// returns; the bytes may be Go memory or a gocv.Mat's buffer
// (Mat.DataPtrUint8). The package never writes to an input image.
//
// # Errors
//
// A small C API (fcdlib.h) sits between Go and dlib's C++. It catches every
// C++ exception and returns its message, so dlib failures come back as Go
// errors; inputs dlib would reject with an assertion are checked before
// dlib sees them. Callers branch on ErrClosed, ErrBadImage, ErrBadModel and
// ErrBadArgument with errors.Is.
//
// # Ownership
//
// ShapePredictor and HOGDetector hold C++ objects outside the Go heap.
// There are no finalizers: the owner calls Close exactly when done (later
// calls are no-ops). Close waits for calls in flight, and every method
// called after Close returns ErrClosed. Results (landmarks, boxes, chip
// pixels) are Go values the caller owns.
//
// # Concurrency
//
// Both types are safe for concurrent use. dlib documents shape_predictor as
// usable from many threads at once without locking (shape_predictor_abstract.h,
// "THREAD SAFETY"), so one ShapePredictor serves all goroutines. dlib's
// object_detector is not: its operator() loads the image into the detector's
// own scanner (scan_fhog_pyramid_abstract.h, "THREAD SAFETY"; Davis King in
// github.com/davisking/dlib/issues/340 and 1149), so a HOGDetector keeps one
// dlib detector per concurrent caller and hands them out one at a time.
// FaceChipInto keeps no state.
//
// dlib calls cannot be interrupted: a HOG scan of a large, upsampled image
// runs to its end once started.
package dlib
