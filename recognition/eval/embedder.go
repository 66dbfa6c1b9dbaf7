package eval

import (
	"context"
	"errors"

	"facecase/facedata"
)

// ErrNoFace is returned by an Embedder when an image has no usable face:
// a failure to enrol (FTE) in ISO/IEC 19795-1 terms.
var ErrNoFace = errors.New("no usable face")

// ErrUnreadable is returned by an Embedder when an image file cannot be read
// or decoded. Such images are skipped and counted, not treated as FTE.
var ErrUnreadable = errors.New("unreadable image")

// Embedder turns a face image into a descriptor. The recognition engine is
// one (see NewEngineEmbedder); tests use simple stand-ins.
type Embedder interface {
	// ModelID names the model and the settings that produce descriptors.
	// Cached descriptors are only reused under the same ModelID.
	ModelID() string
	// Embed returns the descriptor of the best face of the image at path:
	// the largest usable face. It returns an error wrapping ErrNoFace when
	// there is none, ErrUnreadable when the file cannot be decoded; any
	// other error stops the evaluation. It must be safe for concurrent use.
	Embed(ctx context.Context, path string) (facedata.Descriptor, error)
}

// EngineConfig selects how the recognition engine finds faces for the lab.
type EngineConfig struct {
	// Detector is one of facedata.DetectorNames; empty means the engine's
	// default.
	Detector facedata.DetectorName
	// MinFaceSize is the smallest face in pixels; 0 means the engine's default.
	MinFaceSize int
	// WithoutCohort starts the engine without the score normalisation
	// cohort (recognition.Options.WithoutCohort): for making a cohort.
	WithoutCohort bool
	// AnyQuality takes the largest face with a descriptor even when it is
	// below the quality limits (a cohort should hold the faces evidence
	// holds, blurred and dark ones too).
	AnyQuality bool
}

// ClosingEmbedder is an Embedder that holds resources until closed.
type ClosingEmbedder interface {
	Embedder
	Close() error
}
