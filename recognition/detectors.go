package recognition

import (
	"fmt"

	"facecase/facedata"
	"facecase/models"
)

// NewDetector loads the named detector from the installed models. minScore
// of 0 keeps the detector's default. minFace sets how far dlib's HOG
// detector upsamples (it scans at full resolution; the others are tiled by
// the engine). A missing model gives an error that
// matches models.ErrModelMissing and says how to install it; a name not in
// facedata.DetectorNames one matching facedata.ErrUnknownDetector.
func NewDetector(name facedata.DetectorName, minScore float32, minFace int) (Detector, error) {
	return newDetector(name, minScore, minFace, RuntimeORT)
}

// newDetector is NewDetector on the named inference runtime. An empty name
// is the SSD.
func newDetector(name facedata.DetectorName, minScore float32, minFace int, runtime string) (Detector, error) {
	if name == "" {
		name = facedata.SSD
	}
	if _, err := facedata.ParseDetectorName(string(name)); err != nil {
		return nil, err
	}
	if name == facedata.HOG {
		return NewHOGDetector(HOGOptions{Upsample: hogUpsample(minFace)})
	}
	// Every other detector's model is installed under the detector's name.
	p, err := models.Locate(string(name))
	if err != nil {
		return nil, err
	}
	switch name {
	case facedata.UltraFace:
		return NewUltraFaceDetector(p, UltraFaceOptions{MinScore: minScore, Runtime: runtime})
	case facedata.SSD:
		return NewSSDDetector(p, SSDOptions{MinScore: minScore, Runtime: runtime})
	case facedata.BlazeFace:
		return NewBlazeFaceDetector(p, BlazeFaceOptions{MinScore: minScore, Runtime: runtime})
	case facedata.Haar:
		return NewHaarDetector(p, HaarOptions{MinSize: max(minFace, 20)})
	}
	return nil, fmt.Errorf("%w %q: no constructor", facedata.ErrUnknownDetector, name)
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
