package dlib

import (
	"errors"
	"unsafe"
)

// #include <stdlib.h>
import "C"

var (
	// ErrClosed is returned by a method called after Close.
	ErrClosed = errors.New("dlib: object closed")
	// ErrBadImage is returned for an image view that does not describe
	// its pixels (empty, unknown format, buffer shorter than the rows).
	ErrBadImage = errors.New("dlib: bad image")
	// ErrBadModel is returned when a shape predictor file exists but is not
	// a usable dlib shape predictor (damaged, cut off, another model).
	ErrBadModel = errors.New("dlib: not a usable shape predictor model")
	// ErrBadArgument is returned for arguments dlib would reject (an empty
	// box, a non-positive chip size, landmarks that are not pixels, ...).
	ErrBadArgument = errors.New("dlib: bad argument")
)

// cError turns an error string from the C shim into a Go error and
// releases it; nil stays nil.
func cError(msg *C.char) error {
	if msg == nil {
		return nil
	}
	defer C.free(unsafe.Pointer(msg))
	return errors.New(C.GoString(msg))
}
