package dlib

// Debian's dlib-1.pc (`pkg-config --libs dlib-1`) names the unversioned
// development links libblas.so and liblapack.so, which only the
// libblas-dev and liblapack-dev packages install; libdlib-dev does not
// depend on them, so `#cgo pkg-config: dlib-1` fails to link on a machine
// set up with the project's package list. dlib's headers instantiate BLAS
// and LAPACK calls in our own object code (config.h defines DLIB_USE_BLAS
// and DLIB_USE_LAPACK), so we link the run-time libraries libdlib19.1
// itself depends on (libblas3, liblapack3) by their versioned names.
// The headers are in /usr/include, which needs no -I.
//
// DLIB_NO_ABORT_ON_2ND_FATAL_ERROR stops dlib from aborting the whole
// process the second time one of its checks fails: the shim turns every
// such failure into an error instead.

// #cgo CXXFLAGS: -std=c++14 -O2 -DNDEBUG -DDLIB_NO_ABORT_ON_2ND_FATAL_ERROR -Wno-deprecated-declarations
// #cgo LDFLAGS: -ldlib -l:liblapack.so.3 -l:libblas.so.3 -lpthread
import "C"
