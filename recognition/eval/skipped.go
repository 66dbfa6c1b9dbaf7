package eval

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// SkipReason says why an item of a dataset was left out or limited.
type SkipReason string

// Reasons for leaving items out. Every reader and the enrolment step count
// what they skip, so a run on a damaged dataset goes on and says what it lost.
const (
	SkipMissingFile     SkipReason = "missing file"
	SkipUnreadable      SkipReason = "unreadable image"
	SkipNoFace          SkipReason = "no usable face (failure to enrol)"
	SkipNotImage        SkipReason = "not an image file"
	SkipOutsideIdentity SkipReason = "image outside an identity folder"
	SkipEmptyFolder     SkipReason = "empty identity folder"
	SkipBadRow          SkipReason = "bad manifest row"
	SkipDuplicate       SkipReason = "duplicate path"
	SkipBadPairsLine    SkipReason = "bad pairs-file line"
	SkipPairMissing     SkipReason = "pair with a missing or unusable image"
	SkipNoPatternMatch  SkipReason = "file name does not match the pattern"
	SkipUnknownLabel    SkipReason = "label value not in the value-name file"
	// SkipSingleImage is a limitation rather than a removal: the image is
	// kept for non-mated pairs but gives no mated pair.
	SkipSingleImage SkipReason = "identity with one image (kept for non-mated pairs only)"
)

// maxExamples is how many example items are kept per reason.
const maxExamples = 5

// Skipped counts skipped items by reason and keeps a few examples of each
// (the first in sorted order, so the record is deterministic). It is safe
// for concurrent use.
type Skipped struct {
	mu       sync.Mutex
	counts   map[SkipReason]int
	examples map[SkipReason][]string
}

// NewSkipped returns an empty record.
func NewSkipped() *Skipped {
	return &Skipped{counts: map[SkipReason]int{}, examples: map[SkipReason][]string{}}
}

// Add counts one item skipped for reason; item names it (a path, a line).
func (s *Skipped) Add(reason SkipReason, item string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[reason]++
	ex := append(s.examples[reason], item)
	sort.Strings(ex)
	if len(ex) > maxExamples {
		ex = ex[:maxExamples]
	}
	s.examples[reason] = ex
}

// Count is the number of items skipped for reason.
func (s *Skipped) Count(reason SkipReason) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[reason]
}

// SkipCount is the count of one reason, for reports.
type SkipCount struct {
	Reason SkipReason `json:"reason"`
	Count  int        `json:"count"`
	// Examples are up to five items, the first in sorted order.
	Examples []string `json:"examples"`
}

// List returns the counts sorted by reason.
func (s *Skipped) List() []SkipCount {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SkipCount, 0, len(s.counts))
	for r, n := range s.counts {
		out = append(out, SkipCount{Reason: r, Count: n, Examples: append([]string(nil), s.examples[r]...)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Reason < out[j].Reason })
	return out
}

// Summary is a one-line account such as "2 missing file, 1 unreadable image",
// or "nothing skipped".
func (s *Skipped) Summary() string {
	l := s.List()
	if len(l) == 0 {
		return "nothing skipped"
	}
	parts := make([]string, len(l))
	for i, c := range l {
		parts[i] = fmt.Sprintf("%d %s", c.Count, c.Reason)
	}
	return strings.Join(parts, ", ")
}
