package facedata

import (
	"errors"
	"fmt"
	"slices"
)

// DetectorName names a face detector: how a user selects it (flags,
// settings) and how case files, scan records and the audit log record
// which detector found a face. The spelling of the constants is the
// stored form and never changes.
type DetectorName string

// The face detectors, by the names they are selected and recorded by.
const (
	// UltraFace is the RFB-320 UltraFace net with an octave pyramid and the
	// SSD's second opinion: the default for photos.
	UltraFace DetectorName = "ultraface"
	// SSD is face-api's SSD MobileNet v1, with BlazeFace passes for small
	// faces.
	SSD DetectorName = "ssd"
	// BlazeFace is MediaPipe's BlazeFace: fast, the default for video.
	BlazeFace DetectorName = "blazeface"
	// HOG is dlib's HOG and linear SVM frontal face detector (no model
	// file).
	HOG DetectorName = "hog"
	// Haar is OpenCV's Viola-Jones cascade for frontal faces.
	Haar DetectorName = "haar"
)

// DefaultDetector is the face detector used when none is named.
const DefaultDetector = UltraFace

// ErrUnknownDetector is returned for a face detector name that does not
// exist.
var ErrUnknownDetector = errors.New("unknown detector")

// DetectorNames lists the face detectors that can be selected, default
// first.
func DetectorNames() []DetectorName { return []DetectorName{UltraFace, SSD, BlazeFace, HOG, Haar} }

// ParseDetectorName returns the face detector named s, or an error
// wrapping ErrUnknownDetector that lists the choices.
func ParseDetectorName(s string) (DetectorName, error) {
	return parseName(s, DetectorNames(), ErrUnknownDetector)
}

// String is the name as selected and stored.
func (n DetectorName) String() string { return string(n) }

// Set parses a command-line value (flag.Value): only the names of
// DetectorNames are accepted.
func (n *DetectorName) Set(s string) error { return setName(n, s, DetectorNames(), ErrUnknownDetector) }

// PersonDetectorName names a person detector, or how a person was found
// (PersonFromFace), as Person.Detector and scan records store it.
type PersonDetectorName string

// The person detectors, by the names they are selected and recorded by.
const (
	// NanoDet is the NanoDet-g person detector: the default.
	NanoDet PersonDetectorName = "nanodet"
	// PersonHOG is OpenCV's HOG people detector (no model file). It is
	// spelt as the HOG face detector is; the two are selected in different
	// places.
	PersonHOG PersonDetectorName = "hog"
	// CenterNet is the CenterNet MobileNetV3 person detector, used only to
	// compare person detectors (it is not installed, so not selectable).
	CenterNet PersonDetectorName = "centernet"
	// PersonFromFace marks a person box inferred from a face because no
	// detector found the body; it is not a detector that can be selected.
	PersonFromFace PersonDetectorName = "face"
)

// DefaultPersonDetector is the person detector used when none is named.
const DefaultPersonDetector = NanoDet

// ErrUnknownPersonDetector is returned for a person detector name that
// does not exist.
var ErrUnknownPersonDetector = errors.New("unknown person detector")

// PersonDetectorNames lists the person detectors that can be selected,
// default first (chosen by measurement: docs/people.md).
func PersonDetectorNames() []PersonDetectorName { return []PersonDetectorName{NanoDet, PersonHOG} }

// ParsePersonDetectorName returns the selectable person detector named s,
// or an error wrapping ErrUnknownPersonDetector that lists the choices.
func ParsePersonDetectorName(s string) (PersonDetectorName, error) {
	return parseName(s, PersonDetectorNames(), ErrUnknownPersonDetector)
}

// String is the name as selected and stored.
func (n PersonDetectorName) String() string { return string(n) }

// Set parses a command-line value (flag.Value): only the names of
// PersonDetectorNames are accepted.
func (n *PersonDetectorName) Set(s string) error {
	return setName(n, s, PersonDetectorNames(), ErrUnknownPersonDetector)
}

// parseName returns s as one of names, or an error wrapping unknown that
// lists them.
func parseName[N ~string](s string, names []N, unknown error) (N, error) {
	if !slices.Contains(names, N(s)) {
		return "", fmt.Errorf("%w %q (choose one of %v)", unknown, s, names)
	}
	return N(s), nil
}

// setName stores parseName's result in *n, leaving it as it was on error.
func setName[N ~string](n *N, s string, names []N, unknown error) error {
	v, err := parseName(s, names, unknown)
	if err != nil {
		return err
	}
	*n = v
	return nil
}
