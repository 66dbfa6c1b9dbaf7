package media

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

func TestMJPEGReaderVariants(t *testing.T) {
	a, b := []byte("\xff\xd8first\r\n--notaboundary\n\xff\xd9"), []byte("\xff\xd8second\xff\xd9")
	cases := []struct {
		name, boundary, body string
	}{
		{"RFC with lengths", "frame",
			"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + itoa(len(a)) + "\r\n\r\n" + string(a) + "\r\n" +
				"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + itoa(len(b)) + "\r\n\r\n" + string(b) + "\r\n--frame--\r\n"},
		{"no lengths", "frame",
			"--frame\r\nContent-Type: image/jpeg\r\n\r\n" + string(a) + "\r\n" +
				"--frame\r\nContent-Type: image/jpeg\r\n\r\n" + string(b) + "\r\n--frame\r\n"},
		{"boundary declared with dashes", "--myboundary",
			"preamble junk\r\n--myboundary\r\nContent-Length: " + itoa(len(a)) + "\r\n\r\n" + string(a) + "\r\n" +
				"--myboundary\r\nContent-Length: " + itoa(len(b)) + "\r\n\r\n" + string(b) + "\r\n"},
		{"four dashes, bare LF", "frame",
			"----frame\nContent-Type: image/jpeg\n\n" + string(a) + "\n----frame\nContent-Type: image/jpeg\n\n" + string(b) + "\n----frame--\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newMJPEGReader(strings.NewReader(c.body), c.boundary, 1<<20)
			for i, want := range [][]byte{a, b} {
				got, err := r.next()
				if err != nil {
					t.Fatalf("part %d: %v", i, err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("part %d: %q, want %q", i, got, want)
				}
			}
			if _, err := r.next(); err == nil {
				t.Fatal("a third part")
			}
		})
	}
}

func TestMJPEGReaderLimitsAndErrors(t *testing.T) {
	big := "--f\r\nContent-Length: 5000\r\n\r\n" + strings.Repeat("x", 5000) + "\r\n"
	if _, err := newMJPEGReader(strings.NewReader(big), "f", 1000).next(); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("oversized part with length: %v", err)
	}
	big = "--f\r\n\r\n" + strings.Repeat("xxxxxxxxx\n", 500) + "--f\r\n"
	if _, err := newMJPEGReader(strings.NewReader(big), "f", 1000).next(); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("oversized part without length: %v", err)
	}
	noBoundary := strings.Repeat("not a stream\n", 200)
	if _, err := newMJPEGReader(strings.NewReader(noBoundary), "f", 1000).next(); err == nil || !strings.Contains(err.Error(), "boundary") {
		t.Fatalf("no boundary: %v", err)
	}
	cut := "--f\r\nContent-Length: 100\r\n\r\nshort"
	if _, err := newMJPEGReader(strings.NewReader(cut), "f", 1000).next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut part: %v", err)
	}
	if _, err := newMJPEGReader(strings.NewReader(""), "f", 1000).next(); !errors.Is(err, io.EOF) {
		t.Fatalf("empty stream: %v", err)
	}
	bad := "--f\r\nContent-Length: lots\r\n\r\n"
	if _, err := newMJPEGReader(strings.NewReader(bad), "f", 1000).next(); err == nil {
		t.Fatal("bad Content-Length accepted")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
