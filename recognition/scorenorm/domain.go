package scorenorm

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"facecase/facedata"
)

// MinDomainFaces is the fewest faces an in-domain cohort needs. Measured on
// utkface-dev (docs/fairness.md): in-domain cohorts of 50 to 100 faces
// gave max/min group FMR ratios at FMR 1e-3 of 3.1 to 34 depending on which
// faces were drawn, from 200 faces 1.6 to 2.9, near those of the whole set
// (AS-norm; with local scaling and a cohort of 250 faces, the other 390
// faces measured, 1.6 to 3.3 at FMR 1e-2, median 2.1, over ten draws); and
// 250 faces give 31,000 non-mated pairs, the rule of three's minimum for
// calibrating FMR 1e-4.
const MinDomainFaces = 250

// DefaultK is the number of nearest shipped-cohort faces whose distances'
// mean and deviation normalise a score (AS-norm; an in-domain cohort uses
// DomainK). Measured on utkface-dev (docs/fairness.md), max/min group FMR
// ratio at FMR 1e-2 / 1e-3: in-domain K = 10 gave 2.5 / 1.7, K = 25
// 2.8 / 1.5, K = 50 2.7 / 1.7, K = 100 2.5 / 2.0; with the shipped cohort
// K = 10 12.1 / 7.7, K = 25 12.5 / 9.7, K = 50 12.6 / 13.3, all 360 faces
// 35 / 88. K = 25 is the best or near it with either cohort.
const DefaultK = 25

// DomainK is the number of nearest in-domain faces whose mean distance is a
// face's scale under local scaling (see Domain). Measured on utkface-dev
// (docs/fairness.md, without the MinStrangerDistance floor), max/min group
// FMR ratio at FMR 1e-2 / 1e-3, the scale the distance to the k-th nearest
// face: k = 1 1.62 / 1.42, k = 2 1.89 / 2.31, k = 3 1.95 / 2.87, k = 5
// 2.13 / 3.57 (mean of the k nearest: k = 2 1.72 / 1.67, k = 3
// 1.79 / 2.47); AS-norm over the 25 nearest 2.76 / 1.46. The ratio grows
// with k at both points, on held-out halves too, so the nearest face alone
// is used.
const DomainK = 1

// MinStrangerDistance is the distance below which a cohort face does not
// count as a face's nearest stranger in local scaling: dlib descriptors of
// different people almost never sit this close (on utkface-dev, fewer than
// one pair in 10,000 is nearer than 0.41), while the same person under two
// identities does (an alias, or one image enrolled twice, which would
// otherwise make the face's scale nearly zero and its scores unmatchable).
// Measured on utkface-dev with faceapi/people's faces in the cohort as
// other identities (docs/fairness.md): mated pairs missed at FMR 1e-3 fell
// from 63 to 49 of 80 (AS-norm: 44), the group ratios nearly unchanged
// (1.62 to 1.63 at 1e-2, 1.42 to 1.46 at 1e-3); a floor of 0.4 saved more
// mated pairs (35) but raised the ratio at 1e-3 to 1.86.
const MinStrangerDistance = 0.35

// Domain is an in-domain cohort: the faces a search is made against (a
// watchlist, a gallery's sample, a Lab dataset), each with the identity it
// belongs to. On data unlike the shipped cohort's, these faces describe
// "strangers" far better than the shipped cohort does (see MinDomainFaces).
//
// Its score is local scaling, not AS-norm: a face's statistics are μ = 0
// and σ = the mean distance to its k nearest cohort faces (DomainK: the
// nearest stranger), so Score makes ½(d/σ(a) + d/σ(b)), the distance in
// units of how far each face sits from its nearest stranger (the scaling of
// Zelnik-Manor and Perona 2004, which Schnitzer et al. 2012 showed evens
// out how often each point is anyone's nearest neighbour). Measured on
// utkface-dev (docs/fairness.md), it brings the max/min within-group FMR
// ratio at FMR 1e-2 from 2.76 (AS-norm, K = 25) to 1.63 and keeps it at
// 1.46 at 1e-3; fitted on half the faces and measured on the other half,
// from a median of 2.98 to 1.99 at 1e-2, lower in each of ten draws.
// Cohort faces nearer than MinStrangerDistance are not strangers and do not
// count.
//
// A comparison's cohort leaves out the compared faces and every face of the
// identities known to be involved: comparing a probe with a watchlist
// subject S tests the hypothesis "the probe is S", so neither side's
// statistics may use S's other faces, which are mates, not strangers
// (measured on utkface-dev with faceapi/people's 8 x 5 faces: with each
// face's mates in its cohort, FNMR at FMR 1e-3 was 62 of 80 mated pairs,
// with the compared identities left out 1 of 80; raw distance 20 of 80). A probe's own mates, when it has any on
// the watchlist under another subject, cannot be known; they stay, which
// only makes its impostor scores less alike.
type Domain struct {
	k     int
	vec   []float32 // descriptors back to back
	ident []int64
	// near[i] lists face i's nearest other faces, closest first, enough of
	// them to leave out two identities and keep k.
	near [][]neighbour
	// own[i] are face i's statistics without its own identity; cut[i] is
	// how many of near[i] they come from (own identity skipped included):
	// a comparison whose other identity has no face among them uses own[i]
	// as it is.
	own []facedata.CohortStats
	cut []int32
	// seen[i] has bit ident%256 set for every identity among near[i][:cut[i]]:
	// most comparisons learn from it alone that own[i] applies.
	seen []identitySet
	cal  Calibration
}

// identitySet is a 256-bit set of identities modulo 256 (a filter: a bit
// that is set may stand for another identity).
type identitySet [4]uint64

func (s *identitySet) add(id int64)     { b := uint64(id) % 256; s[b/64] |= 1 << (b % 64) }
func (s identitySet) has(id int64) bool { b := uint64(id) % 256; return s[b/64]&(1<<(b%64)) != 0 }

// maxNeighbours bounds the nearest list kept per face: an identity with
// hundreds of faces near one face leaves fewer than K strangers in it, and
// the statistics then use what remains.
const maxNeighbours = 256

// nearCopies is how many faces nearer than MinStrangerDistance (copies of
// a face under other identities) the nearest lists leave room for.
const nearCopies = 8

// maxCalibrationPairs bounds the pairs a domain's calibration scores; a
// larger domain is sampled evenly (4 million pairs support FMR 7.5e-7).
const maxCalibrationPairs = 4_000_000

// neighbour is one cohort face near another: its index and distance.
type neighbour struct {
	i int32
	d float32
}

// NewDomain builds the in-domain cohort of descs (at least MinDomainFaces)
// with ident[i] the identity of descs[i], each face's scale the mean
// distance to its k nearest faces (DomainK). It costs one distance per pair
// of faces, spread over the cores; ctx is checked between rows. Calibrate
// measures its operating points.
func NewDomain(ctx context.Context, descs []facedata.Descriptor, ident []int64, k int) (*Domain, error) {
	return NewDomainDistances(ctx, descs, ident, k, nil)
}

