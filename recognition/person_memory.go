package recognition

import (
	"fmt"

	"facecase/models/convert"
)

// nanoDetTrimSide is the canvas side of the run that hands NanoDet's
// working memory back: the smallest its three strides divide.
const nanoDetTrimSide = 64

// trimMemory hands the working memory of NanoDet's finished runs back to
// the system (one run on the smallest canvas).
func (d *NanoDetPeople) trimMemory() error {
	return d.net.trim(convert.NanoDetInputName, []int64{1, 3, nanoDetTrimSide, nanoDetTrimSide})
}

// ReleaseWorkMemory hands the working memory of the person detector's
// finished runs back to the system: NanoDet's arena keeps the tensors of
// every canvas size it has seen. Call it when the finder may sit idle
// (the desktop app does when an intake ends, or before an item of another
// kind); runs in flight keep what they use. Other detectors have nothing
// to release.
func (f *PeopleFinder) ReleaseWorkMemory() error {
	mt, ok := f.det.(memoryTrimmer)
	if !ok {
		return nil
	}
	if err := mt.trimMemory(); err != nil {
		return fmt.Errorf("release %s's working memory: %w", f.det.Name(), err)
	}
	return nil
}
