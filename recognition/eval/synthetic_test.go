package eval

import (
	"math/rand/v2"
	"strconv"

	"facecase/facedata"
)

// syntheticSet makes an enrolled set of people × perPerson descriptors
// spread like dlib's (mated distances near 0.4, non-mated near 1), with
// columns of groups assigned per identity ("sex": 2 values, "band": 3).
// wide makes identities closer, so that some non-mated pairs match at 0.6.
func syntheticSet(people, perPerson int, seed uint64, wide bool) *scoringSet {
	rng := rand.New(rand.NewPCG(seed, 1))
	centre, noise := 0.05625, 0.025
	if wide {
		centre, noise = 0.035, 0.03
	}
	set := &scoringSet{columns: []string{overallColumn, "sex", "band"},
		groupNames: [][]string{{overallColumn}, {"f", "m"}, {"a", "b", "c"}}}
	set.group = make([][]uint16, 3)
	set.sampleGroup = make([][]uint16, 3)
	for p := 0; p < people; p++ {
		set.identities = append(set.identities, "p"+strconv.Itoa(p))
		var c facedata.Descriptor
		for i := range c {
			c[i] = float32(rng.NormFloat64() * centre)
		}
		sex, band := uint16(p%2), uint16(p%3)
		for k := 0; k < perPerson; k++ {
			d := c
			for i := range d {
				d[i] += float32(rng.NormFloat64() * noise)
			}
			e := int32(len(set.desc))
			set.desc = append(set.desc, d)
			set.sample = append(set.sample, e)
			set.ident = append(set.ident, int32(p))
			set.sampleIdentity = append(set.sampleIdentity, int32(p))
			for c, g := range []uint16{0, sex, band} {
				set.group[c] = append(set.group[c], g)
				set.sampleGroup[c] = append(set.sampleGroup[c], g)
			}
		}
	}
	return set
}
