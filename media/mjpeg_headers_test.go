package media

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hostileCap is how much a hostile test server or stream sends at most:
// far beyond every limit, so that code without limits fails the byte count
// (instead of running the test out of memory).
const hostileCap = 64 << 20

// readAllowance is the most a refusal may read: the limit itself plus the
// 64 KiB read buffer and a socket read or two.
const readAllowance = 512 << 10

// repeatReader yields prefix, then unit over and over, up to n bytes.
type repeatReader struct {
	prefix, unit string
	n, read      int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	i := 0
	for i < len(p) && r.read < r.n {
		var src string
		if r.read < int64(len(r.prefix)) {
			src = r.prefix[r.read:]
		} else {
			off := (r.read - int64(len(r.prefix))) % int64(len(r.unit))
			src = r.unit[off:]
		}
		k := copy(p[i:], src)
		if rem := r.n - r.read; int64(k) > rem {
			k = int(rem)
		}
		i += k
		r.read += int64(k)
	}
	return i, nil
}

// hostileParts are MJPEG bodies whose part headers never end.
var hostileParts = []struct {
	name, prefix, unit, says string
}{
	{"one endless header line", "--f\r\nContent-Type: image/jpeg\r\nX-Junk: ", "a", "longer than"},
	{"endless header lines", "--f\r\n", "X-Junk: a\r\n", "header lines"},
	{"endless folded line", "--f\r\nX-Junk: a\r\n", " " + strings.Repeat("a", 1000) + "\r\n", "bytes of headers"},
}

// TestMJPEGReaderBoundsPartHeaders: one endless header line drove the
// process to 2.2 GB, endless header lines to 1.5 GB. Each is refused after
// reading a bounded number of bytes (counted, not timed).
func TestMJPEGReaderBoundsPartHeaders(t *testing.T) {
	for _, c := range hostileParts {
		t.Run(c.name, func(t *testing.T) {
			src := &repeatReader{prefix: c.prefix, unit: c.unit, n: hostileCap}
			_, err := newMJPEGReader(src, "f", 1<<20).next()
			if !errors.Is(err, errPartHeaders) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("err %v, want errPartHeaders saying %q", err, c.says)
			}
			if src.read > readAllowance {
				t.Errorf("read %d bytes before refusing, allowance %d", src.read, readAllowance)
			}
		})
	}
	// Headers as cameras send them still pass, folded lines included.
	ok := "--f\r\nContent-Type: image/jpeg\r\nX-Note: one\r\n two\r\nContent-Length: 3\r\n\r\nabc\r\n--f--\r\n"
	got, err := newMJPEGReader(strings.NewReader(ok), "f", 1<<20).next()
	if err != nil || string(got) != "abc" {
		t.Fatalf("ordinary headers: %q, %v", got, err)
	}
}

// countingDial wraps a dial function and counts every byte read from the
// connections it makes.
func countingDial(dial func(ctx context.Context, network, addr string) (net.Conn, error), n *atomic.Int64) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countingConn{Conn: c, n: n}, nil
	}
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	k, err := c.Conn.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// hostileCamera serves, to every connection, prefix and then unit repeated
// up to hostileCap bytes, straight on the TCP connection.
func hostileCamera(t *testing.T, prefix, unit string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				// The request is read first, as a server would.
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				io.Copy(c, &repeatReader{prefix: prefix, unit: unit, n: hostileCap})
			}()
		}
	}()
	return "http://" + l.Addr().String() + "/video.mjpg"
}

// TestMJPEGCameraHeadersAreBounded: the HTTP response headers of the
// camera connection and the headers of each part are refused after a
// bounded number of bytes, counted on the client's socket.
func TestMJPEGCameraHeadersAreBounded(t *testing.T) {
	const okHTTP = "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=f\r\n\r\n"
	cases := []struct{ name, prefix, unit string }{
		{"endless HTTP header line", "HTTP/1.1 200 OK\r\nX-Junk: ", "a"},
		{"endless HTTP header lines", "HTTP/1.1 200 OK\r\n", "X-Junk: a\r\n"},
	}
	for _, p := range hostileParts {
		cases = append(cases, struct{ name, prefix, unit string }{"part: " + p.name, okHTTP + p.prefix, p.unit})
	}
	opts := SourceOptions{}.withDefaults()
	opts.OpenTimeout = 30 * time.Second // a safety net only: the refusals come from counting bytes
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := hostileCamera(t, c.prefix, c.unit)
			var read atomic.Int64
			tr := mjpegTransport(opts)
			tr.DialContext = countingDial(tr.DialContext, &read)
			client := &http.Client{Transport: tr}
			defer client.CloseIdleConnections()
			conn, err := dialMJPEG(context.Background(), client, url, opts)
			if err == nil {
				m, rerr := conn.read(context.Background(), 30*time.Second)
				conn.close()
				if rerr == nil {
					m.Close()
					t.Fatal("a frame came out of a hostile stream")
				}
				err = rerr
			}
			if errors.Is(err, ErrTimeout) {
				t.Fatalf("timed out instead of refusing: %v", err)
			}
			if n := read.Load(); n > readAllowance {
				t.Errorf("read %d bytes before refusing (%v), allowance %d", n, err, readAllowance)
			}
			t.Logf("refused after %d bytes: %v", read.Load(), err)
		})
	}
}
