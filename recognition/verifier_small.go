package recognition

import (
	"errors"

	"facecase/models"
)

// loadSmallVerifier loads the SSD converted for a 256x256 input (model
// "ssd-small") with the verifier's threshold, for mosaics of up to four
// candidates: a photo with one to four doubtful faces then pays a quarter
// of the 512 model's run (docs/benchmarks.md, issue 12's folder). An
// installation made before that model existed has no such file: the
// engine then verifies with the 512 model alone (nil, no error), as before.
func loadSmallVerifier(runtime string) (*SSDDetector, error) {
	p, err := models.Locate("ssd-small")
	if errors.Is(err, models.ErrModelMissing) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return NewSmallSSDDetector(p, SSDOptions{MinScore: ssdVerifyFloor, Runtime: runtime})
}
