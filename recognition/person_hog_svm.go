package recognition

/*
#cgo !windows pkg-config: opencv4
#cgo CXXFLAGS: --std=c++11
#include "person_hog_svm.h"
*/
import "C"

import (
	"unsafe"

	"gocv.io/x/gocv"
)

// hogPeopleSVMSize is the length of OpenCV's default people detector: the
// 3780 HOG features of a 64x128 window and the bias.
const hogPeopleSVMSize = 3781

// hogPeopleSVM returns OpenCV's default HOG people detector as a 3781x1
// float Mat owned by the caller. gocv.HOGDefaultPeopleDetector cannot be
// used: it wraps the coefficients of a vector freed before it returns, so
// the detector it gives reads freed memory (on vtest.avi it found one
// box a frame in 40 s instead of the people in a second).
func hogPeopleSVM() (gocv.Mat, error) {
	coef := make([]float32, hogPeopleSVMSize)
	n := int(C.fc_hog_default_people((*C.float)(unsafe.Pointer(&coef[0])), C.int(len(coef))))
	if n != hogPeopleSVMSize {
		return gocv.NewMat(), errHOGSize(n)
	}
	return gocv.NewMatFromBytes(n, 1, gocv.MatTypeCV32F, unsafe.Slice((*byte)(unsafe.Pointer(&coef[0])), 4*n))
}
