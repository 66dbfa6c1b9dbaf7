package gallery

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestReleaseMapStaysInsideMap reproduces, at small scale, what crashed a
// 10-million-face import: while write transactions grow the file, bbolt
// grows the file ahead of its memory map (by its allocation step, 16 MB by
// default, scaled down here to 256 KB), so the file is larger than the
// map; a release of the map must not run past it into whatever the process
// mapped next (Go's heap and runtime structures: MADV_DONTNEED zeroes
// anonymous memory). Every release is checked against /proc/self/maps before
// it is made; a bad one is recorded and not made.
func TestReleaseMapStaysInsideMap(t *testing.T) {
	// Whether the file runs ahead of the map at the moment a commit ends
	// depends on where the background work's commits fall, so a run that
	// never saw it is repeated on a fresh file, a bounded number of times.
	const attempts = 6
	var releases, outgrown, commits int
	for a := 0; a < attempts && outgrown == 0; a++ {
		r, o, n := growWatchingReleases(t, a)
		releases, outgrown, commits = releases+r, o, n
	}
	if outgrown == 0 || releases == 0 {
		t.Fatalf("in %d fresh galleries the file never outgrew bbolt's map (%d releases made): the failure mode was not exercised", attempts, releases)
	}
	t.Logf("%d releases, all inside the map; the file was larger than the map after %d of %d commits", releases, outgrown, commits)
}

// growWatchingReleases grows a fresh gallery in 30 commits with every
// release checked against /proc/self/maps (a bad one fails the test and
// is not made). It returns the releases made, after how many commits the
// file was larger than bbolt's map, and the commits.
func growWatchingReleases(t *testing.T, attempt int) (releases, outgrown, commits int) {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(t.TempDir(), fmt.Sprintf("w%d.gallery", attempt)))
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	madvise := adviseDontNeed
	adviseDontNeed = func(addr, n uintptr) error {
		m, ok := mappingAt(t, addr)
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("release at %#x: no mapping there", addr))
		case m.name != path || m.start != addr:
			bad = append(bad, fmt.Sprintf("release at %#x: inside %q at %#x, not the start of the gallery's map", addr, m.name, m.start))
		case addr+n > m.end:
			bad = append(bad, fmt.Sprintf("release of %d bytes at %#x runs %d bytes past bbolt's map of %d bytes", n, addr, addr+n-m.end, m.end-m.start))
		default:
			releases++
			return madvise(addr, n)
		}
		return nil
	}
	defer func() { adviseDontNeed = madvise }()

	g, err := Open(path, Options{ManualRebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	g.st.db.AllocSize = 256 << 10
	faces := randomFaces(21, 6000, 1)
	for lo := 0; lo < len(faces); lo += 200 {
		if err := g.Add(t.Context(), faces[lo:lo+200]); err != nil {
			t.Fatal(err)
		}
		commits++
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		m, ok := mappingAt(t, g.st.db.Info().Data)
		if !ok {
			t.Fatal("bbolt's map is not in /proc/self/maps")
		}
		if st.Size() > int64(m.end-m.start) {
			outgrown++
		}
	}
	if len(bad) > 0 {
		t.Fatalf("%d of %d releases were outside bbolt's map, the first: %s", len(bad), len(bad)+releases, bad[0])
	}
	return releases, outgrown, commits
}

// mapping is one line of /proc/self/maps.
type mapping struct {
	start, end uintptr
	name       string
}

// mappingAt finds the mapping of this process that holds addr.
func mappingAt(t *testing.T, addr uintptr) (mapping, bool) {
	t.Helper()
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || addr < uintptr(start) || addr >= uintptr(end) {
			continue
		}
		m := mapping{start: uintptr(start), end: uintptr(end)}
		if len(fields) >= 6 {
			m.name = strings.Join(fields[5:], " ")
		}
		return m, true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return mapping{}, false
}
