package recognition

import (
	"errors"
	"fmt"

	"facecase/models"
)

// ErrUnknownDetector is returned for a detector name that does not exist.
var ErrUnknownDetector = errors.New("unknown detector")

// DetectorNames lists the detectors that can be selected, default first.
func DetectorNames() []string { return []string{"ultraface", "ssd", "blazeface", "hog", "haar"} }

// NewDetector loads the named detector from the installed models. minScore
// of 0 keeps the detector's default. minFace sets how far dlib's HOG
// detector upsamples (it scans at full resolution; the others are tiled by
// the engine). A missing model gives an error that
// matches models.ErrModelMissing and says how to install it.
func NewDetector(name string, minScore float32, minFace int) (Detector, error) {
	return newDetector(name, minScore, minFace, RuntimeORT)
}

// newDetector is NewDetector on the named inference runtime.
func newDetector(name string, minScore float32, minFace int, runtime string) (Detector, error) {
	switch name {
	case "ultraface":
		p, err := models.Locate("ultraface")
		if err != nil {
			return nil, err
		}
		return NewUltraFaceDetector(p, UltraFaceOptions{MinScore: minScore, Runtime: runtime})
	case "ssd", "":
		p, err := models.Locate("ssd")
		if err != nil {
			return nil, err
		}
		return NewSSDDetector(p, SSDOptions{MinScore: minScore, Runtime: runtime})
	case "blazeface":
		p, err := models.Locate("blazeface")
		if err != nil {
			return nil, err
		}
		return NewBlazeFaceDetector(p, BlazeFaceOptions{MinScore: minScore, Runtime: runtime})
	case "hog":
		return NewHOGDetector(HOGOptions{Upsample: hogUpsample(minFace)})
	case "haar":
		p, err := models.Locate("haar")
		if err != nil {
			return nil, err
		}
		return NewHaarDetector(p, HaarOptions{MinSize: max(minFace, 20)})
	}
	return nil, fmt.Errorf("%w %q (choose one of %v)", ErrUnknownDetector, name, DetectorNames())
}

// hogUpsample is the number of doublings dlib's HOG detector (80 px window)
// needs to see faces of minFace pixels, capped at 2 (20 px) for time.
func hogUpsample(minFace int) int {
	switch {
	case minFace <= 0 || minFace >= 80:
		return 0
	case minFace >= 40:
		return 1
	}
	return 2
}
