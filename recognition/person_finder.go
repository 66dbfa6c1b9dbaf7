package recognition

import (
	"context"

	"gocv.io/x/gocv"

	"facecase/facedata"
)

// PeopleFinder finds whole people in frames and measures their clothes
// colours, everything the person tracker needs (media.PeopleFinder). It is
// safe for concurrent use.
type PeopleFinder struct {
	det PersonDetector
}

// NewPeopleFinder loads the named person detector ("" is the default).
func NewPeopleFinder(name facedata.PersonDetectorName, opts PersonOptions) (*PeopleFinder, error) {
	det, err := NewPersonDetector(name, opts)
	if err != nil {
		return nil, err
	}
	return &PeopleFinder{det: det}, nil
}

// NewPeopleFinderWith uses an already loaded detector.
func NewPeopleFinderWith(det PersonDetector) *PeopleFinder { return &PeopleFinder{det: det} }

// Detector names the person detector.
func (f *PeopleFinder) Detector() facedata.PersonDetectorName { return f.det.Name() }

// FindPeople detects the people in a BGR frame and measures their clothes.
func (f *PeopleFinder) FindPeople(ctx context.Context, frame gocv.Mat) ([]facedata.Person, error) {
	people, err := f.det.DetectPeople(ctx, frame)
	if err != nil || len(people) == 0 {
		return people, err
	}
	src := frame
	if !frame.IsContinuous() {
		src = frame.Clone()
		defer src.Close()
	}
	if err := MeasureClothes(src, people); err != nil {
		return nil, err
	}
	return people, nil
}

// Close releases the detector.
func (f *PeopleFinder) Close() error { return f.det.Close() }
