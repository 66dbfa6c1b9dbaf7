package recognition

import (
	"image"
	"math"
)

// scanPass is one pass of a scaling detector over a frame: the frame seen
// at Scale (detector pixels per frame pixel), cut into chunks (frame
// pixels) when the scaled frame would be too large for one forward pass.
type scanPass struct {
	Scale  float64
	Chunks []image.Rectangle
	// Sizes is the range of face sides, in frame pixels, this pass is
	// responsible for.
	Sizes [2]float64
}

// maxChunkSide bounds one forward pass to maxChunkSide² detector pixels, and
// so its memory (a 1024x1024 BlazeFace pass needs about 200 MB). A frame
// whose scaled area fits goes through in one pass whatever its shape (a
// 1080p frame at 0.7 is 1344x756: one pass, not two overlapping tiles that
// cost half as much again); a larger one is cut into square tiles of that
// side.
const maxChunkSide = 1024

// planPasses chooses the passes of a scaling detector that finds faces of
// minIn to maxIn detector pixels so that, together with a coarse pass that
// finds faces from coarseMin frame pixels up, every face from minFace frame
// pixels up is found. The first pass sees faces of minFace at minIn; each
// further pass starts where the previous one ends, until the coarse pass
// takes over. Chunks overlap by the largest face of their pass, so every
// face is whole in at least one chunk.
func planPasses(w, h int, minIn, maxIn, minFace, coarseMin float64) []scanPass {
	if w <= 0 || h <= 0 || minFace <= 0 {
		return nil
	}
	var passes []scanPass
	lo := minFace
	for lo < coarseMin && len(passes) < 8 {
		s := minIn / lo
		hi := maxIn / s
		p := scanPass{Scale: s, Sizes: [2]float64{lo, hi}}
		chunk := maxChunkSide / s
		if float64(w)*s*float64(h)*s <= maxChunkSide*maxChunkSide {
			p.Chunks = []image.Rectangle{image.Rect(0, 0, w, h)}
		} else {
			p.Chunks = tileFrame(w, h, chunk, hi)
		}
		passes = append(passes, p)
		lo = hi
	}
	return passes
}

// tileFrame covers a w x h frame with square tiles of side tile that overlap
// by at least overlap, spread evenly; tiles are clipped to the frame.
func tileFrame(w, h int, tile, overlap float64) []image.Rectangle {
	xs := tileStarts(w, tile, overlap)
	ys := tileStarts(h, tile, overlap)
	side := int(math.Ceil(tile))
	tiles := make([]image.Rectangle, 0, len(xs)*len(ys))
	for _, y := range ys {
		for _, x := range xs {
			tiles = append(tiles, image.Rect(x, y, min(x+side, w), min(y+side, h)))
		}
	}
	return tiles
}

// tileStarts spreads tile start positions over a length so that neighbours
// overlap by at least overlap.
func tileStarts(length int, tile, overlap float64) []int {
	if float64(length) <= tile {
		return []int{0}
	}
	stride := tile - overlap
	n := int(math.Ceil((float64(length)-tile)/stride)) + 1
	starts := make([]int, n)
	last := float64(length) - tile
	for i := range starts {
		starts[i] = int(math.Round(float64(i) * last / float64(n-1)))
	}
	return starts
}
