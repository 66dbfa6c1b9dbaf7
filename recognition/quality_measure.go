package recognition

import (
	"facecase/facedata"
	"image"

	"gocv.io/x/gocv"
)

// chipInner is the part of a 150x150 dlib chip (padding 0.25) that shows
// the inner face: eyes, nose and mouth, little background or hair.
var chipInner = image.Rect(35, 35, 115, 125)

// chipMeasures returns the sharpness (variance of the Laplacian) and the
// mean grey level of the inner face of an RGB chip.
func chipMeasures(chip gocv.Mat) (sharpness, brightness float64) {
	inner := chipInner.Intersect(image.Rect(0, 0, chip.Cols(), chip.Rows()))
	if inner.Empty() {
		return 0, 0
	}
	roi := chip.Region(inner)
	defer roi.Close()
	gray := gocv.NewMat()
	defer gray.Close()
	gocv.CvtColor(roi, &gray, gocv.ColorRGBToGray)
	lap := gocv.NewMat()
	defer lap.Close()
	gocv.Laplacian(gray, &lap, gocv.MatTypeCV64F, 3, 1, 0, gocv.BorderReflect101)
	mean, std := gocv.NewMat(), gocv.NewMat()
	defer mean.Close()
	defer std.Close()
	gocv.MeanStdDev(lap, &mean, &std)
	s := std.GetDoubleAt(0, 0)
	return s * s, gray.Mean().Val1
}

// measureQuality computes a face's quality from its landmarks (frame
// pixels) and its aligned RGB chip, and judges it with limits.
func measureQuality(landmarks []facedata.Point, chip gocv.Mat, limits facedata.QualityLimits) facedata.Quality {
	var q facedata.Quality
	if len(landmarks) == facedata.LandmarkCount {
		q.Size = interOcular(landmarks)
		q.Yaw, q.Pitch = estimatePose(landmarks)
	}
	if !chip.Empty() {
		q.Sharpness, q.Brightness = chipMeasures(chip)
	}
	limits.Judge(&q)
	return q
}
