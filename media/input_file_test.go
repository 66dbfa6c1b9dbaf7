package media

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"facecase/internal/testenv"
)

// readBytes is how many bytes this process has read with read(2) and
// friends so far (rchar in /proc/self/io).
func readBytes(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/io")
	if err != nil {
		t.Skipf("cannot count bytes read without /proc/self/io: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "rchar: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("/proc/self/io: %q", sc.Text())
			}
			return n
		}
	}
	t.Fatal("/proc/self/io has no rchar line")
	return 0
}

// TestLoadImageRefusesPipesAndDevices: a named pipe called f.jpg hung
// analyze, and /dev/zero was read for gigabytes before it was refused.
// Both are refused at once, without reading a byte of them.
func TestLoadImageRefusesPipesAndDevices(t *testing.T) {
	for _, c := range testenv.SpecialFiles(t) {
		before := readBytes(t)
		err := within(t, "LoadImage("+c.Path+")", func() error {
			m, err := LoadImage(c.Path)
			if err == nil {
				m.Close()
			}
			return err
		})
		read := readBytes(t) - before
		if !errors.Is(err, ErrNotRegularFile) || !strings.Contains(err.Error(), c.Says) || !strings.Contains(err.Error(), c.Path) {
			t.Errorf("LoadImage(%s): %v, want ErrNotRegularFile naming the file and saying %q", c.Path, err, c.Says)
		}
		if read > 1<<20 {
			t.Errorf("LoadImage(%s) read %d bytes before refusing", c.Path, read)
		}
	}
}

func TestOpenRefusesPipesAndDevices(t *testing.T) {
	for _, c := range testenv.SpecialFiles(t) {
		before := readBytes(t)
		err := within(t, "Open("+c.Path+")", func() error {
			src, err := Open(context.Background(), c.Path, SourceOptions{})
			if err == nil {
				src.Close()
			}
			return err
		})
		read := readBytes(t) - before
		if !errors.Is(err, ErrUnsupported) || !errors.Is(err, ErrNotRegularFile) || !strings.Contains(err.Error(), c.Says) {
			t.Errorf("Open(%s): %v, want ErrUnsupported and ErrNotRegularFile saying %q", c.Path, err, c.Says)
		}
		if read > 1<<20 {
			t.Errorf("Open(%s) read %d bytes before refusing", c.Path, read)
		}
	}
}

// TestErrorsQuoteOddFileNames: a name holding a newline was printed raw,
// so a file could forge a line of the output.
func TestErrorsQuoteOddFileNames(t *testing.T) {
	name := "evil\nOK: 3 faces.jpg"
	p := writeFile(t, name, []byte("not a photo at all, just some text\n"))
	m, err := LoadImage(p)
	if err == nil {
		m.Close()
		t.Fatal("LoadImage of text succeeded")
	}
	src, err2 := Open(context.Background(), p, SourceOptions{})
	if err2 == nil {
		src.Close()
		t.Fatal("Open of text succeeded")
	}
	_, err3 := LoadImage(filepath.Join(filepath.Dir(p), "gone\n.jpg"))
	for _, e := range []error{err, err2, err3} {
		if e == nil || strings.Contains(e.Error(), "\n") || !strings.Contains(e.Error(), `\n`) {
			t.Errorf("error %q holds a raw newline or lost the name", e)
		}
	}
}
