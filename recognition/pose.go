package recognition

import (
	"facecase/facedata"
	"math"
)

// Landmark indices of dlib's 68-point shape (iBUG 300-W order).
const (
	lmJawRight     = 0  // jaw end on the image's left
	lmJawLeft      = 16 // jaw end on the image's right
	lmNoseTip      = 30
	lmMouthCornerL = 48
	lmMouthCornerR = 54
)

// eyeCentres returns the centres of the eye on the image's left (points
// 36-41) and on its right (42-47).
func eyeCentres(lm []facedata.Point) (left, right facedata.Point) {
	for i := 36; i < 42; i++ {
		left.X += lm[i].X / 6
		left.Y += lm[i].Y / 6
		right.X += lm[i+6].X / 6
		right.Y += lm[i+6].Y / 6
	}
	return left, right
}

// interOcular is the distance between the eye centres.
func interOcular(lm []facedata.Point) float64 {
	l, r := eyeCentres(lm)
	return math.Hypot(r.X-l.X, r.Y-l.Y)
}

// Head-pose geometry for estimatePose, from average adult head proportions:
// the nose tip stands out of the face plane by about 0.5 of the
// eye-to-mouth height. In a frontal face the nose tip sits 0.56 of the way
// down from the eye line to the mouth line (the median over the 40
// faceapi/people crops).
const (
	noseDepthToHeight = 0.5
	frontalNoseRatio  = 0.56
)

// estimatePose estimates yaw and pitch in degrees from 68 landmarks. The face
// is first rotated so the eyes are level (roll removed). Yaw compares the
// nose tip's horizontal distances to the two jaw ends; pitch compares the
// nose tip's height between the eye line and the mouth line with a frontal
// face's. Positive yaw means the face turns towards the image's left,
// positive pitch means the face tilts up. They are estimates, good to about
// ten degrees, enough to flag extreme poses.
func estimatePose(lm []facedata.Point) (yaw, pitch float64) {
	if len(lm) != facedata.LandmarkCount {
		return 0, 0
	}
	l, r := eyeCentres(lm)
	roll := math.Atan2(r.Y-l.Y, r.X-l.X)
	sin, cos := math.Sin(-roll), math.Cos(-roll)
	level := func(p facedata.Point) facedata.Point { // rotate about the left eye centre
		dx, dy := p.X-l.X, p.Y-l.Y
		return facedata.Point{X: dx*cos - dy*sin, Y: dx*sin + dy*cos}
	}
	nose := level(lm[lmNoseTip])
	jawR, jawL := level(lm[lmJawRight]), level(lm[lmJawLeft])
	dl, dr := nose.X-jawR.X, jawL.X-nose.X
	if dl+dr > 0 {
		// The nose tip's offset from the middle of the face outline, as a
		// share of the half-width, grows like the sine of the turn. (A
		// rigid-head model, atan(share/0.45), read 7 of the 40 mostly
		// frontal faceapi/people crops as turned past 45 degrees; this reads
		// only stuart5, a face turned well away, past 45.)
		yaw = asinDeg((dr - dl) / (dl + dr))
	}
	eyeY := level(r).Y / 2 // eye line height (left eye is the origin)
	mouthY := (level(lm[lmMouthCornerL]).Y + level(lm[lmMouthCornerR]).Y) / 2
	if span := mouthY - eyeY; span > 0 {
		ratio := (nose.Y - eyeY) / span
		pitch = asinDeg((frontalNoseRatio - ratio) / noseDepthToHeight)
	}
	return yaw, pitch
}

func asinDeg(x float64) float64 {
	return math.Asin(math.Max(-1, math.Min(1, x))) * 180 / math.Pi
}
