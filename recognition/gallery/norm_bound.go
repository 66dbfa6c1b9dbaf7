package gallery

import (
	"cmp"
	"math"
	"slices"
)

// listBound bounds the estimated normalised scores of one list's faces
// from below, so that the product-quantizer scan can skip the faces that
// cannot beat its shortlist.
//
// A face of statistics μ, σ at distance d scores below tau when
//
//	d < (tau + μp/σp + μ/σ) / (1/σp + 1/σ)
//
// (μp, σp the probe's). Over a list's faces, the largest right-hand side
// is a linear-fractional function of the point (1/σ, μ/σ), so it is largest
// at a vertex of the upper convex hull of the faces' points: the bound
// keeps that hull (a few points a list), and maxDist2 takes the largest
// over its vertices, the tightest bound that holds for every face. (The
// first version kept the largest μ/σ and the smallest 1/σ apart, which
// together bound every face of a list by a distance no face of it reaches:
// at ten million faces the scan then flagged every face.) Adds widen the
// hull; a removal leaves it valid.
type listBound struct {
	hull []boundPoint // by increasing inv
}

// boundPoint is one face's statistics as the bound sees them.
type boundPoint struct {
	inv, muInv float32 // 1/σ and μ/σ
}

// add widens the bound to a face of statistics μ and 1/σ.
func (b *listBound) add(mu, inv float32) {
	b.hull = upperHull(append(b.hull, boundPoint{inv, mu * inv}))
}

// boundOf is the bound of the faces whose μ and 1/σ alternate in stats.
func boundOf(stats []float32) listBound {
	pts := make([]boundPoint, 0, len(stats)/2)
	for i := 0; i+1 < len(stats); i += 2 {
		pts = append(pts, boundPoint{stats[i+1], stats[i] * stats[i+1]})
	}
	return listBound{hull: slices.Clip(upperHull(pts))}
}

// upperHull sorts pts and returns, in its memory, the vertices of their
// upper convex hull by increasing inv (Andrew's monotone chain).
func upperHull(pts []boundPoint) []boundPoint {
	slices.SortFunc(pts, func(a, b boundPoint) int {
		if c := cmp.Compare(a.inv, b.inv); c != 0 {
			return c
		}
		return cmp.Compare(b.muInv, a.muInv) // the highest first at one inv
	})
	h := pts[:0]
	for _, p := range pts {
		if len(h) > 0 && h[len(h)-1].inv == p.inv {
			continue // lower than the point kept at this inv
		}
		for len(h) >= 2 && !rightTurn(h[len(h)-2], h[len(h)-1], p) {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	return h
}

// rightTurn reports whether a, b, c turn clockwise (b strictly above the
// segment from a to c), in float64 so that near-collinear points are
// judged right.
func rightTurn(a, b, c boundPoint) bool {
	cross := (float64(b.inv)-float64(a.inv))*(float64(c.muInv)-float64(a.muInv)) -
		(float64(b.muInv)-float64(a.muInv))*(float64(c.inv)-float64(a.inv))
	return cross < 0
}

// maxDist2 bounds from above the squared distance of a face of list l
// whose estimated score is below tau (NaN: no face can be).
func (n *normScore) maxDist2(l *invList, tau float32) float32 {
	if math.IsInf(float64(tau), 1) {
		return float32(math.Inf(1))
	}
	c := tau + n.pmu*n.pinv
	d := float32(math.Inf(-1))
	for _, p := range l.bound.hull {
		d = max(d, (c+p.muInv)/(n.pinv+p.inv))
	}
	if !(d > 0) {
		return float32(math.NaN())
	}
	d *= 1 + 1e-5 // float32 rounding of the scores compared
	return d * d
}
