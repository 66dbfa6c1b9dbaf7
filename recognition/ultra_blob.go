package recognition

import (
	"fmt"
	"image"

	"gocv.io/x/gocv"
)

// UltraFace's input: NCHW, RGB, (pixel - ultraMean) / ultraStd.
const (
	ultraMean = 127
	ultraStd  = 128
)

// ultraBlobPadded resizes img (BGR 8-bit) to w x h and returns the
// normalised NCHW RGB blob of a pw x ph input with the picture at the top
// left and the rest mid grey (0 once normalised). It fills the blob in one
// pass over the pixels: OpenCV's blobFromImage converts the whole picture
// to float, scales it and splits the channels in separate passes (and,
// here, over a padded copy), about four times the memory traffic, which
// was a tenth of a photo's processor time. The values are the same:
// (v - 127) / 128 is exact in float32.
func ultraBlobPadded(img gocv.Mat, w, h, pw, ph int) (gocv.Mat, error) {
	if w > pw || h > ph || w <= 0 || h <= 0 {
		return gocv.Mat{}, fmt.Errorf("ultraface: a %dx%d picture in a %dx%d input", w, h, pw, ph)
	}
	src := img
	if w != img.Cols() || h != img.Rows() {
		resized := gocv.NewMat()
		defer resized.Close()
		if w > img.Cols() {
			gocv.Resize(img, &resized, image.Pt(w, h), 0, 0, gocv.InterpolationLinear)
		} else {
			shrinkArea(img, &resized, image.Pt(w, h))
		}
		src = resized
	} else if !img.IsContinuous() {
		c := img.Clone() // a region of a larger frame: 3 bytes a pixel
		defer c.Close()
		src = c
	}
	pix, err := src.DataPtrUint8()
	if err != nil || src.Type() != gocv.MatTypeCV8UC3 {
		return gocv.Mat{}, fmt.Errorf("ultraface: picture of type %v: %v", src.Type(), err)
	}
	blob := gocv.NewMatWithSizes([]int{1, 3, ph, pw}, gocv.MatTypeCV32F)
	out, err := blob.DataPtrFloat32()
	if err != nil {
		blob.Close()
		return gocv.Mat{}, fmt.Errorf("ultraface: input blob: %w", err)
	}
	fillUltraBlob(out, pix, w, h, pw, ph)
	return blob, nil
}

// fillUltraBlob writes the planes of out (3 x ph x pw) from the w x h BGR
// pixels pix (rows of 3w bytes).
func fillUltraBlob(out []float32, pix []uint8, w, h, pw, ph int) {
	plane := pw * ph
	rPlane, gPlane, bPlane := out[:plane], out[plane:2*plane], out[2*plane:3*plane]
	// A byte's normalised value, looked up: the same float32 as
	// (float32(v) - 127) / 128.
	var norm [256]float32
	for v := range norm {
		norm[v] = (float32(v) - ultraMean) / ultraStd
	}
	for y := 0; y < ph; y++ {
		r := rPlane[y*pw : (y+1)*pw]
		g := gPlane[y*pw : (y+1)*pw]
		b := bPlane[y*pw : (y+1)*pw]
		x := 0
		if y < h {
			row := pix[y*3*w : (y+1)*3*w]
			for ; x < w; x++ {
				px := row[3*x : 3*x+3 : 3*x+3]
				b[x], g[x], r[x] = norm[px[0]], norm[px[1]], norm[px[2]]
			}
		}
		clear(r[x:])
		clear(g[x:])
		clear(b[x:])
	}
}
