package eval

import "sort"

// scoredPair is one comparison: enrolled indices A < B and the score.
type scoredPair struct {
	A, B  int32
	Score float32
}

// tally is what scoring keeps: every mated pair; for non-mated pairs a
// histogram per group (pairs whose two images share the group's value), the
// false matches at the operating threshold between every two groups, and
// the non-mated pairs the bootstrap needs. Each scoring worker fills its own
// tally; they are merged at the end.
type tally struct {
	threshold float64
	// nonMated[c][g] counts non-mated scores within group g of column c.
	nonMated [][]*Histogram
	// crossFM[c][a*G+b] (a <= b) counts false matches at the threshold
	// between groups a and b of column c.
	crossFM [][]int64
	mated   []scoredPair
	// records are the non-mated pairs scoring at or below the threshold
	// (every non-mated pair when keepAll), up to maxRecords.
	records    []scoredPair
	keepAll    bool
	maxRecords int
	overflow   bool
}

func newTally(set *scoringSet, threshold float64, keepAll bool, maxRecords int) *tally {
	t := &tally{threshold: threshold, keepAll: keepAll, maxRecords: maxRecords}
	t.nonMated = make([][]*Histogram, len(set.columns))
	t.crossFM = make([][]int64, len(set.columns))
	for c, names := range set.groupNames {
		t.nonMated[c] = make([]*Histogram, len(names))
		for g := range names {
			t.nonMated[c][g] = NewHistogram()
		}
		t.crossFM[c] = make([]int64, len(names)*len(names))
	}
	return t
}

// addNonMated counts a non-mated comparison of enrolled samples i < j.
func (t *tally) addNonMated(set *scoringSet, i, j int32, s float32) {
	bin := binOf(s)
	for c, gc := range set.group {
		if gi := gc[i]; gi == gc[j] {
			t.nonMated[c][gi].counts[bin]++
		}
	}
	match := isMatch(s, t.threshold)
	if match {
		for c, gc := range set.group {
			a, b := gc[i], gc[j]
			if a > b {
				a, b = b, a
			}
			t.crossFM[c][int(a)*len(set.groupNames[c])+int(b)]++
		}
	}
	if match || t.keepAll {
		if len(t.records) < t.maxRecords {
			t.records = append(t.records, scoredPair{i, j, s})
		} else {
			t.overflow = true
		}
	}
}

// addMated keeps a mated comparison of enrolled samples i < j.
func (t *tally) addMated(i, j int32, s float32) {
	t.mated = append(t.mated, scoredPair{i, j, s})
}

// merge adds o into t.
func (t *tally) merge(o *tally) {
	for c := range t.nonMated {
		for g := range t.nonMated[c] {
			t.nonMated[c][g].Merge(o.nonMated[c][g])
		}
		for k, v := range o.crossFM[c] {
			t.crossFM[c][k] += v
		}
	}
	t.mated = append(t.mated, o.mated...)
	room := t.maxRecords - len(t.records)
	if len(o.records) > room {
		t.overflow = true
		t.records = append(t.records, o.records[:room]...)
	} else {
		t.records = append(t.records, o.records...)
	}
	t.overflow = t.overflow || o.overflow
}

// sortPairs puts the kept pairs in (A, B) order so results do not depend on
// how work was shared between workers.
func (t *tally) sortPairs() {
	less := func(p []scoredPair) func(i, j int) bool {
		return func(i, j int) bool {
			if p[i].A != p[j].A {
				return p[i].A < p[j].A
			}
			return p[i].B < p[j].B
		}
	}
	sort.Slice(t.mated, less(t.mated))
	sort.Slice(t.records, less(t.records))
}
