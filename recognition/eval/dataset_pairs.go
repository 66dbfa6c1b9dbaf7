package eval

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"facecase/internal/fsutil"
)

// ErrPairsHeader is returned for a pairs file whose first line is not a
// header of one or two counts.
var ErrPairsHeader = errors.New("pairs file header")

// ReadPairs reads an LFW-style pairs file. The first line holds the number
// of folds and the number of matched (and of mismatched) pairs per fold,
// "10 300", or a single pair count for one fold. Each fold then lists its
// matched pairs, "name n1 n2", followed by its mismatched pairs,
// "name1 n1 name2 n2". Image n of name is
// imagesRoot/name/name_NNNN.jpg (four digits), as in LFW.
//
// Bad lines are skipped and counted; a pair with a missing image is skipped
// and counted, as is each missing file. When the number of pairs does not
// fit the header, the pairs are kept and folds are not used (Folds is 1).
func ReadPairs(pairsPath, imagesRoot string) (*Dataset, error) {
	f, err := fsutil.OpenRegular(pairsPath) // a pipe would block, a device never ends
	if err != nil {
		return nil, fmt.Errorf("read pairs file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	d := &Dataset{Source: pairsPath, Kind: KindPairs, Skipped: NewSkipped()}
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read pairs file %s: %w", pairsPath, err)
		}
		return nil, fmt.Errorf("read pairs file %s: %w: the file is empty", pairsPath, ErrPairsHeader)
	}
	folds, perFold, err := parsePairsHeader(sc.Text())
	if err != nil {
		return nil, fmt.Errorf("read pairs file %s: %w", pairsPath, err)
	}
	images := pairImages{d: d, root: imagesRoot, index: map[string]int{}, missing: map[string]bool{}}
	ordinal := 0
	lineNo := 1
	for sc.Scan() {
		lineNo++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		pos := ordinal
		ordinal++
		nameA, nA, nameB, nB, ok := parsePairLine(fields)
		if !ok {
			d.Skipped.Add(SkipBadPairsLine, fmt.Sprintf("line %d: %q", lineNo, sc.Text()))
			continue
		}
		a, okA := images.sample(nameA, nA)
		b, okB := images.sample(nameB, nB)
		if !okA || !okB {
			d.Skipped.Add(SkipPairMissing, fmt.Sprintf("line %d", lineNo))
			continue
		}
		fold := 0
		if perFold > 0 {
			fold = pos / (2 * perFold)
		}
		d.Pairs = append(d.Pairs, ListedPair{A: a, B: b, Mated: len(fields) == 3, Fold: fold})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read pairs file %s: %w", pairsPath, err)
	}
	d.Folds = folds
	if ordinal != folds*2*perFold {
		// The header does not describe the file: keep the pairs, drop folds.
		d.Folds = 1
		for i := range d.Pairs {
			d.Pairs[i].Fold = 0
		}
	}
	if len(d.Pairs) == 0 {
		return nil, fmt.Errorf("%s: %w: no usable pair (%s)", pairsPath, ErrEmptyDataset, d.Skipped.Summary())
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return d, nil
}

// pairImages finds the images that pairs name and makes each a sample of
// d once.
type pairImages struct {
	d       *Dataset
	root    string
	index   map[string]int  // sample index by path
	missing map[string]bool // paths found missing (counted once)
}

// sample is the index of image n of name, added as a sample when first
// named; ok is false when the file is missing.
func (pi *pairImages) sample(name string, n int) (i int, ok bool) {
	p := filepath.Join(pi.root, name, fmt.Sprintf("%s_%04d.jpg", name, n))
	if i, ok := pi.index[p]; ok {
		return i, true
	}
	if pi.missing[p] {
		return 0, false
	}
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		pi.missing[p] = true
		pi.d.Skipped.Add(SkipMissingFile, relPath(pi.root, p))
		return 0, false
	}
	pi.index[p] = len(pi.d.Samples)
	pi.d.Samples = append(pi.d.Samples, Sample{Path: p, Rel: relPath(pi.root, p), Identity: name})
	return pi.index[p], true
}

// parsePairsHeader reads "folds perFold" or "pairs" (one fold of pairs/2
// matched and pairs/2 mismatched).
func parsePairsHeader(line string) (folds, perFold int, err error) {
	f := strings.Fields(line)
	nums := make([]int, len(f))
	for i, s := range f {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return 0, 0, fmt.Errorf("%w: first line %q is not \"FOLDS PAIRS_PER_FOLD\"", ErrPairsHeader, line)
		}
		nums[i] = n
	}
	switch len(nums) {
	case 2:
		return nums[0], nums[1], nil
	case 1:
		return 1, nums[0] / 2, nil
	}
	return 0, 0, fmt.Errorf("%w: first line %q is not \"FOLDS PAIRS_PER_FOLD\"", ErrPairsHeader, line)
}

// parsePairLine reads "name n1 n2" (matched) or "name1 n1 name2 n2".
func parsePairLine(f []string) (nameA string, nA int, nameB string, nB int, ok bool) {
	num := func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= 0
	}
	switch len(f) {
	case 3:
		a, okA := num(f[1])
		b, okB := num(f[2])
		return f[0], a, f[0], b, okA && okB && a != b
	case 4:
		a, okA := num(f[1])
		b, okB := num(f[3])
		return f[0], a, f[2], b, okA && okB && f[0] != f[2]
	}
	return "", 0, "", 0, false
}
