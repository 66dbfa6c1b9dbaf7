package synthdesc

import (
	"math"
	"math/rand/v2"

	"facecase/facedata"
)

const dim = facedata.DescriptorSize

// DefaultSeed is the seed benchmarks use, so every run sees the same faces.
const DefaultSeed = 20240607

// Calibration of the model (see the package comment). The values were tuned
// with TestDistanceStatistics, which checks the resulting distances.
const (
	meanNorm      = 1.28  // length of the mean all faces share
	centreSpread  = 0.468 // RMS distance of a centre from the mean
	spectrumDecay = 0.8   // variance of centre direction j falls as (j+1)^-decay
	noiseRMS      = 0.318 // RMS length of one image's noise (same-person distance / sqrt 2)
	noiseSpreadSD = 0.2   // log-normal spread of the per-identity noise scale
	noiseDecay    = 0.8   // variance of noise direction j falls as (j+1)^-decay
	reflections   = 4     // Householder reflections that tilt the axes
)

// Config chooses the population.
type Config struct {
	// Seed makes the population; the same seed gives the same faces.
	Seed uint64
	// ImagesPerIdentity is how many enrolled faces each identity has
	// (default 5): face i belongs to identity i / ImagesPerIdentity.
	ImagesPerIdentity int
}

// Generator makes descriptors. It is safe for concurrent use.
type Generator struct {
	cfg          Config
	noiseMirrors [reflections][dim]float64
	mean         [dim]float32
	sigma        [dim]float64 // centre standard deviation per (tilted) axis
	tau          [dim]float64 // noise standard deviation per axis
	mirrors      [reflections][dim]float64
}

// New makes a generator; zero fields of cfg take their defaults.
func New(cfg Config) *Generator {
	if cfg.ImagesPerIdentity <= 0 {
		cfg.ImagesPerIdentity = 5
	}
	g := &Generator{cfg: cfg}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x6d65616e))
	var n float64
	for j := range g.mean {
		v := r.NormFloat64()
		g.mean[j] = float32(v)
		n += v * v
	}
	for j := range g.mean {
		g.mean[j] *= float32(meanNorm / math.Sqrt(n))
	}
	var total float64
	for j := range g.sigma {
		g.sigma[j] = math.Pow(float64(j+1), -spectrumDecay)
		total += g.sigma[j]
	}
	for j := range g.sigma {
		g.sigma[j] = math.Sqrt(g.sigma[j] / total * centreSpread * centreSpread)
	}
	total = 0
	for j := range g.tau {
		g.tau[j] = math.Pow(float64(j+1), -noiseDecay/2)
		total += g.tau[j] * g.tau[j]
	}
	for j := range g.tau {
		g.tau[j] *= noiseRMS / math.Sqrt(total)
	}
	randomMirrors(r, &g.mirrors)
	randomMirrors(r, &g.noiseMirrors)
	return g
}

// ImagesPerIdentity is the number of enrolled faces per identity.
func (g *Generator) ImagesPerIdentity() int { return g.cfg.ImagesPerIdentity }

// IdentityOf is the identity of enrolled face i.
func (g *Generator) IdentityOf(face int) int { return face / g.cfg.ImagesPerIdentity }

// identity is one person: a centre and a noise scale.
type identity struct {
	centre [dim]float64
	noise  float64
}

// person builds identity id (stream 1 of the seed).
func (g *Generator) person(id int) identity {
	r := rand.New(rand.NewPCG(g.cfg.Seed^0x1d, uint64(id)))
	var p identity
	for j := range p.centre {
		p.centre[j] = g.sigma[j] * r.NormFloat64()
	}
	reflect(&g.mirrors, &p.centre)
	for j := range p.centre {
		p.centre[j] += float64(g.mean[j])
	}
	p.noise = math.Exp(noiseSpreadSD*r.NormFloat64() - noiseSpreadSD*noiseSpreadSD/2)
	return p
}

// image draws one photo of p from the stream (stream, n).
func (g *Generator) image(p *identity, stream, n uint64) facedata.Descriptor {
	r := rand.New(rand.NewPCG(g.cfg.Seed^stream, n))
	var e [dim]float64
	for j := range e {
		e[j] = p.noise * g.tau[j] * r.NormFloat64()
	}
	reflect(&g.noiseMirrors, &e)
	var d facedata.Descriptor
	for j := range d {
		d[j] = float32(p.centre[j] + e[j])
	}
	return d
}

// randomMirrors draws unit normals of Householder reflections.
func randomMirrors(r *rand.Rand, mirrors *[reflections][dim]float64) {
	for m := range mirrors {
		var s float64
		for j := range mirrors[m] {
			v := r.NormFloat64()
			mirrors[m][j] = v
			s += v * v
		}
		for j := range mirrors[m] {
			mirrors[m][j] /= math.Sqrt(s)
		}
	}
}

// reflect applies the reflections to x: a rotation of the axes that keeps
// lengths, so that the strong directions are not the coordinate axes.
func reflect(mirrors *[reflections][dim]float64, x *[dim]float64) {
	for m := range mirrors {
		v := &mirrors[m]
		var dot float64
		for j := range x {
			dot += v[j] * x[j]
		}
		for j := range x {
			x[j] -= 2 * dot * v[j]
		}
	}
}

// Face is enrolled face i.
func (g *Generator) Face(i int) facedata.Descriptor {
	p := g.person(g.IdentityOf(i))
	return g.image(&p, 0x2f, uint64(i))
}

// Fill writes enrolled faces from, from+1, ... into dst, building each
// identity once.
func (g *Generator) Fill(from int, dst []facedata.Descriptor) {
	last := -1
	var p identity
	for k := range dst {
		i := from + k
		if id := g.IdentityOf(i); id != last {
			p, last = g.person(id), id
		}
		dst[k] = g.image(&p, 0x2f, uint64(i))
	}
}

// Probe is a new photo of identity id, never among the enrolled faces: the
// n-th probe of that person. It is what an investigator searches with.
func (g *Generator) Probe(id, n int) facedata.Descriptor {
	p := g.person(id)
	return g.image(&p, 0x3b, uint64(id)<<8|uint64(n&0xff))
}

// Stranger is a photo of someone who is not enrolled (identities are
// numbered from the top of the range, so they never meet enrolled ones).
func (g *Generator) Stranger(n int) facedata.Descriptor {
	p := g.person(math.MaxInt32 - n)
	return g.image(&p, 0x47, uint64(n))
}
