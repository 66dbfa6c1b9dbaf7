package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrNotRegular is returned by OpenRegular for a path that names a folder,
// a named pipe, a device, a socket or anything else that is not a regular
// file. Reading such a path can block forever (a pipe nobody writes to) or
// never end (/dev/zero); user-given input is refused instead.
var ErrNotRegular = errors.New("not a regular file")

// OpenRegular opens a user-given path read-only and checks, on the opened
// descriptor, that it is a regular file. The open itself cannot block: it
// is made non-blocking, so a named pipe with no writer is opened, seen for
// what it is and closed, instead of hanging the caller. The check is made
// with fstat on the descriptor that is then read, so the path cannot be
// swapped for a pipe between check and read. Symbolic links are followed.
//
// A path that is not a regular file gives an error that names what it is
// ("is a named pipe (FIFO), not a regular file") and matches ErrNotRegular;
// other failures are the *fs.PathError of the open or stat.
func OpenRegular(path string) (*os.File, error) {
	// A cheap first look avoids opening devices at all in the common case
	// (opening some devices has side effects); the fstat below is the check
	// that counts.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, notRegular(st.Mode())
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(st.Mode())
	}
	if err := clearNonBlocking(f); err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return f, nil
}

// notRegular names what a mode is, wrapping ErrNotRegular.
func notRegular(m fs.FileMode) error {
	return fmt.Errorf("is %s, %w", DescribeMode(m), ErrNotRegular)
}

// DescribeMode names the type of a file mode for messages: "a folder",
// "a named pipe (FIFO)", "a character device" and so on.
func DescribeMode(m fs.FileMode) string {
	switch t := m.Type(); {
	case t == 0:
		return "a regular file"
	case t&fs.ModeDir != 0:
		return "a folder"
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t&fs.ModeCharDevice != 0:
		return "a character device"
	case t&fs.ModeDevice != 0:
		return "a block device"
	case t&fs.ModeSymlink != 0:
		return "a symbolic link"
	case t&fs.ModeIrregular != 0:
		return "a special file of unknown type"
	}
	return "a special file (" + m.Type().String() + ")"
}
