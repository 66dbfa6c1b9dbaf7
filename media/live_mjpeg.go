package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gocv.io/x/gocv"
)

// openMJPEG opens an HTTP(S) MJPEG camera with our own multipart reader:
// connection, first-byte and per-frame timeouts are exact, and every
// image is decoded with the same checks as photos.
func openMJPEG(ctx context.Context, uri string, opts SourceOptions) (Source, error) {
	client := &http.Client{Transport: mjpegTransport(opts)}
	info := Info{URI: uri, Kind: KindStream, Container: "mjpeg", Live: true}
	dial := func(ctx context.Context) (liveConn, error) { return dialMJPEG(ctx, client, uri, opts) }
	src, err := openLive(ctx, info, opts, dial)
	if err != nil {
		client.CloseIdleConnections()
		return nil, err
	}
	return src, nil
}

// maxCameraHeaderBytes bounds the HTTP response headers of a camera (the
// status line and headers before the stream). Cameras send a few hundred
// bytes; net/http's own default would let a hostile server send 10 MB.
const maxCameraHeaderBytes = 64 << 10

// mjpegTransport is the HTTP transport of one MJPEG camera.
func mjpegTransport(opts SourceOptions) *http.Transport {
	return &http.Transport{
		// Cameras are reached directly, never through a proxy.
		Proxy:                  nil,
		DialContext:            (&net.Dialer{Timeout: opts.OpenTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:    opts.OpenTimeout,
		ResponseHeaderTimeout:  opts.OpenTimeout,
		MaxResponseHeaderBytes: maxCameraHeaderBytes,
		MaxIdleConns:           1,
		IdleConnTimeout:        10 * time.Second,
	}
}

// mjpegConn is one HTTP response being read.
type mjpegConn struct {
	body     io.ReadCloser
	parts    *mjpegReader
	cancel   context.CancelFunc
	timedOut atomic.Bool
	once     sync.Once
}

func dialMJPEG(ctx context.Context, client *http.Client, uri string, opts SourceOptions) (liveConn, error) {
	// The connection outlives the dial's deadline: it gets its own
	// context, cancelled by close or by a read's watchdog. The dial's
	// deadline covers the request until the headers arrive.
	cctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, cancel)
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, uri, nil)
	if err != nil {
		stop()
		cancel()
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	resp, err := client.Do(req)
	stopped := stop()
	if err != nil {
		cancel()
		if !stopped || errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			if ctx.Err() == context.Canceled {
				return nil, context.Canceled
			}
			return nil, fmt.Errorf("%w: no answer (%v)", ErrTimeout, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	fail := func(e error) (liveConn, error) {
		resp.Body.Close()
		cancel()
		return nil, e
	}
	if resp.StatusCode != http.StatusOK {
		return fail(fmt.Errorf("%w: the camera answered %s", ErrUnreachable, resp.Status))
	}
	ct := resp.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
		return fail(fmt.Errorf("%w: the URL serves %q, not an MJPEG stream (multipart/x-mixed-replace)", ErrUnsupported, ct))
	}
	return &mjpegConn{
		body:   resp.Body,
		parts:  newMJPEGReader(resp.Body, params["boundary"], opts.MaxFrameBytes),
		cancel: cancel,
	}, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (c *mjpegConn) read(ctx context.Context, timeout time.Duration) (gocv.Mat, error) {
	watchdog := time.AfterFunc(timeout, func() {
		c.timedOut.Store(true)
		c.cancel()
	})
	stop := context.AfterFunc(ctx, c.cancel)
	data, err := c.parts.next()
	watchdog.Stop()
	stop()
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return gocv.Mat{}, ctx.Err()
		case c.timedOut.Load():
			return gocv.Mat{}, fmt.Errorf("%w: no frame for %v", ErrTimeout, timeout)
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return gocv.Mat{}, fmt.Errorf("the camera closed the stream")
		}
		return gocv.Mat{}, err
	}
	m, err := DecodeImage(data)
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("%w: %v", errBrokenFrame, err)
	}
	return m, nil
}

func (c *mjpegConn) fps() float64 { return 0 }

func (c *mjpegConn) close() {
	c.once.Do(func() {
		c.cancel()
		c.body.Close()
	})
}
