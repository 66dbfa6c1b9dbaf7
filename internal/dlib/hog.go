package dlib

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// #include <stdlib.h>
// #include "fcdlib.h"
import "C"

// MaxUpsample is the largest number of upsamplings Detect accepts.
const MaxUpsample = 4

// MaxHOGPixels bounds the size of the image the HOG detector scans after
// upsampling (64 megapixels: about 200 MB of BGR pixels plus about 400 MB
// of HOG features over dlib's image pyramid).
const MaxHOGPixels = 64 << 20

// HOGDetector is dlib's frontal face detector (get_frontal_face_detector):
// five HOG filters with linear SVMs over an 80x80 window and a pyramid that
// shrinks by 5/6 per level, so it finds faces of about 80 pixels and up,
// 40 with one upsampling. It needs no model file. It is safe for concurrent
// use: dlib's detector is not, so each concurrent call gets a dlib detector
// of its own, copied from a prototype and kept for reuse. Release it with
// Close.
type HOGDetector struct {
	mu sync.RWMutex // held for reading by calls in flight, for writing by Close
	// closed is set by Close. proto is never used to detect: dlib allows
	// copying a detector from many threads as long as nothing else uses it
	// (scan_fhog_pyramid_abstract.h). idle holds copies not in use.
	closed bool
	proto  *C.fcdlib_hog
	idleMu sync.Mutex
	idle   []*C.fcdlib_hog
}

// NewHOGDetector builds the detector. dlib decodes its built-in filters
// once here (about a second); copies for concurrent callers are cheap.
func NewHOGDetector() (*HOGDetector, error) {
	var h *C.fcdlib_hog
	if err := cError(C.fcdlib_hog_new(&h)); err != nil {
		return nil, fmt.Errorf("new HOG detector: %w", err)
	}
	return &HOGDetector{proto: h}, nil
}

// Detect finds faces in img upsampled upsample times (0 to MaxUpsample; the
// boxes are mapped back to img), keeping detections whose Confidence is
// above adjustThreshold (0 is dlib's default; negative finds more, less
// certain faces). Detections come in dlib's order, most confident first,
// after dlib's own overlap suppression.
func (d *HOGDetector) Detect(img Image, upsample int, adjustThreshold float64) ([]ScoredRect, error) {
	if err := img.check(); err != nil {
		return nil, fmt.Errorf("HOG detect: %w", err)
	}
	if upsample < 0 || upsample > MaxUpsample {
		return nil, fmt.Errorf("HOG detect: %w: upsample %d (want 0 to %d)", ErrBadArgument, upsample, MaxUpsample)
	}
	if px := int64(img.Width) * int64(img.Height) << (2 * upsample); px > MaxHOGPixels {
		return nil, fmt.Errorf("HOG detect: %w: %dx%d upsampled %d times is %d megapixels, more than %d",
			ErrBadImage, img.Width, img.Height, upsample, px>>20, MaxHOGPixels>>20)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, fmt.Errorf("HOG detect: %w", ErrClosed)
	}
	h, err := d.take()
	if err != nil {
		return nil, err
	}
	defer d.give(h)

	var pinner runtime.Pinner
	defer pinner.Unpin()
	cimg := img.cImage(&pinner)
	var dets *C.fcdlib_detection
	var n C.long
	if err := cError(C.fcdlib_hog_detect(h, cimg, C.int(upsample), C.double(adjustThreshold), &dets, &n)); err != nil {
		return nil, fmt.Errorf("HOG detect: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	defer C.free(unsafe.Pointer(dets))
	out := make([]ScoredRect, n)
	for i, cd := range unsafe.Slice(dets, int(n)) {
		out[i] = ScoredRect{Rect: fromCRect(cd.rect), Confidence: float64(cd.confidence), SubDetector: int(cd.sub_detector)}
	}
	return out, nil
}

// take hands out an idle dlib detector or copies a new one.
func (d *HOGDetector) take() (*C.fcdlib_hog, error) {
	d.idleMu.Lock()
	if n := len(d.idle); n > 0 {
		h := d.idle[n-1]
		d.idle = d.idle[:n-1]
		d.idleMu.Unlock()
		return h, nil
	}
	d.idleMu.Unlock()
	var h *C.fcdlib_hog
	if err := cError(C.fcdlib_hog_clone(d.proto, &h)); err != nil {
		return nil, fmt.Errorf("HOG detect: %w", err)
	}
	return h, nil
}

// give returns a dlib detector taken with take.
func (d *HOGDetector) give(h *C.fcdlib_hog) {
	d.idleMu.Lock()
	d.idle = append(d.idle, h)
	d.idleMu.Unlock()
}

// Close releases every dlib detector after the calls in flight have
// returned. Calling it again does nothing.
func (d *HOGDetector) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	d.idleMu.Lock()
	defer d.idleMu.Unlock()
	for _, h := range d.idle {
		freeHOG(h)
	}
	d.idle = nil
	freeHOG(d.proto)
	d.proto = nil
	return nil
}

// freeHOG releases a dlib detector.
func freeHOG(h *C.fcdlib_hog) { C.fcdlib_hog_free(h) }
