package recognition

import (
	"errors"
	"fmt"

	"facecase/models/convert"
)

// ReleaseWorkMemory hands the working memory of the engine's finished
// net runs back to the system. The arenas the nets take their tensors
// from grow to what the largest run needed and stay there, whether or not
// the engine is used again: UltraFace's grows with every input size it
// has seen, 200-300 MB after a few photos; BlazeFace's to about 250 MB
// over a 720p video; the descriptor net's with its batch sizes. Runs in
// flight keep what they use. The next run takes the memory again, page by
// page, at a cost: released after every one of the six demo photos, their
// processor time went from 1.3-1.4 to 4.7-5.1 s. Call it when a piece of work is
// done and the engine may sit idle (the desktop app does when an intake
// ends, or before an item of another kind), not between frames or photos
// of one batch. Nets without an arena have nothing to release. The C
// allocator keeps the pages of the arena blocks it served from its own
// heaps: follow with cmalloc.Trim.
func (e *Engine) ReleaseWorkMemory() error {
	var errs []error
	seen := map[Detector]bool{}
	for _, d := range []Detector{e.detector, e.fine, e.verifier} {
		mt, ok := d.(memoryTrimmer)
		if !ok || seen[d] {
			continue
		}
		seen[d] = true
		if err := mt.trimMemory(); err != nil {
			errs = append(errs, fmt.Errorf("release %s's working memory: %w", d.Name(), err))
		}
	}
	if e.descriptors != nil {
		if err := e.descriptors.trimMemory(); err != nil {
			errs = append(errs, fmt.Errorf("release the descriptor net's working memory: %w", err))
		}
	}
	return errors.Join(errs...)
}

// trimMemory hands the working memory of the descriptor net's finished
// runs back to the system (one run on a single chip).
func (n *DescriptorNet) trimMemory() error {
	side := int64(convert.DlibResNetV1InputSize)
	return n.net.trim(convert.DlibResNetV1Input, []int64{1, 3, side, side})
}

// trimMemory hands the working memory of BlazeFace's finished runs back to
// the system (one run at its smallest canvas). Its canvas follows the
// frame, scaled for the smallest face: a 720p video's runs leave about
// 250 MB in its arena.
func (d *BlazeFaceDetector) trimMemory() error {
	return d.net.trim(blazeInputName, []int64{1, blazeInput, blazeInput, 3})
}