// NewDomainDistances is NewDomain with the distances of every two faces
// already at hand, as the Lab has them: rows(i) returns face i's distances
// to faces i+1 .. n-1 in order (nil computes them).
func NewDomainDistances(ctx context.Context, descs []facedata.Descriptor, ident []int64, k int, rows func(i int) []float32) (*Domain, error) {
	n := len(descs)
	switch {
	case n != len(ident):
		return nil, fmt.Errorf("%w: %d descriptors, %d identities", ErrBadCohort, n, len(ident))
	case n < MinDomainFaces:
		return nil, fmt.Errorf("%w: %d faces, an in-domain cohort needs %d", ErrBadCohort, n, MinDomainFaces)
	case k < 1 || k > maxNeighbours-nearCopies:
		return nil, fmt.Errorf("%w: K=%d", ErrBadCohort, k)
	}
	d := &Domain{k: k, vec: make([]float32, 0, n*facedata.DescriptorSize), ident: slices.Clone(ident)}
	for i := range descs {
		d.vec = append(d.vec, descs[i][:]...)
	}
	per := map[int64]int{}
	most := 0
	for _, id := range ident {
		per[id]++
		most = max(most, per[id])
	}
	keep := min(n-1, k+2*most+nearCopies, maxNeighbours)
	d.near = make([][]neighbour, n)
	d.own = make([]facedata.CohortStats, n)
	d.cut = make([]int32, n)
	d.seen = make([]identitySet, n)
	var err error
	if rows != nil {
		err = d.nearFromRows(ctx, keep, rows)
	} else {
		err = parallelRows(ctx, n, func(i int) {
			row := make([]neighbour, 0, n-1)
			a := (*facedata.Descriptor)(d.vec[i*facedata.DescriptorSize : (i+1)*facedata.DescriptorSize])
			for j := 0; j < n; j++ {
				if j != i {
					row = append(row, neighbour{int32(j), facedata.SquaredDistance(a, d.vec[j*facedata.DescriptorSize:])})
				}
			}
			d.setNear(i, nearestNeighbours(row, keep, true))
		})
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// setNear stores face i's nearest list and the statistics that follow
// from it.
func (d *Domain) setNear(i int, near []neighbour) {
	d.near[i] = near
	d.own[i], d.cut[i] = d.statsSkipping(i, -1, d.ident[i], d.ident[i])
	for _, nb := range d.near[i][:d.cut[i]] {
		d.seen[i].add(d.ident[nb.i])
	}
}

// nearRowsBlock is how many faces' nearest lists nearFromRows makes at
// once: the distances they need from an earlier row lie side by side in
// it, so a block reads each earlier row once, in runs of this length.
const nearRowsBlock = 64

// nearFromRows makes every face's nearest list (keep faces) from the
// distances rows gives, blocks of faces spread over the cores.
func (d *Domain) nearFromRows(ctx context.Context, keep int, rows func(i int) []float32) error {
	n := d.Size()
	blocks := (n + nearRowsBlock - 1) / nearRowsBlock
	return parallelRows(ctx, blocks, func(b int) {
		i0, i1 := b*nearRowsBlock, min(n, (b+1)*nearRowsBlock)
		sel := make([]nearest, i1-i0)
		for r := range sel {
			sel[r].v = make([]neighbour, 0, keep)
		}
		// Faces j before r: their rows hold d(j, r) at r-j-1.
		for j := 0; j < i1; j++ {
			row := rows(j)
			for r := max(i0, j+1); r < i1; r++ {
				sel[r-i0].offer(int32(j), row[r-j-1])
			}
		}
		// Faces after r: r's own row.
		for r := i0; r < i1; r++ {
			s := &sel[r-i0]
			for x, v := range rows(r) {
				s.offer(int32(r+1+x), v)
			}
			d.setNear(r, s.sorted())
		}
	})
}

// nearest keeps the cap(v) nearest faces offered, by distance then index,
// in a max-heap (v[0] the farthest kept).
type nearest struct{ v []neighbour }

func farther(x, y neighbour) bool { return x.d > y.d || (x.d == y.d && x.i > y.i) }

// offer considers face i at distance dist.
func (s *nearest) offer(i int32, dist float32) {
	nb := neighbour{i, dist}
	if len(s.v) < cap(s.v) {
		s.v = append(s.v, nb)
		for c := len(s.v) - 1; c > 0; {
			p := (c - 1) / 2
			if !farther(s.v[c], s.v[p]) {
				break
			}
			s.v[c], s.v[p] = s.v[p], s.v[c]
			c = p
		}
		return
	}
	if !farther(s.v[0], nb) {
		return
	}
	s.v[0] = nb
	for p := 0; ; {
		c := 2*p + 1
		if c >= len(s.v) {
			break
		}
		if c+1 < len(s.v) && farther(s.v[c+1], s.v[c]) {
			c++
		}
		if !farther(s.v[c], s.v[p]) {
			break
		}
		s.v[c], s.v[p] = s.v[p], s.v[c]
		p = c
	}
}

// sorted returns the kept faces, closest first (ties by index).
func (s *nearest) sorted() []neighbour {
	out := s.v
	slices.SortFunc(out, func(x, y neighbour) int {
		switch {
		case farther(y, x):
			return -1
		case farther(x, y):
			return 1
		}
		return 0
	})
	return out
}

// nearestNeighbours returns the keep nearest of row (reordered) as
// distances, closest first (ties by index); squared says row holds squared
// distances.
func nearestNeighbours(row []neighbour, keep int, squared bool) []neighbour {
	closer := func(x, y neighbour) int {
		switch {
		case x.d < y.d:
			return -1
		case x.d > y.d:
			return 1
		}
		return int(x.i - y.i)
	}
	selectFirst(row, keep, closer)
	out := slices.Clone(row[:keep])
	slices.SortFunc(out, closer)
	if squared {
		for i := range out {
			out[i].d = float32(math.Sqrt(float64(out[i].d)))
		}
	}
	return out
}

// parallelRows calls row(i) for every i < n on every core.
func parallelRows(ctx context.Context, n int, row func(i int)) error {
	var (
		wg   sync.WaitGroup
		next = make(chan int)
	)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				row(i)
			}
		}()
	}
	var err error
	for i := 0; i < n && err == nil; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	close(next)
	wg.Wait()
	return err
}

// Size is the number of faces.
func (d *Domain) Size() int { return len(d.ident) }

// K is the number of nearest faces a face's scale is the mean distance to.
func (d *Domain) K() int { return d.k }

// Calibration maps target FMRs to thresholds, measured on the domain's
// own non-mated pairs by Calibrate (empty before).
func (d *Domain) Calibration() Calibration { return d.cal }

// Calibrate measures the domain's operating points on its own non-mated
// pairs (see Calibration). It is not safe to call while the domain is in
// use.
func (d *Domain) Calibrate(ctx context.Context) error {
	cal, err := d.calibrate(ctx)
	if err != nil {
		return err
	}
	d.cal = cal
	return nil
}

// Stats are face i's statistics as a gallery face: without its own
// identity (the candidate's, when a probe is compared with it).
func (d *Domain) Stats(i int) facedata.CohortStats { return d.own[i] }

// statsSkipping are face i's statistics without face skip and without the
// faces of identities x and y, and how many of i's nearest list they came
// from. Should too many of its faces be left out, the list's remainder is
// used.
func (d *Domain) statsSkipping(i, skip int, x, y int64) (facedata.CohortStats, int32) {
	var buf [64]float32
	ds := buf[:0]
	used := 0
	last := float32(-1) // the farthest face considered
	for _, nb := range d.near[i] {
		used++
		if int(nb.i) == skip || d.ident[nb.i] == x || d.ident[nb.i] == y {
			continue
		}
		if last = nb.d; nb.d < MinStrangerDistance {
			continue
		}
		ds = append(ds, nb.d)
		if len(ds) == d.k {
			break
		}
	}
	return localScale(ds, last), int32(used)
}

// pairStats are face i's statistics in a comparison with face other:
// without its own identity and other's. When no face of other's identity
// is among those its own statistics come from, they are those.
func (d *Domain) pairStats(i, other int) facedata.CohortStats {
	y := d.ident[other]
	if !d.seen[i].has(y) {
		return d.own[i]
	}
	for _, nb := range d.near[i][:d.cut[i]] {
		if d.ident[nb.i] == y {
			st, _ := d.statsSkipping(i, other, d.ident[i], y)
			return st
		}
	}
	return d.own[i]
}

// PairScore is the normalised score of domain faces a and b at distance
// dist, each side's cohort leaving out both faces and both identities.
func (d *Domain) PairScore(a, b int, dist float64) float64 {
	return Score(dist, d.pairStats(a, b), d.pairStats(b, a))
}

