package ort

import (
	"errors"
	"fmt"
)

// #include <stdlib.h>
// #include "fcort.h"
import "C"

var (
	// ErrLibrary is returned when the ONNX Runtime library cannot be loaded
	// (missing, not ONNX Runtime, too old) or is already loaded from another
	// path.
	ErrLibrary = errors.New("ort: cannot use the ONNX Runtime library")
	// ErrClosed is returned by a method called after Close.
	ErrClosed = errors.New("ort: session closed")
	// ErrBadModel is returned for model bytes ONNX Runtime cannot build a
	// session from (not ONNX, an invalid graph, an unknown operator).
	ErrBadModel = errors.New("ort: bad model")
	// ErrBadInput is returned for inputs that do not fit the model: an
	// unknown name, a shape that does not match the data or the model.
	ErrBadInput = errors.New("ort: bad input")
)

// ONNX Runtime's error codes (OrtErrorCode).
const (
	codeInvalidArgument = 2
	codeNoModel         = 4
	codeInvalidProtobuf = 7
	codeNotImplemented  = 9
	codeInvalidGraph    = 10
)

// Error is a failure ONNX Runtime reported: its error code and message,
// and the step of ours that called it.
type Error struct {
	Op      string
	Code    int
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("ort: %s: %s (ONNX Runtime error code %d)", e.Op, e.Message, e.Code)
}

// Is matches ErrBadInput for invalid arguments and ErrBadModel for models
// ONNX Runtime cannot read or build.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrBadInput:
		return e.Code == codeInvalidArgument
	case ErrBadModel:
		switch e.Code {
		case codeNoModel, codeInvalidProtobuf, codeNotImplemented, codeInvalidGraph:
			return true
		}
	}
	return false
}

// statusError turns an OrtStatus into an *Error and releases the status;
// a nil status gives nil.
func (r *Runtime) statusError(op string, st *C.OrtStatus) error {
	if st == nil {
		return nil
	}
	defer C.fcort_release_status(r.api, st)
	return &Error{
		Op:      op,
		Code:    int(C.fcort_status_code(r.api, st)),
		Message: C.GoString(C.fcort_status_message(r.api, st)),
	}
}
