package ort

// The library is opened with dlopen at run time (see doc.go); nothing
// from ONNX Runtime is linked.

// #cgo CFLAGS: -O2 -std=c11 -D_GNU_SOURCE
// #cgo LDFLAGS: -ldl
import "C"
