package tracking

import (
	"math"

	"facecase/facedata"
)

// personPairCost is the cost of continuing track tr with person p, in about
// [0, 1] for plausible pairs, or +Inf when a gate rules the pair out.
//
// Motion: one minus the IoU of the predicted and detected boxes, and the
// centre distance relative to the box size, averaged. Appearance: the
// Hellinger distance between the clothes colours, relative to the gate.
// A track that lost its person may take a detection beyond the motion gate
// (within four times it) when the clothes match closely: someone coming out
// from behind a van further on than a constant speed predicts.
func personPairCost(tr *livePerson, p *facedata.Person, crowded bool, cfg PersonConfig) float64 {
	pred := tr.Box
	ps, ds := boxSize(pred), boxSize(p.Box)
	if ps <= 0 || ds <= 0 {
		return math.Inf(1)
	}
	if ratio := math.Max(ps/ds, ds/ps); ratio > cfg.MaxSizeRatio {
		return math.Inf(1)
	}
	size := math.Max(ps, ds)
	dist := dist(pred.Center(), p.Box.Center())
	gate := cfg.MaxCentreDistance*size + 3*tr.filter.posStd()
	app, hasApp := 0.0, tr.clothes != nil && p.Clothes != nil
	if hasApp {
		app = tr.clothes.Distance(p.Clothes)
		if app > cfg.MaxClothesDistance && !crowded {
			return math.Inf(1)
		}
	}
	if dist > gate {
		if !hasApp || crowded || app > cfg.ReidentifyDistance || tr.missedRounds == 0 || dist > 4*gate {
			return math.Inf(1)
		}
	}
	motion := 0.5*(1-pred.IoU(p.Box)) + 0.5*math.Min(dist/(cfg.MaxCentreDistance*size), 1)
	if !hasApp {
		return motion
	}
	w := cfg.AppearanceWeight
	return (1-w)*motion + w*math.Min(app/cfg.MaxClothesDistance, 1)
}

// weakPairCost is the cost of continuing track tr with a weakly scored
// person: motion only (a half-hidden person's clothes are mostly someone
// else's), and the boxes must overlap by a fifth at least.
func weakPairCost(tr *livePerson, p *facedata.Person, cfg PersonConfig) float64 {
	iou := tr.Box.IoU(p.Box)
	if iou < 0.2 {
		return math.Inf(1)
	}
	ps, ds := boxSize(tr.Box), boxSize(p.Box)
	if ratio := math.Max(ps/ds, ds/ps); ratio > cfg.MaxSizeRatio {
		return math.Inf(1)
	}
	return 1 - iou
}

func dist(a, b facedata.Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }
