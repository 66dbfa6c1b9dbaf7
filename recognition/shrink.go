package recognition

import (
	"image"

	"gocv.io/x/gocv"
)

// shrinkArea resizes src down to size with area averaging, as gocv.Resize
// with InterpolationArea does, but first halves the picture (2x2 means,
// exact halvings only) while it stays at least four times the size asked
// for, leaving a last step of 2x to 4x. OpenCV's area resize by a factor
// that is not a whole number takes a general path that costs about as
// much per source pixel as a forward pass of a small net: 8 ms for a
// 1920x1280 frame to 320x213 (UltraFace's coarse pass) against about
// 3 ms in a halving and a 3x step; whole factors above 2 are slower than
// halvings too (3.9 ms for 4x against 1.2). The result differs from a
// single resize by the rounding of the intermediate means, and where the
// last factor is not whole, by how the general path weighs the pixels on
// a cell's edge (sample1.jpg to 320x213: 0.15 levels on average,
// TestShrinkAreaIsCloseToOneResize). UltraFace's inputs use it; BlazeFace's
// (video) do not: at one detection in 8 frames the resize is under a
// millisecond a frame, and the standard tracking scene's track count moved
// with it (720p every 8th frame: 6 tracks of 5 actors against 5).
//
// The halvings go band by band (halvingBandRows source rows at a time), so
// that only the last halving's result is held whole: a 12000x9000 frame's
// coarse pass otherwise held its 6000x4500, 3000x2250 and 1500x1125
// halves at once (106 MB), and the coarse pyramid levels of such a frame,
// run while UltraFace's arena is at its largest, held 60-110 MB each,
// which made the frame's peak (docs/benchmarks.md, "Memory", third pass).
// A halving is a mean over each 2x2 block, so bands whose rows are a
// multiple of 2^halvings give the same pixels as the whole picture.
func shrinkArea(src gocv.Mat, dst *gocv.Mat, size image.Point) {
	n := areaHalvings(src.Cols(), src.Rows(), size)
	if n == 0 {
		gocv.Resize(src, dst, size, 0, 0, gocv.InterpolationArea)
		return
	}
	halved := gocv.NewMatWithSize(src.Rows()>>n, src.Cols()>>n, src.Type())
	defer halved.Close()
	halveInBands(src, halved, n)
	gocv.Resize(halved, dst, size, 0, 0, gocv.InterpolationArea)
}

// areaHalvings is how many exact halvings shrinkArea applies to a w x h
// picture before the last step to size: while both sides are even and at
// least four times the size asked for.
func areaHalvings(w, h int, size image.Point) int {
	n := 0
	for w%2 == 0 && h%2 == 0 && w >= 4*size.X && h >= 4*size.Y {
		w, h, n = w/2, h/2, n+1
	}
	return n
}

// halvingBandRows is how many source rows shrinkArea halves at a time for
// n halvings: a multiple of 2^n, so that every band's blocks are the whole
// picture's.
func halvingBandRows(n int) int { return max(512, 1<<n) }

// halveInBands writes src halved n times (2x2 means, as an area resize by
// exactly 2 makes them) into out, which is (cols>>n) x (rows>>n), band by
// band; src's sides are multiples of 2^n.
func halveInBands(src, out gocv.Mat, n int) {
	band := halvingBandRows(n)
	steps := make([]gocv.Mat, n-1) // the band's intermediate halves
	for i := range steps {
		steps[i] = gocv.NewMat()
	}
	defer func() {
		for i := range steps {
			steps[i].Close()
		}
	}()
	for y := 0; y < src.Rows(); y += band {
		rows := min(band, src.Rows()-y)
		in := src.Region(image.Rect(0, y, src.Cols(), y+rows))
		target := out.Region(image.Rect(0, y>>n, out.Cols(), (y+rows)>>n))
		cur := in
		for k := 0; k < n; k++ {
			next := &target
			if k < n-1 {
				next = &steps[k]
			}
			gocv.Resize(cur, next, image.Pt(cur.Cols()/2, cur.Rows()/2), 0, 0, gocv.InterpolationArea)
			cur = *next
		}
		in.Close()
		target.Close()
	}
}
