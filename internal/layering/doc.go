// Package layering holds no code: its tests check the project's layering
// rules with `go list`, so that a change which breaks them fails the build
// instead of slipping through review. The rules (see README.md) are:
// tracking, casefile and facedata stay pure Go (no cgo package anywhere
// in their dependencies), media, recognition and casefile never import
// Fyne, and the desktop app links no test machinery (Go's testing
// package, Fyne's test driver).
package layering
