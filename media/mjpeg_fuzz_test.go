package media

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzMJPEGReader feeds arbitrary camera bodies to the multipart reader:
// it must never panic, never return a part over the size limit or larger
// than what it was given, and always make progress (every call consumes
// input or ends the stream), so that a hostile camera can neither crash
// the process nor grow it.
func FuzzMJPEGReader(f *testing.F) {
	jpeg := "\xff\xd8 frame \xff\xd9"
	f.Add("frame", "--frame\r\nContent-Type: image/jpeg\r\nContent-Length: 14\r\n\r\n"+jpeg+"\r\n--frame--\r\n")
	f.Add("frame", "--frame\r\nContent-Type: image/jpeg\r\n\r\n"+jpeg+"\r\n--frame\r\n\r\n"+jpeg+"\n--frame--")
	f.Add("--b", "junk\n----b\nX-A: 1\n b\n\n"+jpeg+"\n--b--\n")
	f.Add("f", "--f\r\nContent-Length: -1\r\n\r\n")
	f.Add("f", "--f\r\nX-Junk: "+strings.Repeat("a", 9000)+"\r\n\r\n")
	f.Add("f", "--f\r\n"+strings.Repeat("X: 1\r\n", 70))
	const limit = 4096
	f.Fuzz(func(t *testing.T, boundary, body string) {
		r := newMJPEGReader(strings.NewReader(body), boundary, limit)
		// Every part consumes at least the line that ends its headers.
		for calls := 0; ; calls++ {
			if calls > len(body)+1 {
				t.Fatalf("%d parts from %d bytes: the reader makes no progress", calls, len(body))
			}
			part, err := r.next()
			if err != nil {
				if !errors.Is(err, io.EOF) && err.Error() == "" {
					t.Fatal("an error without a message")
				}
				return
			}
			if len(part) > limit || len(part) > len(body) {
				t.Fatalf("a part of %d bytes from a body of %d with the limit %d", len(part), len(body), limit)
			}
		}
	})
}

// FuzzProbeTracks feeds arbitrary bytes to the container track probes that
// run on files FFmpeg refused: no panic, no endless walk.
func FuzzProbeTracks(f *testing.F) {
	for _, b := range soundOnlyFiles(f) {
		f.Add(b)
	}
	f.Add(heicHead)
	f.Add([]byte("\x00\x00\x00\x01moov\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Add([]byte("\x1a\x45\xdf\xa3\x80\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		isoTracks(bytes.NewReader(data))
		matroskaTracks(data)
		sniffAudio(data)
		isoImageFormat(data)
	})
}
