package dlib

import (
	"fmt"
	"math"
	"runtime"
	"unsafe"
)

// #include "fcdlib.h"
import "C"

// maxChipSize bounds the side of a face chip (dlib's own chips are 150 px).
const maxChipSize = 4096

// FaceChipInto cuts dlib's aligned face chip out of img: the similarity
// transform get_face_chip_details fits from the landmarks to dlib's mean
// face shape, padded by padding times the face on every side, sampled by
// extract_image_chip exactly as dlib does (bilinear, after an image pyramid
// for faces much larger than the chip). The chip is size x size RGB
// pixels, 3 bytes each, written into dst with rows stride bytes apart,
// for example straight into an RGB CV_8UC3 gocv.Mat's buffer
// (Mat.DataPtrUint8, Mat.Step). Landmarks are rounded to whole pixels
// first, as dlib stores them. dlib's descriptor net takes size 150,
// padding 0.25. dst is not changed when an error is returned.
func FaceChipInto(dst []byte, stride int, img Image, landmarks [LandmarkCount]Point, size int, padding float64) error {
	if err := img.check(); err != nil {
		return fmt.Errorf("face chip: %w", err)
	}
	switch {
	case size <= 0 || size > maxChipSize:
		return fmt.Errorf("face chip: %w: size %d (want 1 to %d)", ErrBadArgument, size, maxChipSize)
	case padding < 0 || math.IsNaN(padding) || math.IsInf(padding, 0):
		return fmt.Errorf("face chip: %w: padding %v", ErrBadArgument, padding)
	case stride < 3*size || len(dst) < (size-1)*stride+3*size:
		return fmt.Errorf("face chip: %w: destination of %d bytes, stride %d, cannot hold %dx%d RGB", ErrBadArgument, len(dst), stride, size, size)
	}
	var xy [2 * LandmarkCount]C.double
	for i, p := range landmarks {
		if !(math.Abs(p.X) <= 1e9 && math.Abs(p.Y) <= 1e9) {
			return fmt.Errorf("face chip: %w: landmark %d at (%v, %v)", ErrBadArgument, i, p.X, p.Y)
		}
		xy[2*i], xy[2*i+1] = C.double(p.X), C.double(p.Y)
	}
	var pinner runtime.Pinner
	defer pinner.Unpin()
	cimg := img.cImage(&pinner)
	out := &dst[0]
	pinner.Pin(out)
	err := cError(C.fcdlib_face_chip(cimg, &xy[0], LandmarkCount, C.long(size), C.double(padding),
		(*C.uint8_t)(unsafe.Pointer(out)), C.long(stride)))
	if err != nil {
		return fmt.Errorf("face chip: %w", err)
	}
	return nil
}
