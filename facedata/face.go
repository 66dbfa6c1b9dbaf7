package facedata

import (
	"image"
)

// LandmarkCount is the number of points of dlib's 68-point face shape.
const LandmarkCount = 68

// Face is one face found in a frame, with everything needed to search with it.
type Face struct {
	// Box is the detector's box in frame pixels.
	Box Rect `json:"box"`
	// Score is the detector's confidence in [0, 1] (HOG and Haar report
	// their own margins mapped into that range).
	Score float32 `json:"score"`
	// Detector names the detector that found the face.
	Detector DetectorName `json:"detector"`
	// Landmarks are dlib's 68 points in frame pixels.
	Landmarks []Point `json:"landmarks"`
	// Quality says whether the face is good enough to search with.
	Quality Quality `json:"quality"`
	// Descriptor is the 128-D descriptor of the aligned chip; nil when
	// descriptors were not asked for.
	Descriptor *Descriptor `json:"descriptor,omitempty"`
	// Cohort holds the descriptor's cohort statistics (zero when there is
	// no descriptor), computed with it by the engine.
	Cohort CohortStats `json:"cohort,omitzero"`
	// Chip is the aligned 150x150 RGB face chip (not serialized).
	Chip *image.RGBA `json:"-"`
}

// Detection is a detector's raw output before alignment.
type Detection struct {
	Box   Rect
	Score float32
	// Keypoints are detector-specific points (BlazeFace gives six); may be nil.
	Keypoints []Point
}

// Template is the face's descriptor with its cohort statistics; ok is
// false when the face has no descriptor.
func (f *Face) Template() (t Template, ok bool) {
	if f.Descriptor == nil {
		return Template{}, false
	}
	return Template{Descriptor: *f.Descriptor, Cohort: f.Cohort}, true
}
