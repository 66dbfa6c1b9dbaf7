//go:build !unix

package fsutil

import "os"

// openNonBlocking opens path read-only (systems without named pipes in the
// file system have nothing to guard against here).
func openNonBlocking(path string) (*os.File, error) { return os.Open(path) }

func clearNonBlocking(*os.File) error { return nil }
