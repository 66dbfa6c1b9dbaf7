package casefile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
)

// bbolt's page layout (go.etcd.io/bbolt internal/common/page.go, v1.4.3):
// after the 16-byte page header come count elements of 16 bytes each. A
// branch element is pos, ksize (uint32) and the child's page id (uint64);
// a leaf element is flags, pos, ksize, vsize (uint32). pos counts from the
// element itself; a leaf's value follows its key. A leaf element with flag
// 1 is a bucket: its value is the bucket's root page id and sequence
// (uint64 each), followed, when the root is 0, by the bucket's own leaf
// page (an inline bucket).
const (
	boltBranchFlag     = 0x01
	boltLeafFlag       = 0x02
	boltElementSize    = 16
	boltBucketFlag     = 0x01
	boltBucketHeader   = 16
	rawTreeMaxDepth    = 64
	rawTreeMaxProblems = 10
)

// rawTree checks a case file's page tree by reading the file itself, not
// bbolt's memory map, with every offset bounded: a damaged page is named,
// never a memory fault. It finds what bbolt's own Tx.Check finds (pages
// of the wrong type, elements outside their page, keys out of order,
// pages used twice or both used and free, pages neither used nor free),
// and makes Tx.Check safe to run afterwards, which is not otherwise: it
// runs in a goroutine of its own, where a fault on a damaged page ends
// the process.
type rawTree struct {
	f        *os.File
	pageSize int64
	hwm      uint64 // pages in use end here
	used     []bool
	free     []bool
	problems []string
	more     int
	bufs     [][]byte // one page buffer per depth, reused
}

// checkRawTree returns what is wrong with the page tree of the case file
// at path (nothing for a sound file).
func checkRawTree(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	m, pageSize, err := readRawMeta(f, st.Size())
	if err != nil {
		return []string{err.Error()}, nil
	}
	t := &rawTree{f: f, pageSize: pageSize, hwm: m.PGID, used: make([]bool, m.PGID), free: make([]bool, m.PGID)}
	t.used[0], t.used[1] = true, true
	if m.Freelist != boltNoFreelist {
		ids, err := readRawFreelist(f, m, pageSize)
		if err != nil {
			return []string{err.Error()}, nil
		}
		for _, id := range ids {
			if t.free[id] {
				t.add("page %d is in the free list twice", id)
			}
			t.free[id] = true
		}
		_, _, _, overflow, _ := readPageHeader(f, int64(m.Freelist)*pageSize)
		for i := uint64(0); i <= uint64(overflow); i++ {
			t.used[m.Freelist+i] = true
		}
	}
	if err := t.page(m.Root, nil, nil, 0); err != nil {
		return nil, err
	}
	for id := uint64(2); id < t.hwm; id++ {
		if !t.used[id] && !t.free[id] {
			t.add("page %d is neither in use nor free", id)
		}
	}
	if t.more > 0 {
		t.problems = append(t.problems, fmt.Sprintf("%d more page problems", t.more))
	}
	return t.problems, nil
}

func (t *rawTree) add(format string, args ...any) {
	if len(t.problems) < rawTreeMaxProblems {
		t.problems = append(t.problems, fmt.Sprintf(format, args...))
	} else {
		t.more++
	}
}

