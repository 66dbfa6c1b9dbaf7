package fsutil

import (
	"fmt"
	"io/fs"
	"strconv"
	"unicode/utf8"
)

// ShowPath is a file name as it may appear in a message: unchanged when it
// is valid UTF-8 made of printable characters, otherwise quoted with
// strconv.Quote, so that a name holding a newline, a terminal escape or a
// right-to-left override cannot forge or hide lines of output.
func ShowPath(name string) string {
	if !utf8.ValidString(name) {
		return strconv.Quote(name)
	}
	for _, r := range name {
		if !strconv.IsPrint(r) {
			return strconv.Quote(name)
		}
	}
	return name
}

// WrapPath wraps err as "op NAME: reason", with NAME shown by ShowPath.
// When err is the *fs.PathError of an os call on the same path, its own
// copy of the raw name is left out, so the name appears once and quoted.
// errors.Is and errors.As still see the reason.
func WrapPath(op, path string, err error) error {
	if pe, ok := err.(*fs.PathError); ok && pe.Path == path {
		return fmt.Errorf("%s %s: %w", op, ShowPath(path), pe.Err)
	}
	return fmt.Errorf("%s %s: %w", op, ShowPath(path), err)
}
