package media

import (
	"errors"

	"facecase/internal/fsutil"
)

// Errors for photos that cannot be used. They are wrapped with the file name;
// test with errors.Is.
var (
	// ErrEmptyFile is returned for a zero-byte file.
	ErrEmptyFile = errors.New("file is empty")
	// ErrUnsupportedFormat is returned when the content is not an image
	// format we decode (whatever the file is named).
	ErrUnsupportedFormat = errors.New("not a supported image format")
	// ErrCorruptImage is returned for damaged or truncated image data.
	ErrCorruptImage = errors.New("image data is damaged or truncated")
	// ErrImageTooLarge is returned when the header claims more pixels than
	// MaxImagePixels, before anything is decoded.
	ErrImageTooLarge = errors.New("image is too large")
	// ErrNotRegularFile is returned for a path that is a folder, a named
	// pipe, a device or a socket: it is refused without being read.
	ErrNotRegularFile = fsutil.ErrNotRegular
)
