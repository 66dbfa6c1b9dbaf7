package casefile

import (
	"fmt"
	"image"
	"path/filepath"
	"strings"

	"gocv.io/x/gocv"

	"facecase/media"
	"facecase/recognition"
)

// blurPadding grows each face box on every side before blurring, so hair
// line, ears and chin go too.
const blurPadding = 0.2

// blurSide is the side, in pixels, a face region is shrunk to before it is
// Gaussian-blurred and scaled back: whatever the face's size, no detail
// finer than 1/blurSide of it survives.
const blurSide = 16

// redactedPhoto is a photo with faces blurred, encoded.
type redactedPhoto struct {
	data    []byte
	ext     string
	blurred int
	kept    int
}

// redactPhoto decodes the photo as the engine saw it (EXIF orientation
// applied), blurs every detection box except those of confirmed matches
// and encodes the result (PNG for PNG sources, else JPEG).
func redactPhoto(path, mediaType string, dets []Detection, keepIDs map[uint64]bool, keepBoxes []recognition.Rect) (redactedPhoto, error) {
	img, err := media.LoadImage(path)
	if err != nil {
		return redactedPhoto{}, err
	}
	defer img.Close()
	var out redactedPhoto
	var boxes []recognition.Rect
	for _, d := range dets {
		if keepIDs[d.ID] || overlapsAny(d.Box, keepBoxes) {
			out.kept++
			continue
		}
		boxes = append(boxes, d.Box)
	}
	out.blurred = blurFaces(img, boxes)
	ext, params := gocv.JPEGFileExt, []int{gocv.IMWriteJpegQuality, 92}
	if mediaType == "image/png" {
		ext, params = gocv.PNGFileExt, nil
	}
	var buf *gocv.NativeByteBuffer
	if params == nil {
		buf, err = gocv.IMEncode(ext, img)
	} else {
		buf, err = gocv.IMEncodeWithParams(ext, img, params)
	}
	if err != nil {
		return redactedPhoto{}, fmt.Errorf("encode %s: %w", path, err)
	}
	defer buf.Close()
	out.data = append([]byte(nil), buf.GetBytes()...)
	out.ext = string(ext)
	return out, nil
}

func overlapsAny(r recognition.Rect, keep []recognition.Rect) bool {
	for _, k := range keep {
		if r.IoU(k) > 0.5 {
			return true
		}
	}
	return false
}

// blurFaces blurs each box (padded) of a BGR image in place and returns how
// many boxes fell inside the image.
func blurFaces(img gocv.Mat, boxes []recognition.Rect) int {
	n := 0
	for _, b := range boxes {
		r := b.Inset(-blurPadding).Clip(img.Cols(), img.Rows()).Image()
		if r.Dx() < 2 || r.Dy() < 2 {
			continue
		}
		blurRegion(img, r)
		n++
	}
	return n
}

// blurRegion shrinks the region to blurSide pixels, Gaussian-blurs it and
// scales it back over itself.
func blurRegion(img gocv.Mat, r image.Rectangle) {
	roi := img.Region(r)
	defer roi.Close()
	w, h := r.Dx(), r.Dy()
	sw, sh := blurSide, blurSide
	if w > h {
		sh = max(1, blurSide*h/w)
	} else {
		sw = max(1, blurSide*w/h)
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

// mediaMemberName names a redacted copy inside the bundle.
func mediaMemberName(ev Evidence, ext string) string {
	base := strings.TrimSuffix(ev.Name, filepath.Ext(ev.Name))
	return fmt.Sprintf("%s%06d_%s%s", mediaMemberDir, ev.ID, safeFileName(base), ext)
}
