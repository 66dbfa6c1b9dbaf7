package tracking

import (
	"math"
	"time"

	"facecase/facedata"
)

// pairCost is the cost of continuing track tr with face f, in about [0, 1]
// for plausible pairs, or +Inf when a gate rules the pair out.
//
// Motion: one minus the IoU of the predicted and detected boxes, and the
// centre distance relative to the face size, averaged. Appearance: the
// smallest descriptor distance to the track's recent descriptors, relative
// to dlib's same-person threshold. The two are mixed by AppearanceWeight
// when both sides have descriptors.
func pairCost(tr *liveTrack, f *facedata.Face, crowded bool, cfg Config) float64 {
	pred := tr.Box
	ps, fs := boxSize(pred), boxSize(f.Box)
	if ps <= 0 || fs <= 0 {
		return math.Inf(1)
	}
	if ratio := math.Max(ps/fs, fs/ps); ratio > cfg.MaxSizeRatio {
		return math.Inf(1)
	}
	size := math.Max(ps, fs)
	pc, fc := pred.Center(), f.Box.Center()
	dist := math.Hypot(pc.X-fc.X, pc.Y-fc.Y)
	gate := cfg.MaxCentreDistance*size + 3*tr.filter.posStd()

	app, hasApp := appearanceDistance(tr, f)
	gateApp := cfg.MaxDescriptorDistance
	if crowded || (f.Quality.Size > 0 && !f.Quality.Usable) {
		gateApp = cfg.DoubtfulDescriptorDistance
	}
	if hasApp && app > gateApp {
		return math.Inf(1)
	}
	if dist > gate {
		// Beyond the motion gate only a confident appearance match of a
		// track that lost its face may continue it.
		if !hasApp || app > cfg.ReidentifyDistance || tr.missedRounds == 0 || dist > 4*gate {
			return math.Inf(1)
		}
	}
	// The distance term is relative to the face size, not to the gate: a
	// track whose prediction is uncertain (lost for a while) must not find
	// every nearby face cheap.
	motion := 0.5*(1-pred.IoU(f.Box)) + 0.5*math.Min(dist/(cfg.MaxCentreDistance*size), 1)
	if !hasApp {
		return motion
	}
	w := cfg.AppearanceWeight
	return (1-w)*motion + w*app/facedata.SameThreshold
}

// appearanceDistance is the smallest distance from f's descriptor to the
// track's recent descriptors; false when either side has none.
func appearanceDistance(tr *liveTrack, f *facedata.Face) (float64, bool) {
	if f.Descriptor == nil || len(tr.Descriptors) == 0 {
		return 0, false
	}
	best := math.Inf(1)
	for i := range tr.Descriptors {
		best = math.Min(best, f.Descriptor.Distance(&tr.Descriptors[i]))
	}
	return best, true
}

// crowdedFaces marks faces whose boxes overlap another face's box.
func crowdedFaces(faces []facedata.Face) []bool {
	out := make([]bool, len(faces))
	for i := range faces {
		for j := i + 1; j < len(faces); j++ {
			if faces[i].Box.Intersect(faces[j].Box).Area() > 0 {
				out[i], out[j] = true, true
			}
		}
	}
	return out
}

// lerpRect interpolates between two boxes, a in [0, 1].
func lerpRect(p, q facedata.Rect, a float64) facedata.Rect {
	l := func(x, y float64) float64 { return x + (y-x)*a }
	return facedata.Rect{X: l(p.X, q.X), Y: l(p.Y, q.Y), W: l(p.W, q.W), H: l(p.H, q.H)}
}

// scaleDuration is d·a rounded to the nanosecond.
func scaleDuration(d time.Duration, a float64) time.Duration {
	return time.Duration(math.Round(float64(d) * a))
}
