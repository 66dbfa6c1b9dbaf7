package gallery

import "errors"

// Sentinel errors callers branch on; returned errors wrap them with context.
var (
	// ErrClosed is returned by every method of a closed gallery.
	ErrClosed = errors.New("gallery is closed")
	// ErrDuplicate means a face id is already enrolled.
	ErrDuplicate = errors.New("face id already enrolled")
	// ErrNotFound means a face id is not enrolled.
	ErrNotFound = errors.New("face id not enrolled")
	// ErrBadDescriptor means a descriptor has a value that is not finite.
	ErrBadDescriptor = errors.New("descriptor has a value that is not a finite number")
	// ErrBadFaceID means a face id is zero, which is reserved.
	ErrBadFaceID = errors.New("face id 0 is reserved")
	// ErrTruncated means a gallery file is shorter than its own records say:
	// it was cut short by a failed copy or a full disk.
	ErrTruncated = errors.New("gallery file is truncated")
	// ErrCorrupt means a gallery file is damaged: a checksum failed or its
	// contents are inconsistent.
	ErrCorrupt = errors.New("gallery file is corrupt")
	// ErrNotGallery means a file is not a gallery: empty, not a bbolt file,
	// or one without gallery records.
	ErrNotGallery = errors.New("not a gallery file")
	// ErrNewerVersion means a gallery file was written by a newer facecase.
	ErrNewerVersion = errors.New("gallery file is from a newer version of facecase")
	// ErrInUse means another process has the gallery file open.
	ErrInUse = errors.New("gallery file is in use by another process")
	// ErrReadOnly means a change was asked of a gallery opened read-only
	// (OpenReadOnly), or of a file that needs an upgrade to be read.
	ErrReadOnly = errors.New("gallery is open read-only")
)
