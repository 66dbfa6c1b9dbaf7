package eval

import (
	"errors"
	"fmt"
	"sort"
)

// Kind says how a dataset was described.
type Kind string

// Dataset kinds.
const (
	KindFolders  Kind = "folders"  // ROOT/<identity>/*.jpg
	KindManifest Kind = "manifest" // CSV: path, identity, group columns
	KindPairs    Kind = "pairs"    // LFW-style pairs file
	KindPattern  Kind = "pattern"  // labels in file names
)

// ErrEmptyDataset is returned when a dataset yields no usable image.
var ErrEmptyDataset = errors.New("dataset has no usable images")

// ErrTooManyGroups is returned for a group column with more distinct values
// than MaxGroupsPerColumn.
var ErrTooManyGroups = errors.New("too many groups in a column")

// MaxGroupsPerColumn bounds the distinct values of one group column (bin
// ages into bands rather than using raw years).
const MaxGroupsPerColumn = 256

// UnlabelledGroup names the group of a sample whose label is blank.
const UnlabelledGroup = "(unlabelled)"

// Sample is one image of a dataset.
type Sample struct {
	// Path is where the image is read from.
	Path string `json:"-"`
	// Rel is the path shown in reports, relative to the dataset's folder
	// where possible, with forward slashes.
	Rel string `json:"path"`
	// Identity is the person the image shows, as the dataset labels them.
	Identity string `json:"identity"`
	// Groups holds the sample's value of each of Dataset.GroupColumns.
	Groups []string `json:"groups,omitempty"`
}

// ListedPair is a comparison listed in a pairs file.
type ListedPair struct {
	// A and B index Dataset.Samples.
	A, B int
	// Mated is true for a pair of images of the same person.
	Mated bool
	// Fold is the pair's fold (0-based).
	Fold int
}

// Dataset is a set of labelled face images ready for evaluation.
type Dataset struct {
	// Source is the folder or file the dataset was read from.
	Source string
	// Kind says which reader read it.
	Kind Kind
	// GroupColumns names the demographic columns (sex, age band ...) in the
	// order of Sample.Groups.
	GroupColumns []string
	// Samples are sorted by identity, then path.
	Samples []Sample
	// Pairs lists the comparisons of a pairs file; nil for other kinds,
	// where every pair of images is compared.
	Pairs []ListedPair
	// Folds is the number of folds of a pairs file (0 for other kinds).
	Folds int
	// Skipped counts what was left out or limited, by reason.
	Skipped *Skipped
}

// Identities returns the distinct identities, sorted.
func (d *Dataset) Identities() []string {
	var ids []string
	for i, s := range d.Samples {
		if i == 0 || s.Identity != d.Samples[i-1].Identity {
			ids = append(ids, s.Identity)
		}
	}
	return ids
}

// finish sorts the samples (remapping listed pairs), records identities with
// a single image and checks the group columns. It fails with ErrEmptyDataset
// when nothing is left.
func (d *Dataset) finish() error {
	if len(d.Samples) == 0 {
		return fmt.Errorf("%s: %w (%s)", d.Source, ErrEmptyDataset, d.Skipped.Summary())
	}
	order := make([]int, len(d.Samples))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		sa, sb := &d.Samples[order[a]], &d.Samples[order[b]]
		if sa.Identity != sb.Identity {
			return sa.Identity < sb.Identity
		}
		return sa.Rel < sb.Rel
	})
	newIndex := make([]int, len(order))
	sorted := make([]Sample, len(order))
	for to, from := range order {
		sorted[to] = d.Samples[from]
		newIndex[from] = to
	}
	d.Samples = sorted
	for i := range d.Pairs {
		d.Pairs[i].A = newIndex[d.Pairs[i].A]
		d.Pairs[i].B = newIndex[d.Pairs[i].B]
	}
	if d.Kind != KindPairs {
		count := map[string]int{}
		for _, s := range d.Samples {
			count[s.Identity]++
		}
		for _, id := range d.Identities() {
			if count[id] == 1 {
				d.Skipped.Add(SkipSingleImage, id)
			}
		}
	}
	for c, col := range d.GroupColumns {
		values := map[string]bool{}
		for i := range d.Samples {
			if d.Samples[i].Groups[c] == "" {
				d.Samples[i].Groups[c] = UnlabelledGroup
			}
			values[d.Samples[i].Groups[c]] = true
		}
		if len(values) > MaxGroupsPerColumn {
			return fmt.Errorf("%s: column %q has %d distinct values: %w (at most %d; group raw values into bands)",
				d.Source, col, len(values), ErrTooManyGroups, MaxGroupsPerColumn)
		}
	}
	return nil
}
