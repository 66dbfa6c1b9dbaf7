package dlib

import (
	"fmt"
	"runtime"
	"unsafe"
)

// #include "fcdlib.h"
import "C"

// PixelFormat is the layout of an Image's pixels.
type PixelFormat int

const (
	// BGR is 3 bytes per pixel, blue, green, red: OpenCV's CV_8UC3.
	BGR PixelFormat = C.FCDLIB_PIXEL_BGR
	// Gray is 1 byte per pixel: OpenCV's CV_8UC1.
	Gray PixelFormat = C.FCDLIB_PIXEL_GRAY
)

// String names the format.
func (f PixelFormat) String() string {
	switch f {
	case BGR:
		return "BGR"
	case Gray:
		return "Gray"
	}
	return fmt.Sprintf("PixelFormat(%d)", int(f))
}

// bytesPerPixel is 3 for BGR, 1 for Gray and 0 for anything else.
func (f PixelFormat) bytesPerPixel() int {
	switch f {
	case BGR:
		return 3
	case Gray:
		return 1
	}
	return 0
}

// Image is a read-only view of 8-bit pixels: row y starts at Pix[y*Stride].
// Pix may be Go memory or memory outside the Go heap such as a gocv.Mat's
// buffer (Mat.DataPtrUint8); it must stay valid and unchanged during a call.
type Image struct {
	Pix           []byte
	Width, Height int
	// Stride is the number of bytes from one row to the next, at least
	// Width times the bytes per pixel.
	Stride int
	Format PixelFormat
}

// check reports whether the view describes its pixels.
func (im Image) check() error {
	bpp := im.Format.bytesPerPixel()
	switch {
	case bpp == 0:
		return fmt.Errorf("%w: unknown pixel format %v", ErrBadImage, im.Format)
	case im.Width <= 0 || im.Height <= 0:
		return fmt.Errorf("%w: size %dx%d", ErrBadImage, im.Width, im.Height)
	case im.Width > maxImageSide || im.Height > maxImageSide:
		return fmt.Errorf("%w: size %dx%d is larger than %d pixels a side", ErrBadImage, im.Width, im.Height, maxImageSide)
	case im.Stride < im.Width*bpp:
		return fmt.Errorf("%w: stride %d is shorter than a row of %d %v pixels", ErrBadImage, im.Stride, im.Width, im.Format)
	case len(im.Pix) < (im.Height-1)*im.Stride+im.Width*bpp:
		return fmt.Errorf("%w: %d bytes hold less than %d rows of stride %d", ErrBadImage, len(im.Pix), im.Height, im.Stride)
	}
	return nil
}

// maxImageSide keeps every offset dlib computes within a C int.
const maxImageSide = 1 << 15

// cImage is the C view of im, which must have passed check. The pixels are
// pinned until unpin is called, so that the view stays valid while C reads
// it (pinning memory outside the Go heap does nothing).
func (im Image) cImage(pinner *runtime.Pinner) C.fcdlib_image {
	p := &im.Pix[0]
	pinner.Pin(p)
	return C.fcdlib_image{
		pix:    (*C.uint8_t)(unsafe.Pointer(p)),
		width:  C.int(im.Width),
		height: C.int(im.Height),
		stride: C.int(im.Stride),
		format: C.int(im.Format),
	}
}
