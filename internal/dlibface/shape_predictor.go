package dlibface

// #include <stdlib.h>
// #include "shim.h"
import "C"

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"unsafe"
)

// LandmarkCount is the number of points of the 68-point model.
const LandmarkCount = 68

// ErrClosed is returned when an object is used after Close.
var ErrClosed = errors.New("dlib: used after Close")

// ShapePredictor places dlib's 68 face landmarks. It is safe for concurrent
// use: dlib's shape_predictor::operator() is const and keeps no state.
type ShapePredictor struct {
	mu sync.RWMutex // guards p against Close during use
	p  *C.fc_shape_predictor
}

// LoadShapePredictor reads a dlib shape predictor file such as
// /usr/share/dlib/shape_predictor_68_face_landmarks.dat.
func LoadShapePredictor(path string) (*ShapePredictor, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("load shape predictor: %w", err)
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var msg *C.char
	p := C.fc_shape_predictor_load(cpath, &msg)
	if p == nil {
		return nil, fmt.Errorf("load shape predictor %s: %w", path, takeError(msg, "deserialize"))
	}
	return &ShapePredictor{p: p}, nil
}

// Landmarks returns the 68 landmarks of the face in the box (left, top,
// right, bottom in pixels).
func (s *ShapePredictor) Landmarks(img Image, left, top, right, bottom float64) ([LandmarkCount]Point, error) {
	var out [LandmarkCount]Point
	ci, err := img.c()
	if err != nil {
		return out, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.p == nil {
		return out, ErrClosed
	}
	var pts [LandmarkCount]C.fc_point
	var msg *C.char
	if C.fc_shape_predictor_detect(s.p, ci, C.double(left), C.double(top), C.double(right), C.double(bottom), &pts[0], &msg) == 0 {
		return out, takeError(msg, "shape predictor")
	}
	for i, p := range pts {
		out[i] = Point{float64(p.x), float64(p.y)}
	}
	return out, nil
}

// Close releases the model; it waits for calls in progress.
func (s *ShapePredictor) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p != nil {
		C.fc_shape_predictor_free(s.p)
		s.p = nil
	}
	return nil
}
