package scorenorm

import (
	"cmp"
	"errors"
	"fmt"
	"math"

	"facecase/facedata"
)

// ErrBadCohort is returned for a cohort that cannot be used: too few faces,
// a K out of range, descriptors that are not finite, or a malformed file.
var ErrBadCohort = errors.New("bad score normalisation cohort")

// MinCohortFaces is the fewest faces a cohort may hold.
const MinCohortFaces = 20

// Cohort is a fixed set of descriptors of people who are in no case, with
// the number of nearest faces K the statistics use and the calibration of
// the normalised score. It is immutable and safe for concurrent use.
type Cohort struct {
	info Info
	// vec holds the descriptors back to back (Size()*128 values).
	vec []float32
	cal Calibration
}

// Info describes a cohort: what it is keyed to and where its faces come
// from. It is the JSON header of the cohort file.
type Info struct {
	// ID names the cohort and its version ("fairface-adults-v1").
	ID string `json:"id"`
	// DescriptorModelSHA256 is the SHA-256 of the descriptor model file
	// the descriptors were made with; the cohort is valid for no other.
	DescriptorModelSHA256 string `json:"descriptor_model_sha256"`
	// K is the number of nearest cohort faces the statistics use.
	K int `json:"k"`
	// Faces is the number of descriptors.
	Faces int `json:"faces"`
	// Source, Licence and Attribution say where the faces come from and
	// on which terms their derived data may be shipped.
	Source      string `json:"source"`
	Licence     string `json:"licence"`
	Attribution string `json:"attribution"`
	// Made says how the descriptors were computed (detector, face choice,
	// images used and left out).
	Made string `json:"made"`
}

// New makes a cohort from descriptors and computes its calibration from
// its own non-mated pairs (every two of its faces; each face's statistics
// are taken without itself). info.Faces is set from descs.
func New(info Info, descs []facedata.Descriptor) (*Cohort, error) {
	info.Faces = len(descs)
	c, err := newCohort(info, descs)
	if err != nil {
		return nil, err
	}
	c.cal = calibrate(c)
	return c, nil
}

// newCohort checks the info and descriptors and builds the cohort without
// its calibration.
func newCohort(info Info, descs []facedata.Descriptor) (*Cohort, error) {
	switch {
	case info.ID == "":
		return nil, fmt.Errorf("%w: the cohort has no id", ErrBadCohort)
	case len(descs) < MinCohortFaces:
		return nil, fmt.Errorf("%w: %d faces, at least %d are needed", ErrBadCohort, len(descs), MinCohortFaces)
	case info.Faces != len(descs):
		return nil, fmt.Errorf("%w: the header says %d faces, the file holds %d", ErrBadCohort, info.Faces, len(descs))
	case info.K < 2 || info.K >= len(descs):
		return nil, fmt.Errorf("%w: K=%d with %d faces (want 2 <= K < faces)", ErrBadCohort, info.K, len(descs))
	}
	c := &Cohort{info: info, vec: make([]float32, 0, len(descs)*facedata.DescriptorSize)}
	for i := range descs {
		for _, v := range descs[i] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%w: descriptor %d has a value that is not finite", ErrBadCohort, i)
			}
		}
		c.vec = append(c.vec, descs[i][:]...)
	}
	return c, nil
}

// Info describes the cohort.
func (c *Cohort) Info() Info { return c.info }

// ID names the cohort and its version.
func (c *Cohort) ID() string { return c.info.ID }

// K is the number of nearest cohort faces the statistics use.
func (c *Cohort) K() int { return c.info.K }

// Size is the number of cohort faces.
func (c *Cohort) Size() int { return len(c.vec) / facedata.DescriptorSize }

// Calibration maps target false match rates to score thresholds.
func (c *Cohort) Calibration() Calibration { return c.cal }

// Descriptor returns cohort face i.
func (c *Cohort) Descriptor(i int) facedata.Descriptor {
	var d facedata.Descriptor
	copy(d[:], c.vec[i*facedata.DescriptorSize:])
	return d
}

// Stats are the cohort statistics of a descriptor: the mean and standard
// deviation of its distances to its K nearest cohort faces. It costs one
// distance per cohort face (about 20 µs for 360 faces).
func (c *Cohort) Stats(d *facedata.Descriptor) facedata.CohortStats {
	return c.stats(d, -1)
}

// stats is Stats leaving out cohort face skip (-1: none).
func (c *Cohort) stats(d *facedata.Descriptor, skip int) facedata.CohortStats {
	n := c.Size()
	sq := make([]float32, 0, n)
	for i := 0; i < n; i++ {
		if i == skip {
			continue
		}
		sq = append(sq, facedata.SquaredDistance(d, c.vec[i*facedata.DescriptorSize:(i+1)*facedata.DescriptorSize]))
	}
	return nearestStats(sq, c.info.K)
}

// nearestStats is the mean and population standard deviation of the square
// roots of the k smallest values of sq (which it reorders).
func nearestStats(sq []float32, k int) facedata.CohortStats {
	k = min(k, len(sq))
	selectFirst(sq, k, cmp.Compare[float32])
	var sum float64
	for i := range sq[:k] {
		d := math.Sqrt(float64(sq[i]))
		sq[i] = float32(d)
		sum += d
	}
	mu := sum / float64(k)
	var v float64
	for _, d := range sq[:k] {
		x := float64(d) - mu
		v += x * x
	}
	return facedata.CohortStats{Mu: float32(mu), Sigma: float32(math.Sqrt(v / float64(k)))}
}

// selectFirst reorders v so that its k first elements under cmp come
// first (in no particular order): Hoare's quickselect with a
// median-of-three pivot.
func selectFirst[T any](v []T, k int, cmp func(x, y T) int) {
	lo, hi := 0, len(v)-1
	for lo < hi && k > lo && k <= hi {
		mid := lo + (hi-lo)/2
		if cmp(v[mid], v[lo]) < 0 {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if cmp(v[hi], v[lo]) < 0 {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if cmp(v[hi], v[mid]) < 0 {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for cmp(v[i], pivot) < 0 {
				i++
			}
			for cmp(v[j], pivot) > 0 {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		// v[lo..j] <= pivot <= v[i..hi]; elements between are the pivot.
		switch {
		case k <= j+1:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}
