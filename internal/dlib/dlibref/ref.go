package dlibref

import (
	"errors"
	"image"
	"runtime"
	"unsafe"
)

// #include <stdlib.h>
// #include "ref.h"
import "C"

// ShapePredictor is dlib's shape_predictor read with dlib's deserialize.
type ShapePredictor struct{ sp *C.dlibref_sp }

func cErr(msg *C.char) error {
	if msg == nil {
		return nil
	}
	defer C.free(unsafe.Pointer(msg))
	return errors.New(C.GoString(msg))
}

// Load reads a model in dlib's serialization.
func Load(path string) (*ShapePredictor, error) {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	var sp *C.dlibref_sp
	if err := cErr(C.dlibref_load(cp, &sp)); err != nil {
		return nil, err
	}
	return &ShapePredictor{sp: sp}, nil
}

// Landmarks places parts landmarks of the face in box (half-open) of a BGR
// image, as dlib's full_object_detection holds them.
func (p *ShapePredictor) Landmarks(bgr []byte, width, height, stride int, box image.Rectangle, parts int) ([]image.Point, error) {
	xy := make([]C.long, 2*parts)
	var pin runtime.Pinner
	pin.Pin(&bgr[0])
	defer pin.Unpin()
	err := cErr(C.dlibref_landmarks(p.sp, (*C.uint8_t)(unsafe.Pointer(&bgr[0])), C.int(width), C.int(height), C.int(stride),
		C.long(box.Min.X), C.long(box.Min.Y), C.long(box.Max.X-1), C.long(box.Max.Y-1), &xy[0], C.long(parts)))
	if err != nil {
		return nil, err
	}
	out := make([]image.Point, parts)
	for i := range out {
		out[i] = image.Pt(int(xy[2*i]), int(xy[2*i+1]))
	}
	return out, nil
}

// Close releases the model.
func (p *ShapePredictor) Close() { C.dlibref_free(p.sp) }
