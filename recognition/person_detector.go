package recognition

import (
	"context"
	"fmt"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/models"
)

// PersonDetector finds whole people in a BGR 8-bit image. Implementations
// are safe for concurrent use and close every Mat they create.
type PersonDetector interface {
	// Name is the name the detector is selected by.
	Name() facedata.PersonDetectorName
	// DetectPeople returns person boxes in the coordinates of img, with
	// their scores; Clothes is left nil (see MeasureClothes).
	DetectPeople(ctx context.Context, img gocv.Mat) ([]facedata.Person, error)
	// Close releases the model.
	Close() error
}

// PersonOptions tune a person detector.
type PersonOptions struct {
	// MinHeight is the height, in frame pixels, of the smallest person the
	// detector must find; the frame is scaled so that such a person
	// reaches the net's smallest reliable size. 0 means DefaultMinPersonHeight.
	MinHeight int
	// MinScore is the lowest confidence kept; 0 keeps the detector's
	// default.
	MinScore float32
	// MaxInputPixels bounds the area the net sees (time grows with it);
	// larger frames are scaled down even if that loses the smallest
	// people. 0 means DefaultMaxPersonInput.
	MaxInputPixels int
	// Runtime is the inference runtime: RuntimeORT (default) or
	// RuntimeOpenCV.
	Runtime string
}

// DefaultMinPersonHeight is the smallest person looked for by default: the
// issue's 50 px (a pedestrian some 30 m from a CCTV camera at 576 lines).
const DefaultMinPersonHeight = 50

// NewPersonDetector loads the named person detector ("" is the default)
// from the installed models. A missing model gives an error matching
// models.ErrModelMissing that says how to install it; a name not in
// facedata.PersonDetectorNames one matching
// facedata.ErrUnknownPersonDetector.
func NewPersonDetector(name facedata.PersonDetectorName, opts PersonOptions) (PersonDetector, error) {
	switch name {
	case facedata.NanoDet, "":
		p, err := models.Locate("person")
		if err != nil {
			return nil, err
		}
		return NewNanoDetPeople(p, opts)
	case facedata.PersonHOG:
		d, err := NewHOGPeople(opts)
		if err != nil {
			return nil, err
		}
		return d, nil
	}
	_, err := facedata.ParsePersonDetectorName(string(name))
	if err == nil {
		err = fmt.Errorf("%w %q: no constructor", facedata.ErrUnknownPersonDetector, name)
	}
	return nil, err
}
