package media

import (
	"bufio"
	"bytes"
	"errors"
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
	hdr, err := r.readHeaders()
	if err != nil {
		return nil, err
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

// Limits on a part's headers. Cameras send two or three short lines
// (Content-Type, Content-Length, perhaps a timestamp); without limits a
// hostile server sending one endless line, or endless lines, grows the
// process without bound, whatever the frame size limit.
const (
	maxPartHeaderLine  = 8 << 10  // bytes in one header line
	maxPartHeaderLines = 64       // header lines in one part
	maxPartHeaderBytes = 32 << 10 // bytes of all a part's headers
)

// errPartHeaders marks a part whose headers break a limit or the syntax.
var errPartHeaders = errors.New("bad MJPEG part headers")

// readHeaders reads a part's header lines up to the blank line that ends
// them, within the limits above; lines are "Name: value" (folded
// continuation lines are joined to the previous value).
func (r *mjpegReader) readHeaders() (textproto.MIMEHeader, error) {
	hdr := textproto.MIMEHeader{}
	total, lines := 0, 0
	last := ""
	for {
		line, err := r.br.ReadSlice('\n')
		total += len(line)
		switch {
		case err == bufio.ErrBufferFull || len(line) > maxPartHeaderLine:
			return nil, fmt.Errorf("%w: a header line longer than %d bytes", errPartHeaders, maxPartHeaderLine)
		case err != nil:
			return nil, fmt.Errorf("MJPEG part headers: %w", unexpectedEOF(err))
		case total > maxPartHeaderBytes:
			return nil, fmt.Errorf("%w: more than %d bytes of headers", errPartHeaders, maxPartHeaderBytes)
		}
		text := strings.TrimRight(string(line), "\r\n")
		if text == "" {
			return hdr, nil
		}
		if lines++; lines > maxPartHeaderLines {
			return nil, fmt.Errorf("%w: more than %d header lines", errPartHeaders, maxPartHeaderLines)
		}
		if (text[0] == ' ' || text[0] == '\t') && last != "" {
			vs := hdr[last]
			vs[len(vs)-1] += " " + strings.TrimSpace(text)
			continue
		}
		name, value, ok := strings.Cut(text, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("%w: malformed line %q", errPartHeaders, truncateForMessage(text))
		}
		last = textproto.CanonicalMIMEHeaderKey(name)
		hdr.Add(last, strings.TrimSpace(value))
	}
}

// truncateForMessage shortens a received line for an error message.
func truncateForMessage(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
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
