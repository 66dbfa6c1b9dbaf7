package media

import (
	"fmt"
	"image"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/fsutil"
)

// redactPadding grows each face box on every side before blurring, so hair
// line, ears and chin go too.
const redactPadding = 0.2

// redactSide is the side, in pixels, a face region is shrunk to before it is
// Gaussian-blurred and scaled back: whatever the face's size, no detail
// finer than 1/redactSide of it survives.
const redactSide = 16

// RedactPhoto decodes the photo at path as the engine saw it (EXIF
// orientation applied, LoadImage's limits), blurs every box grown by a
// fifth on each side, and encodes the result: PNG when mediaType is
// "image/png", else JPEG at quality 92. It returns the encoded bytes, their
// extension and how many boxes fell inside the image. The file at path is
// only read. It has the signature of casefile.PhotoRedactor.
func RedactPhoto(path, mediaType string, boxes []facedata.Rect) (data []byte, ext string, blurred int, err error) {
	img, err := LoadImage(path)
	if err != nil {
		return nil, "", 0, err
	}
	defer img.Close()
	blurred = blurBoxes(img, boxes)
	fileExt, params := gocv.JPEGFileExt, []int{gocv.IMWriteJpegQuality, 92}
	if mediaType == "image/png" {
		fileExt, params = gocv.PNGFileExt, nil
	}
	var buf *gocv.NativeByteBuffer
	if params == nil {
		buf, err = gocv.IMEncode(fileExt, img)
	} else {
		buf, err = gocv.IMEncodeWithParams(fileExt, img, params)
	}
	if err != nil {
		return nil, "", 0, fmt.Errorf("encode %s: %w", fsutil.ShowPath(path), err)
	}
	defer buf.Close()
	return append([]byte(nil), buf.GetBytes()...), string(fileExt), blurred, nil
}

// blurBoxes blurs each box (padded) of a BGR image in place and returns how
// many boxes fell inside the image.
func blurBoxes(img gocv.Mat, boxes []facedata.Rect) int {
	n := 0
	for _, b := range boxes {
		r := b.Inset(-redactPadding).Clip(img.Cols(), img.Rows()).Image()
		if r.Dx() < 2 || r.Dy() < 2 {
			continue
		}
		blurRegion(img, r)
		n++
	}
	return n
}

// blurRegion shrinks the region to redactSide pixels, Gaussian-blurs it and
// scales it back over itself.
func blurRegion(img gocv.Mat, r image.Rectangle) {
	roi := img.Region(r)
	defer roi.Close()
	w, h := r.Dx(), r.Dy()
	sw, sh := redactSide, redactSide
	if w > h {
		sh = max(1, redactSide*h/w)
	} else {
		sw = max(1, redactSide*w/h)
	}
	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(roi, &small, image.Pt(sw, sh), 0, 0, gocv.InterpolationArea)
	soft := gocv.NewMat()
	defer soft.Close()
	gocv.GaussianBlur(small, &soft, image.Pt(0, 0), 1.5, 1.5, gocv.BorderReflect)
	back := gocv.NewMat()
	defer back.Close()
	gocv.Resize(soft, &back, image.Pt(w, h), 0, 0, gocv.InterpolationLinear)
	back.CopyTo(&roi)
}
