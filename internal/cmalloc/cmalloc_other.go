//go:build !linux || !cgo

package cmalloc

// Trim does nothing on this system: false.
func Trim() bool { return false }
