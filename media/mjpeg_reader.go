package media

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/textproto"
	"strconv"
	"strings"
)

// mjpegReader splits an HTTP MJPEG body (multipart/x-mixed-replace) into
// its encoded images. It is tolerant of what cameras really send: boundary
// lines with or without the leading dashes the RFC asks for, parts with or
// without Content-Length, junk before the first boundary.
type mjpegReader struct {
	br       *bufio.Reader
	boundary string // without leading dashes
	maxBytes int
	// inHeaders is true when the last boundary line has been consumed and
	// the next part's headers come next.
	inHeaders bool
}

func newMJPEGReader(r io.Reader, boundary string, maxBytes int) *mjpegReader {
	return &mjpegReader{
		br:       bufio.NewReaderSize(r, 64<<10),
		boundary: strings.TrimLeft(boundary, "-"),
		maxBytes: maxBytes,
	}
}

// next returns the next part's body. It returns io.EOF at the closing
// boundary or a clean end of the stream.
func (r *mjpegReader) next() ([]byte, error) {
	if !r.inHeaders {
		if err := r.skipToBoundary(); err != nil {
			return nil, err
		}
	}
	r.inHeaders = false
	hdr, err := textproto.NewReader(r.br).ReadMIMEHeader()
	if err != nil {
		return nil, fmt.Errorf("MJPEG part headers: %w", unexpectedEOF(err))
	}
	if cl := hdr.Get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(strings.TrimSpace(cl))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("MJPEG part: bad Content-Length %q", cl)
		}
		if n > r.maxBytes {
			return nil, fmt.Errorf("MJPEG part of %d bytes is larger than the %d-byte limit", n, r.maxBytes)
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r.br, body); err != nil {
			return nil, fmt.Errorf("MJPEG part: %w", unexpectedEOF(err))
		}
		return body, nil
	}
	return r.readToBoundary()
}

// skipToBoundary consumes lines up to and including the next boundary line.
func (r *mjpegReader) skipToBoundary() error {
	skipped := 0
	for {
		line, err := r.readLine()
		if err != nil {
			return err
		}
		switch r.boundaryLine(line) {
		case boundaryNext:
			return nil
		case boundaryLast:
			return io.EOF
		}
		skipped += len(line)
		if skipped > r.maxBytes {
			return fmt.Errorf("no MJPEG boundary %q within %d bytes", r.boundary, r.maxBytes)
		}
	}
}

// readToBoundary reads a part without Content-Length: everything up to the
// next boundary line, less the line break before it.
func (r *mjpegReader) readToBoundary() ([]byte, error) {
	var body bytes.Buffer
	for {
		line, err := r.readLine()
		if err != nil {
			return nil, fmt.Errorf("MJPEG part: %w", unexpectedEOF(err))
		}
		kind := r.boundaryLine(line)
		if kind != boundaryNone {
			r.inHeaders = kind == boundaryNext
			b := body.Bytes()
			b = bytes.TrimSuffix(b, []byte("\n"))
			b = bytes.TrimSuffix(b, []byte("\r"))
			return b, nil
		}
		if body.Len()+len(line) > r.maxBytes {
			return nil, fmt.Errorf("MJPEG part larger than the %d-byte limit", r.maxBytes)
		}
		body.Write(line)
	}
}

// readLine returns the next line including its '\n' (or a chunk of a very
// long binary line). The slice is a copy.
func (r *mjpegReader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		err = nil
	}
	if err != nil && len(line) == 0 {
		return nil, err
	}
	return append([]byte(nil), line...), nil
}

type boundaryKind int

const (
	boundaryNone boundaryKind = iota
	boundaryNext
	boundaryLast
)

// boundaryLine recognises "--boundary" and the closing "--boundary--",
// with any number of leading dashes and trailing white space.
func (r *mjpegReader) boundaryLine(line []byte) boundaryKind {
	if len(line) < 2 || line[0] != '-' || line[1] != '-' || len(line) > len(r.boundary)+16 {
		return boundaryNone
	}
	s := strings.TrimRight(string(line), " \t\r\n")
	s = strings.TrimLeft(s, "-")
	switch s {
	case r.boundary:
		return boundaryNext
	case r.boundary + "--":
		return boundaryLast
	}
	return boundaryNone
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
