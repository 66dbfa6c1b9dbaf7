package dlibface

// #include "shim.h"
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

// Detection is one face found by the HOG detector: a box in pixels (right
// and bottom exclusive) and dlib's detection confidence (the SVM margin; 0
// is dlib's default threshold).
type Detection struct {
	Left, Top, Right, Bottom float64
	Confidence               float64
}

// HOGDetector is dlib's frontal face detector (HOG features and a linear
// SVM, five pose-specific filters). dlib's object_detector keeps scanning
// state, so one instance serves one call at a time; HOGDetector serialises
// calls with a mutex (the engine keeps a pool for parallel use).
type HOGDetector struct {
	mu sync.Mutex
	d  *C.fc_hog_detector
}

// NewHOGDetector builds the detector (its model is compiled into dlib).
func NewHOGDetector() (*HOGDetector, error) {
	var msg *C.char
	d := C.fc_hog_new(&msg)
	if d == nil {
		return nil, takeError(msg, "HOG detector")
	}
	return &HOGDetector{d: d}, nil
}

// Detect finds frontal faces after upsample doublings of the image (0 finds
// faces from about 80 pixels, 1 from about 40). adjustThreshold below 0
// finds more, less certain faces.
func (h *HOGDetector) Detect(img Image, upsample int, adjustThreshold float64) ([]Detection, error) {
	ci, err := img.c()
	if err != nil {
		return nil, err
	}
	if upsample < 0 || upsample > 3 {
		return nil, fmt.Errorf("dlib: HOG upsample %d outside 0..3", upsample)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.d == nil {
		return nil, ErrClosed
	}
	var out *C.fc_detection
	var n C.int
	var msg *C.char
	if C.fc_hog_detect(h.d, ci, C.int(upsample), C.double(adjustThreshold), &out, &n, &msg) == 0 {
		return nil, takeError(msg, "HOG detector")
	}
	defer C.fc_free(unsafe.Pointer(out))
	cdets := unsafe.Slice(out, int(n))
	dets := make([]Detection, len(cdets))
	for i, d := range cdets {
		dets[i] = Detection{float64(d.left), float64(d.top), float64(d.right), float64(d.bottom), float64(d.confidence)}
	}
	return dets, nil
}

// Close releases the detector.
func (h *HOGDetector) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.d != nil {
		C.fc_hog_free(h.d)
		h.d = nil
	}
	return nil
}
