package gallery

import (
	"context"
	"math"
	"slices"
)

// coarse is the index's two-level clustering: a few top clusters, each split
// into fine clusters; every fine cluster is one inverted list. A probe is
// compared with every fine centroid; a face being enrolled is compared with
// the top centroids first and then only with the children of the nearest
// few, which makes enrolling millions of faces fast.
type coarse struct {
	centroids []float32 // fine centroids, nlist*128, grouped by top cluster
	tops      []float32 // top centroids, ntop*128
	start     []uint32  // children of top t are fine lists start[t]..start[t+1]-1
}

// assignTops is how many top clusters a face being enrolled looks into.
const assignTops = 3

func (c *coarse) nlist() int { return len(c.centroids) / dim }

// flat reports whether c has a single list.
func (c *coarse) flat() bool { return c.nlist() == 1 }

func (c *coarse) centroid(list uint32) *[dim]float32 {
	return (*[dim]float32)(c.centroids[int(list)*dim:])
}

// flatCoarse is the single list of an untrained index, centred on mean.
func flatCoarse(mean *[dim]float32) *coarse {
	return &coarse{centroids: mean[:], tops: mean[:], start: []uint32{0, 1}}
}

// trainCoarse clusters sample into about nlist lists.
func trainCoarse(ctx context.Context, sample []float32, nlist int, seed uint64) (*coarse, error) {
	n := len(sample) / dim
	if nlist <= 1 || n < 2 {
		var mean [dim]float32
		meanOf(sample, &mean)
		return flatCoarse(&mean), nil
	}
	ntop := max(1, int(math.Round(math.Sqrt(float64(nlist)))))
	tops, assign, err := kmeans(ctx, sample, ntop, seed)
	if err != nil {
		return nil, err
	}
	ntop = len(tops) / dim
	members := make([][]int, ntop)
	for i, t := range assign {
		members[t] = append(members[t], i)
	}
	c := &coarse{tops: tops, start: make([]uint32, 1, ntop+1)}
	for t := range ntop {
		pts := make([]float32, 0, len(members[t])*dim)
		for _, i := range members[t] {
			pts = append(pts, sample[i*dim:i*dim+dim]...)
		}
		k := max(1, int(math.Round(float64(nlist)*float64(len(members[t]))/float64(n))))
		if len(members[t]) == 0 {
			pts, k = tops[t*dim:t*dim+dim], 1
		}
		fine, _, err := kmeans(ctx, pts, k, seed+uint64(t)+1)
		if err != nil {
			return nil, err
		}
		c.centroids = append(c.centroids, fine...)
		c.start = append(c.start, uint32(len(c.centroids)/dim))
	}
	return c, nil
}

// assign is the list a face goes into: the nearest fine centroid among the
// children of its assignTops nearest top clusters. scratch is reused.
func (c *coarse) assign(x *[dim]float32, scratch *[]float32) uint32 {
	ntop := len(c.tops) / dim
	if ntop == 1 && c.nlist() == 1 {
		return 0
	}
	d := grow(scratch, max(ntop, c.nlist()))
	td := d[:ntop]
	sqDists(x, c.tops, td)
	var best topK
	best = newTopK(assignTops)
	for t, v := range td {
		best.push(v, uint32(t))
	}
	var bestList uint32
	bestD := float32(math.Inf(1))
	for _, h := range best.h {
		lo, hi := c.start[h.row], c.start[h.row+1]
		fd := d[:hi-lo]
		sqDists(x, c.centroids[int(lo)*dim:int(hi)*dim], fd)
		for i, v := range fd {
			if v < bestD {
				bestD, bestList = v, lo+uint32(i)
			}
		}
	}
	return bestList
}

// nearest returns the nprobe lists whose centroids are nearest q, nearest
// first, with their squared distances.
func (c *coarse) nearest(q *[dim]float32, nprobe int, scratch *[]float32) []hit {
	nl := c.nlist()
	d := grow(scratch, nl)
	sqDists(q, c.centroids, d)
	t := newTopK(min(nprobe, nl))
	for i, v := range d {
		t.push(v, uint32(i))
	}
	slices.SortFunc(t.h, func(a, b hit) int { return cmpHit(a, b) })
	return t.h
}

func cmpHit(a, b hit) int {
	switch {
	case a.d < b.d:
		return -1
	case a.d > b.d:
		return 1
	}
	return int(a.row) - int(b.row)
}

func meanOf(pts []float32, mean *[dim]float32) {
	var s [dim]float64
	n := len(pts) / dim
	for i := range n {
		for j, v := range pts[i*dim : i*dim+dim] {
			s[j] += float64(v)
		}
	}
	for j := range mean {
		if n > 0 {
			mean[j] = float32(s[j] / float64(n))
		}
	}
}

// grow returns (*buf)[:n], reallocating when it is too short.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}
