package dlibref

// Flags as in package facecase/internal/dlib (see its cgo.go for why BLAS
// and LAPACK are linked by their versioned names).

// #cgo CXXFLAGS: -std=c++14 -O2 -DNDEBUG -DDLIB_NO_ABORT_ON_2ND_FATAL_ERROR -Wno-deprecated-declarations
// #cgo LDFLAGS: -ldlib -l:liblapack.so.3 -l:libblas.so.3 -lpthread
import "C"
