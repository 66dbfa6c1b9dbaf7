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
func shrinkArea(src gocv.Mat, dst *gocv.Mat, size image.Point) {
	cur := src
	var halves []gocv.Mat
	defer func() {
		for i := range halves {
			halves[i].Close()
		}
	}()
	for cur.Cols()%2 == 0 && cur.Rows()%2 == 0 && cur.Cols() >= 4*size.X && cur.Rows() >= 4*size.Y {
		half := gocv.NewMat()
		halves = append(halves, half)
		gocv.Resize(cur, &half, image.Pt(cur.Cols()/2, cur.Rows()/2), 0, 0, gocv.InterpolationArea)
		cur = half
	}
	gocv.Resize(cur, dst, size, 0, 0, gocv.InterpolationArea)
}
