package recognition

import (
	"math"

	"facecase/facedata"
)

// Landmark indices of dlib's 68-point shape (iBUG 300-W order).
const (
	lmJawRight     = 0  // jaw end on the image's left
	lmChin         = 8  // lowest point of the chin
	lmJawLeft      = 16 // jaw end on the image's right
	lmNoseTip      = 30
	lmNoseBase     = 33 // where the nose meets the upper lip
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

// pitchPoint is a facial point used to estimate pitch: its height below
// the eye line in a frontal face and how far it stands out of the plane
// of the eyes (towards the camera), both in inter-ocular distances.
type pitchPoint struct {
	height, depth float64
	y             func(level func(facedata.Point) facedata.Point, lm []facedata.Point) float64
}

// pitchModel is a rigid head for estimatePose. Heights are the medians
// over the ten portraits of face_recognition (obama, obama2, biden,
// biden2, alex-lacamoire, lin-manuel-miranda, both faces of two_people
// but Obama's, and the knn_examples training photos), measured from the
// eye centres as estimatePose does; depths are average
// adult head proportions (the nose tip stands about 0.45 inter-ocular
// distances in front of the eyes, the nose base 0.3, the brows 0.15, the
// chin 0.25, the mouth corners about level with the eyes). Fitting several
// points, rather than reading one, keeps an expression from passing for a
// turn of the head: a smile moves the mouth corners, raised brows the
// brows, an open mouth the chin, but not all of them the same way.
var pitchModel = []pitchPoint{
	{-0.26, 0.15, func(lv func(facedata.Point) facedata.Point, lm []facedata.Point) float64 {
		return (lv(mean(lm[17:22])).Y + lv(mean(lm[22:27])).Y) / 2
	}},
	{0.55, 0.45, func(lv func(facedata.Point) facedata.Point, lm []facedata.Point) float64 { return lv(lm[lmNoseTip]).Y }},
	{0.76, 0.30, func(lv func(facedata.Point) facedata.Point, lm []facedata.Point) float64 { return lv(lm[lmNoseBase]).Y }},
	{1.05, 0.03, func(lv func(facedata.Point) facedata.Point, lm []facedata.Point) float64 {
		return (lv(lm[lmMouthCornerL]).Y + lv(lm[lmMouthCornerR]).Y) / 2
	}},
	{1.94, 0.25, func(lv func(facedata.Point) facedata.Point, lm []facedata.Point) float64 { return lv(lm[lmChin]).Y }},
}

func mean(ps []facedata.Point) facedata.Point {
	var c facedata.Point
	for _, p := range ps {
		c.X += p.X / float64(len(ps))
		c.Y += p.Y / float64(len(ps))
	}
	return c
}

// estimatePose estimates yaw and pitch in degrees from 68 landmarks. The
// face is first rotated so the eyes are level (roll removed). Yaw compares
// the nose tip's horizontal distances to the two jaw ends. Pitch fits
// pitchModel's rigid head to the heights of five points below the eye
// line: a head tilted up by p moves each point up by its depth times
// sin p and shortens its height by cos p, so heights y = a*height -
// b*depth with a = s cos p and b = s sin p (s the scale) give p by least
// squares. Positive yaw means the face turns towards the image's left,
// positive pitch means the face tilts up. They are estimates, good to
// about ten degrees, enough to flag extreme poses.
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
	io := math.Hypot(r.X-l.X, r.Y-l.Y)
	if io <= 0 {
		return yaw, 0
	}
	eyeY := level(r).Y / 2 // eye line height (left eye is the origin)
	// Normal equations of y = a*h - b*d over the model's points.
	var hh, hd, dd, yh, yd float64
	for _, p := range pitchModel {
		y := (p.y(level, lm) - eyeY) / io
		hh += p.height * p.height
		hd += p.height * p.depth
		dd += p.depth * p.depth
		yh += y * p.height
		yd += y * p.depth
	}
	det := hh*dd - hd*hd
	if det == 0 {
		return yaw, 0
	}
	a := (yh*dd - yd*hd) / det
	b := (yh*hd - yd*hh) / det // the fit's coefficient of -depth
	if a <= 0 {
		return yaw, 0
	}
	pitch = math.Atan2(b, a) * 180 / math.Pi
	return yaw, pitch
}

func asinDeg(x float64) float64 {
	return math.Asin(math.Max(-1, math.Min(1, x))) * 180 / math.Pi
}
