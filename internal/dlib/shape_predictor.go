package dlib

import (
	"fmt"
	"image"
	"os"
	"runtime"
	"sync"
	"unsafe"
)

// #include <stdlib.h>
// #include "fcdlib.h"
import "C"

// LandmarkCount is the number of points of dlib's 68-point face shape
// (iBUG 300-W order: jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth
// 48-67).
const LandmarkCount = 68

// ShapePredictor is dlib's 68-point shape predictor (an ensemble of
// regression trees). One instance is safe for concurrent use; dlib documents
// its prediction as free of shared state. Release it with Close.
type ShapePredictor struct {
	mu sync.RWMutex // held for reading by calls in flight, for writing by Close
	sp *C.fcdlib_shape_predictor
}

// LoadShapePredictor reads a 68-point model: the flat form the model
// installer writes (models/convert.DlibShapePredictor; mapped into memory,
// a few milliseconds) or dlib's own serialization, such as Debian
// libdlib-data's /usr/share/dlib/shape_predictor_68_face_landmarks.dat
// (99 MB, about a second to decode). Either way the trees are evaluated
// from a flat layout (fcdlib_shape_predictor.cpp), with dlib's arithmetic:
// the landmarks are those dlib's shape_predictor places. Load once and
// share. A missing file gives an error that matches fs.ErrNotExist; a file
// that is not a 68-point shape predictor gives one that matches
// ErrBadModel.
func LoadShapePredictor(path string) (*ShapePredictor, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load shape predictor: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("load shape predictor %s: %w: not a regular file", path, ErrBadModel)
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var sp *C.fcdlib_shape_predictor
	if err := cError(C.fcdlib_shape_predictor_load(cpath, &sp)); err != nil {
		return nil, fmt.Errorf("load shape predictor %s: %w: %v", path, ErrBadModel, err)
	}
	if n := int(C.fcdlib_shape_predictor_parts(sp)); n != LandmarkCount {
		C.fcdlib_shape_predictor_free(sp)
		return nil, fmt.Errorf("load shape predictor %s: %w: it places %d landmarks, want %d", path, ErrBadModel, n, LandmarkCount)
	}
	return &ShapePredictor{sp: sp}, nil
}

// Landmarks places the 68 landmarks of the face in box, in image pixels.
// box is half-open (Max excluded) and may reach outside the image; dlib's
// predictor was trained on boxes from dlib's HOG detector and is sensitive
// to their size and position.
func (p *ShapePredictor) Landmarks(img Image, box image.Rectangle) ([LandmarkCount]Point, error) {
	var out [LandmarkCount]Point
	if err := img.check(); err != nil {
		return out, fmt.Errorf("landmarks: %w", err)
	}
	if box.Empty() {
		return out, fmt.Errorf("landmarks: %w: empty box %v", ErrBadArgument, box)
	}
	if !box.Overlaps(image.Rect(0, 0, img.Width, img.Height)) {
		return out, fmt.Errorf("landmarks: %w: box %v is outside the %dx%d image", ErrBadArgument, box, img.Width, img.Height)
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.sp == nil {
		return out, fmt.Errorf("landmarks: %w", ErrClosed)
	}
	var xy [2 * LandmarkCount]C.double
	var pinner runtime.Pinner
	defer pinner.Unpin()
	cimg := img.cImage(&pinner)
	if err := cError(C.fcdlib_shape_predictor_run(p.sp, cimg, toCRect(box), &xy[0], LandmarkCount)); err != nil {
		return out, fmt.Errorf("landmarks: %w", err)
	}
	for i := range out {
		out[i] = Point{float64(xy[2*i]), float64(xy[2*i+1])}
	}
	return out, nil
}

// Close releases the model after the calls in flight have returned.
// Calling it again does nothing.
func (p *ShapePredictor) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sp != nil {
		C.fcdlib_shape_predictor_free(p.sp)
		p.sp = nil
	}
	return nil
}
