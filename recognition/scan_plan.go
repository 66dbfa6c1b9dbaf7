package recognition

import (
	"image"
	"math"
)

// scanLevel is one pass of a detector over a frame: the frame is cut into
// tiles (in frame pixels) that the detector sees scaled to its input size.
type scanLevel struct {
	// Scale is detector-input pixels per frame pixel at this level.
	Scale float64
	Tiles []image.Rectangle
}

// Tiled reports whether the level cuts the frame into more than one tile.
func (l scanLevel) Tiled() bool { return len(l.Tiles) > 1 }

// planScan chooses the passes needed to find every face of at least minFace
// frame pixels with a detector whose square input is inputSize pixels and
// which reliably finds faces of minDetectable input pixels.
//
// Level 0 is the whole frame fitted into one input; it finds the large
// faces. When its smallest findable face is bigger than minFace, finer levels
// follow, each tiled with tiles that overlap by a quarter of the input, so a
// face up to that overlap is whole in at least one tile. The scale grows by
// at most overlap/minDetectable per level, so every face size between minFace
// and the frame size is covered by some level.
func planScan(w, h, inputSize int, minDetectable, minFace float64) []scanLevel {
	if w <= 0 || h <= 0 {
		return nil
	}
	whole := image.Rect(0, 0, w, h)
	s := float64(inputSize) / float64(max(w, h))
	levels := []scanLevel{{Scale: s, Tiles: []image.Rectangle{whole}}}
	target := minDetectable / minFace
	overlapIn := float64(inputSize) / 4
	maxStep := overlapIn / minDetectable
	for s < target*0.999 {
		s = math.Min(s*maxStep, target)
		levels = append(levels, scanLevel{Scale: s, Tiles: tileFrame(w, h, float64(inputSize)/s, overlapIn/s)})
	}
	return levels
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
