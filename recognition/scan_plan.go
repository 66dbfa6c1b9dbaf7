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

// planOctaves chooses the levels of an image pyramid for a detector that
// runs on a frame of any size and is trusted with faces of minIn to maxIn
// detector pixels wide at each level: the first level sees faces of
// minFace frame pixels at minIn, each further level halves the scale (an
// octave), until a coarse pass that finds faces from coarseMin frame pixels
// up takes over. maxIn above 2·minIn makes neighbouring levels overlap, so
// every face is seen well at one level at least. Keeping each level to
// its window is what keeps the false boxes a detector like UltraFace makes
// at full resolution (on torsos and skin, 100-350 pixels wide) out.
//
// A level is cut into strips along the frame's longer side: into as many
// as it takes to keep each within octaveMaxRunArea detector pixels, and
// into parallel strips when its area is over splitArea detector pixels, so
// that the workers share the largest level. Strips overlap by more than the
// largest face the level keeps, and start on multiples of align detector
// pixels, so that a strip's grid of detector cells is the whole frame's
// (a shifted grid changes the scores of faces near the threshold).
func planOctaves(w, h int, minIn, maxIn, minFace, coarseMin float64, parallel, align int) []scanPass {
	if w <= 0 || h <= 0 || minFace <= 0 || minIn <= 0 || maxIn <= minIn {
		return nil
	}
	var passes []scanPass
	for lo := minFace; lo < coarseMin && len(passes) < 12; lo *= 2 {
		s := minIn / lo
		p := scanPass{Scale: s, Sizes: [2]float64{lo, maxIn / s}}
		overlap := math.Ceil(p.Sizes[1]*levelSizeSlack) + 2
		area := float64(w) * s * float64(h) * s
		n := 1
		if area > splitArea {
			n = max(1, parallel)
		}
		grid := max(1, int(math.Round(float64(align)/s)))
		for ; n <= 8 && p.Chunks == nil; n++ {
			// The strips' ends are rounded out to the grid: their own
			// areas, not an even share of the level's, must fit.
			if strips := alignedStrips(w, h, n, overlap, grid); largestArea(strips)*s*s <= octaveMaxRunArea {
				p.Chunks = strips
			}
		}
		if p.Chunks == nil {
			// Too large for a few strips: square tiles.
			p.Chunks = tileFrame(w, h, math.Sqrt(octaveMaxRunArea)/s, overlap)
		}
		passes = append(passes, p)
	}
	return passes
}

// octaveMaxRunArea bounds one forward pass of an octave level, strip or
// tile, in detector pixels. Each UltraFace run in flight holds about 100
// bytes per input pixel in ONNX Runtime's arena, which keeps what the runs
// in flight needed together for as long as the engine lives, so this
// bound is most of the engine's working memory: with two runs at once,
// 1024x1024 keeps them to about 200-250 MB. Strips were allowed 1280x1280
// before; a 12000x9000 photo's middle levels (strips of 1.3-1.6 MP) then
// raised its peak by about 100 MB over its tiled levels, and the demo
// photos' two full-resolution strips of 1.3-1.6 MP held about 100 MB
// more than three or four of under 1 MP (docs/benchmarks.md, "Memory").
// Smaller runs cost more overlap (strips overlap by the largest face and
// their ends are rounded out to the grid): a 1920-pixel-wide photo's
// full-resolution level in three or four strips instead of two is 6-7%
// more work at that level (1920x1280: 2.79 against 2.62 MP). Strips of 0.72 MP would have
// saved another 20-40 MB for 26% instead of 7% more. Square tiles smaller
// than this (768x768) lost 2 of the 150 faces of the generated 12000x9000
// crowd, both near the verifier's threshold.
const octaveMaxRunArea = 1024 * 1024

// splitArea is the level area, in detector pixels, from which planOctaves
// shares a level among the workers (smaller levels cost less than the
// strips' overlap saves).
const splitArea = 512 * 512

// largestArea is the area, in pixels, of the largest of rs.
func largestArea(rs []image.Rectangle) float64 {
	a := 0
	for _, r := range rs {
		a = max(a, r.Dx()*r.Dy())
	}
	return float64(a)
}

// alignedStrips cuts a w x h frame into n strips across its longer side
// that overlap by at least overlap pixels, each starting on a multiple of
// align frame pixels (fewer strips are made when they would be narrower
// than twice the overlap).
func alignedStrips(w, h, n int, overlap float64, align int) []image.Rectangle {
	long := max(w, h)
	n = min(n, max(1, int(float64(long)/(2*overlap))))
	var out []image.Rectangle
	for i := 0; i < n; i++ {
		a := (i * long / n) - int(math.Ceil(overlap/2))
		a = max(0, a/align*align)
		b := long
		if i < n-1 {
			b = min(long, ((i+1)*long/n+int(math.Ceil(overlap/2))+align-1)/align*align)
		}
		if w >= h {
			out = append(out, image.Rect(a, 0, b, h))
		} else {
			out = append(out, image.Rect(0, a, w, b))
		}
	}
	return out
}
