package casefile

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// firstDifferentLine names the first line of a member that differs from
// its rebuilt version, as " line N".
func (v *bundleVerifier) firstDifferentLine(name string, write func(io.Writer) error) string {
	for _, zf := range v.zr.File {
		if zf.Name != name {
			continue
		}
		rc, err := zf.OpenRaw()
		if err != nil {
			return ""
		}
		pr, pw := io.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			pw.CloseWithError(write(pw))
		}()
		line, _, _ := diffLines(io.LimitReader(rc, int64(zf.CompressedSize64)), pr)
		pr.Close()
		<-done // the writer reads the snapshot's transaction: let it finish first
		if line > 0 {
			return fmt.Sprintf(" line %d", line)
		}
	}
	return ""
}

// diffLines returns the first line (1-based) where got and want differ,
// with both versions (shortened), or 0 when they are equal.
func diffLines(got, want io.Reader) (int, string, string) {
	g, w := bufio.NewReader(got), bufio.NewReader(want)
	for line := 1; ; line++ {
		a, errA := g.ReadString('\n')
		b, errB := w.ReadString('\n')
		if a != b {
			return line, shorten(a), shorten(b)
		}
		if errA != nil || errB != nil {
			if errA == nil || errB == nil {
				return line + 1, "", ""
			}
			return 0, "", ""
		}
	}
}

func shorten(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}
