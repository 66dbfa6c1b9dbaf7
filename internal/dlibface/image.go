package dlibface

// #include "shim.h"
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// ErrBadImage is returned for an image view that does not describe pixels.
var ErrBadImage = errors.New("dlib: bad image")

// Image is a view of 8-bit pixels owned by the caller, which must keep them
// alive and unchanged during the call: Channels is 3 (BGR) or 1 (grey),
// Stride is bytes per row.
type Image struct {
	Pix           unsafe.Pointer
	Width, Height int
	Stride        int
	Channels      int
}

func (img Image) c() (C.fc_image, error) {
	if img.Pix == nil || img.Width <= 0 || img.Height <= 0 ||
		(img.Channels != 1 && img.Channels != 3) || img.Stride < img.Width*img.Channels {
		return C.fc_image{}, fmt.Errorf("%w: %dx%d, %d channels, stride %d", ErrBadImage, img.Width, img.Height, img.Channels, img.Stride)
	}
	return C.fc_image{
		pix:      (*C.uchar)(img.Pix),
		width:    C.long(img.Width),
		height:   C.long(img.Height),
		stride:   C.long(img.Stride),
		channels: C.int(img.Channels),
	}, nil
}

// Point is a position in image pixels.
type Point struct{ X, Y float64 }

// takeError turns a message allocated by the shim into an error and frees it.
func takeError(msg *C.char, what string) error {
	if msg == nil {
		return fmt.Errorf("dlib: %s failed", what)
	}
	defer C.fc_free(unsafe.Pointer(msg))
	return fmt.Errorf("dlib: %s: %s", what, C.GoString(msg))
}
