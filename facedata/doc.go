// Package facedata holds the value types that describe faces and where
// they are: Face, Detection, Rect, Point, Descriptor and Quality, with
// their small methods (areas, overlaps, distances, the quality verdict).
//
// It is a leaf package in pure Go, so that the packages that only store or
// follow faces (tracking, casefile) do not link the engine's cgo models:
// recognition fills these values, everyone else reads them.
package facedata
