package eval

import (
	"sort"

	"facecase/facedata"
)

// overallColumn is the name of the built-in column that puts every sample
// in one group, so overall rates use the same code as group rates.
const overallColumn = "all"

// scoringSet is the enrolled part of a dataset in the compact form the
// scoring loops use. Column 0 is the built-in overall column.
type scoringSet struct {
	// sample maps an enrolled index to its Dataset.Samples index.
	sample []int32
	desc   []facedata.Descriptor
	// ident is the identity index of each enrolled sample; identities lists
	// every identity of the dataset (enrolled or not), sorted.
	ident      []int32
	identities []string
	// columns names the group columns, "all" first; groupNames[c] the
	// sorted values of column c; group[c][e] the value index of enrolled
	// sample e; sampleGroup[c][s] that of dataset sample s.
	columns     []string
	groupNames  [][]string
	group       [][]uint16
	sampleGroup [][]uint16
	// sampleIdentity is the identity index of each dataset sample.
	sampleIdentity []int32
}

// newScoringSet builds the set from a dataset and its enrolment.
func newScoringSet(ds *Dataset, en *Enrolment) *scoringSet {
	set := &scoringSet{columns: append([]string{overallColumn}, ds.GroupColumns...)}
	identIndex := map[string]int32{}
	set.sampleIdentity = make([]int32, len(ds.Samples))
	for i, s := range ds.Samples {
		k, ok := identIndex[s.Identity]
		if !ok {
			k = int32(len(set.identities))
			identIndex[s.Identity] = k
			set.identities = append(set.identities, s.Identity)
		}
		set.sampleIdentity[i] = k
	}
	set.groupNames = make([][]string, len(set.columns))
	set.sampleGroup = make([][]uint16, len(set.columns))
	set.groupNames[0] = []string{overallColumn}
	set.sampleGroup[0] = make([]uint16, len(ds.Samples))
	for c := 1; c < len(set.columns); c++ {
		values := map[string]bool{}
		for _, s := range ds.Samples {
			values[s.Groups[c-1]] = true
		}
		names := make([]string, 0, len(values))
		for v := range values {
			names = append(names, v)
		}
		sort.Strings(names)
		index := map[string]uint16{}
		for g, v := range names {
			index[v] = uint16(g)
		}
		set.groupNames[c] = names
		sg := make([]uint16, len(ds.Samples))
		for i, s := range ds.Samples {
			sg[i] = index[s.Groups[c-1]]
		}
		set.sampleGroup[c] = sg
	}
	set.group = make([][]uint16, len(set.columns))
	for i, st := range en.Status {
		if st != StatusEnrolled {
			continue
		}
		set.sample = append(set.sample, int32(i))
		set.desc = append(set.desc, en.Descriptors[i])
		set.ident = append(set.ident, set.sampleIdentity[i])
		for c := range set.columns {
			set.group[c] = append(set.group[c], set.sampleGroup[c][i])
		}
	}
	return set
}

// size is the number of enrolled samples.
func (s *scoringSet) size() int { return len(s.desc) }

// identityEnd returns, for every enrolled sample, the index one past the
// last enrolled sample of the same identity (samples are sorted by identity).
func (s *scoringSet) identityEnd() []int {
	end := make([]int, s.size())
	for i := s.size() - 1; i >= 0; i-- {
		if i+1 < s.size() && s.ident[i+1] == s.ident[i] {
			end[i] = end[i+1]
		} else {
			end[i] = i + 1
		}
	}
	return end
}
