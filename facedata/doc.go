// Package facedata holds the value types that describe faces and where
// they are: Face, Detection, Rect, Point, Descriptor and Quality, with
// their small methods (areas, overlaps, distances, the quality verdict),
// and the names of the detectors that find them (DetectorName,
// PersonDetectorName), as users select them and files store them.
//
// It is a leaf package in pure Go, so that the packages that only store or
// follow faces (tracking, casefile) do not link the engine's cgo models:
// recognition fills these values, everyone else reads them.
package facedata