// localScale are local scaling's statistics of a face's distances ds to
// its nearest cohort faces at MinStrangerDistance or farther: μ = 0 and σ
// = their mean. When there are none, σ is last, the farthest distance
// considered (none at all: zero statistics).
func localScale(ds []float32, last float32) facedata.CohortStats {
	if len(ds) == 0 {
		if last < 0 {
			return facedata.CohortStats{}
		}
		return facedata.CohortStats{Sigma: last}
	}
	var sum float64
	for _, v := range ds {
		sum += float64(v)
	}
	return facedata.CohortStats{Sigma: float32(sum / float64(len(ds)))}
}

// calibrate scores every pair of faces of different identities (an even
// sample of them above maxCalibrationPairs).
func (d *Domain) calibrate(ctx context.Context) (Calibration, error) {
	n := d.Size()
	stride := (n*(n-1)/2 + maxCalibrationPairs - 1) / maxCalibrationPairs
	rows := make([][]float64, n)
	err := parallelRows(ctx, n, func(i int) {
		a := (*facedata.Descriptor)(d.vec[i*facedata.DescriptorSize : (i+1)*facedata.DescriptorSize])
		for j := i + 1; j < n; j++ {
			if d.ident[i] == d.ident[j] || (i*n+j)%stride != 0 {
				continue
			}
			dist := math.Sqrt(float64(facedata.SquaredDistance(a, d.vec[j*facedata.DescriptorSize:])))
			rows[i] = append(rows[i], d.PairScore(i, j, dist))
		}
	})
	if err != nil {
		return Calibration{}, err
	}
	var scores []float64
	for _, r := range rows {
		scores = append(scores, r...)
	}
	return calibrationFromScores(fmt.Sprintf("in-domain cohort of %d faces", n), scores), nil
}

// Probe holds a probe's distances to every domain face, for scoring it
// against each candidate.
type Probe struct {
	d    *Domain
	dist []float32
	near []neighbour
}

// Probe measures a probe face (not a member of the domain) against every
// domain face.
func (d *Domain) Probe(p *facedata.Descriptor) *Probe {
	n := d.Size()
	pr := &Probe{d: d, dist: make([]float32, n)}
	sq := make([]neighbour, n)
	for j := 0; j < n; j++ {
		s := facedata.SquaredDistance(p, d.vec[j*facedata.DescriptorSize:])
		pr.dist[j] = float32(math.Sqrt(float64(s)))
		sq[j] = neighbour{int32(j), s}
	}
	keep := min(n, len(d.near[0])+1)
	pr.near = nearestNeighbours(sq, keep, true)
	return pr
}

// Distance is the probe's distance to domain face i.
func (p *Probe) Distance(i int) float64 { return float64(p.dist[i]) }

// Score is the probe's normalised score against domain face i: the probe's
// statistics without i's identity, i's own (Stats).
func (p *Probe) Score(i int) float64 {
	return Score(float64(p.dist[i]), p.statsWithout(p.d.ident[i]), p.d.own[i])
}

// StatsWithout are the statistics of a face that is not a member of the
// domain (a gallery face outside its sample) as a gallery face: its K
// nearest domain faces without those of identity ident, its own.
func (d *Domain) StatsWithout(p *facedata.Descriptor, ident int64) facedata.CohortStats {
	return d.Probe(p).statsWithout(ident)
}

// statsWithout are the probe's statistics without identity x's faces.
func (p *Probe) statsWithout(x int64) facedata.CohortStats {
	var buf [64]float32
	ds := buf[:0]
	last := float32(-1)
	for _, nb := range p.near {
		if p.d.ident[nb.i] == x {
			continue
		}
		if last = nb.d; nb.d < MinStrangerDistance {
			continue
		}
		ds = append(ds, nb.d)
		if len(ds) == p.d.k {
			break
		}
	}
	return localScale(ds, last)
}

// ScoreWith is the probe's normalised score against a gallery face that
// is not a domain member (a large gallery normalises with a sample of its
// faces): the distance to it, its stored statistics (StatsWithout at
// import) and its identity, which the probe's statistics leave out.
func (p *Probe) ScoreWith(dist float64, gallery facedata.CohortStats, ident int64) float64 {
	return Score(dist, p.statsWithout(ident), gallery)
}
