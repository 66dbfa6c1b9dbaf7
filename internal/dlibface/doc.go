// Package dlibface is facecase's own small cgo binding to Debian's dlib
// (libdlib-dev 19.24): the 68-point shape predictor, dlib's aligned face
// chip (get_face_chip_details + extract_image_chip) and the HOG frontal face
// detector. github.com/Kagami/go-face is not available from the module
// proxy, and we need only these three pieces.
//
// Images cross the boundary as views of caller-owned 8-bit pixels (BGR as
// OpenCV stores colour, or grey); dlib reads them in place through its
// generic image interface. C++ exceptions are caught in the shim and come
// back as Go errors. Every object is released by its Close method.
package dlibface
