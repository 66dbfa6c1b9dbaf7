package recognition

import (
	"context"
	"facecase/facedata"

	"gocv.io/x/gocv"
)

// Detector finds faces in a BGR 8-bit image. Implementations are safe for
// concurrent use and close every Mat they create.
type Detector interface {
	// Name is the name the detector is selected by.
	Name() facedata.DetectorName
	// Detect returns boxes in the coordinates of img, best first or in any
	// order; the engine merges and sorts them.
	Detect(ctx context.Context, img gocv.Mat) ([]facedata.Detection, error)
	// Close releases the model.
	Close() error
}
