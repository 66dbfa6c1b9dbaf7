package testenv

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// SpecialFile is a path that is not a regular file, and the words an
// error refusing it must contain.
type SpecialFile struct {
	Path string
	Says string
}

// Mkfifo makes a named pipe at path.
func Mkfifo(tb testing.TB, path string) string {
	tb.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		tb.Fatalf("mkfifo %s: %v", path, err)
	}
	return path
}

// SpecialFiles makes, in a new temporary folder, a named pipe, a unix
// socket and a folder, all named like photos, and lists them with
// /dev/zero. Reading the pipe would block for ever and /dev/zero never
// ends: code given these must refuse them without reading.
func SpecialFiles(tb testing.TB) []SpecialFile {
	tb.Helper()
	dir := tb.TempDir()
	fifo := Mkfifo(tb, filepath.Join(dir, "f.jpg"))
	sock := filepath.Join(dir, "s.jpg")
	l, err := net.Listen("unix", sock)
	if err != nil {
		tb.Fatalf("unix socket: %v", err)
	}
	tb.Cleanup(func() { l.Close() })
	folder := filepath.Join(dir, "photos.jpg")
	if err := os.Mkdir(folder, 0o700); err != nil {
		tb.Fatal(err)
	}
	return []SpecialFile{
		{fifo, "is a named pipe (FIFO), not a regular file"},
		{sock, "is a socket"},
		{folder, "is a folder"},
		{"/dev/zero", "is a character device"},
	}
}