// page checks the page id and everything below it; every key on it must
// be in [lo, hi) (nil: unbounded).
func (t *rawTree) page(id uint64, lo, hi []byte, depth int) error {
	if id < 2 || id >= t.hwm {
		t.add("a branch or bucket points at page %d, outside the pages in use", id)
		return nil
	}
	if depth > rawTreeMaxDepth {
		t.add("page %d is nested %d levels deep (a loop)", id, depth)
		return nil
	}
	pid, flags, _, overflow, err := readPageHeader(t.f, int64(id)*t.pageSize)
	if err != nil {
		return err
	}
	if pid != id {
		t.add("page %d says it is page %d", id, pid)
		return nil
	}
	if id+uint64(overflow) >= t.hwm {
		t.add("page %d runs past the pages in use (%d overflow pages)", id, overflow)
		return nil
	}
	for i := id; i <= id+uint64(overflow); i++ {
		if t.used[i] {
			t.add("page %d is used twice", i)
			return nil
		}
		if t.free[i] {
			t.add("page %d is in use and in the free list", i)
		}
		t.used[i] = true
	}
	if flags != boltBranchFlag && flags != boltLeafFlag {
		t.add("page %d has type %#x, not a branch or leaf page", id, flags)
		return nil
	}
	for len(t.bufs) <= depth {
		t.bufs = append(t.bufs, nil)
	}
	n := (int64(overflow) + 1) * t.pageSize
	if int64(cap(t.bufs[depth])) < n {
		t.bufs[depth] = make([]byte, n)
	}
	buf := t.bufs[depth][:n]
	if _, err := t.f.ReadAt(buf, int64(id)*t.pageSize); err != nil {
		return err
	}
	return t.elements(fmt.Sprintf("page %d", id), buf, lo, hi, depth)
}

// elements checks the elements of the page in buf (a file page or an
// inline bucket's page).
func (t *rawTree) elements(where string, buf []byte, lo, hi []byte, depth int) error {
	le := binary.LittleEndian
	flags, count := le.Uint16(buf[8:]), int(le.Uint16(buf[10:]))
	if boltPageHeader+count*boltElementSize > len(buf) {
		t.add("%s lists %d elements, more than it can hold", where, count)
		return nil
	}
	var prev []byte
	for i := 0; i < count; i++ {
		e := boltPageHeader + i*boltElementSize
		var pos, ksize, vsize uint64
		if flags == boltBranchFlag {
			pos, ksize = uint64(le.Uint32(buf[e:])), uint64(le.Uint32(buf[e+4:]))
		} else {
			pos, ksize, vsize = uint64(le.Uint32(buf[e+4:])), uint64(le.Uint32(buf[e+8:])), uint64(le.Uint32(buf[e+12:]))
		}
		start := uint64(e) + pos
		if start+ksize+vsize > uint64(len(buf)) {
			t.add("%s element %d lies outside the page", where, i)
			return nil
		}
		key := buf[start : start+ksize]
		if (prev != nil && bytes.Compare(key, prev) <= 0) || (lo != nil && bytes.Compare(key, lo) < 0) || (hi != nil && bytes.Compare(key, hi) >= 0) {
			t.add("%s element %d has a key out of order", where, i)
			return nil
		}
		prev = key
		if flags == boltBranchFlag {
			next := hi
			if i+1 < count {
				ne := boltPageHeader + (i+1)*boltElementSize
				npos, nks := uint64(le.Uint32(buf[ne:])), uint64(le.Uint32(buf[ne+4:]))
				if s := uint64(ne) + npos; s+nks <= uint64(len(buf)) {
					next = buf[s : s+nks]
				}
			}
			if err := t.page(le.Uint64(buf[e+8:]), key, next, depth+1); err != nil {
				return err
			}
			continue
		}
		if le.Uint32(buf[e:])&boltBucketFlag == 0 {
			continue
		}
		value := buf[start+ksize : start+ksize+vsize]
		if len(value) < boltBucketHeader {
			t.add("%s element %d is a bucket with a %d-byte header", where, i, len(value))
			continue
		}
		if root := le.Uint64(value); root != 0 {
			if err := t.page(root, nil, nil, depth+1); err != nil {
				return err
			}
			continue
		}
		inline := value[boltBucketHeader:]
		if len(inline) < boltPageHeader || le.Uint16(inline[8:]) != boltLeafFlag {
			t.add("%s element %d is an inline bucket without a leaf page", where, i)
			continue
		}
		if err := t.elements(fmt.Sprintf("%s bucket %q", where, key), inline, nil, nil, depth+1); err != nil {
			return err
		}
	}
	return nil
}
