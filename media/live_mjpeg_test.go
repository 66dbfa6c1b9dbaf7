package media

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// mjpegCamera is an HTTP MJPEG camera on loopback for tests. Frames carry
// a global counter (see numberedFrame) that survives restarts.
type mjpegCamera struct {
	t        *testing.T
	addr     string
	srv      *httptest.Server
	interval time.Duration
	counter  atomic.Int64
	conns    atomic.Int64
	// stallAfter makes the first connection stop sending (but stay open)
	// after that many frames; 0 never stalls.
	stallAfter int
	// brokenFrame is a frame number sent as garbage instead of a JPEG.
	brokenFrame int64
	mu          sync.Mutex
}

func newMJPEGCamera(t *testing.T, interval time.Duration) *mjpegCamera {
	c := &mjpegCamera{t: t, interval: interval, brokenFrame: -1}
	c.start("127.0.0.1:0")
	t.Cleanup(c.stop)
	return c
}

func (c *mjpegCamera) url() string { return "http://" + c.addr + "/video.mjpg" }

// start listens on addr (the same address again after stop, to simulate a
// camera rebooting).
func (c *mjpegCamera) start(addr string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var l net.Listener
	var err error
	waitUntil(c.t, "the camera's address "+addr+" to be free again", func() bool { // the old socket may linger a moment
		l, err = net.Listen("tcp", addr)
		return err == nil
	})
	c.addr = l.Addr().String()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(c.serve))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	c.srv = srv
}

// stop shuts the camera down, dropping connections.
func (c *mjpegCamera) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.srv != nil {
		c.srv.CloseClientConnections()
		c.srv.Close()
		c.srv = nil
	}
}

func (c *mjpegCamera) serve(w http.ResponseWriter, r *http.Request) {
	conn := c.conns.Add(1)
	w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=camframe")
	w.WriteHeader(http.StatusOK)
	fl := w.(http.Flusher)
	fl.Flush()
	tick := time.NewTicker(c.interval)
	defer tick.Stop()
	for sent := 0; ; sent++ {
		if conn == 1 && c.stallAfter > 0 && sent == c.stallAfter {
			<-r.Context().Done()
			return
		}
		n := c.counter.Add(1) - 1
		data := numberedJPEG(c.t, int(n%256), 160, 120)
		if n == c.brokenFrame {
			data = []byte("\xff\xd8 this is not a JPEG")
		}
		if _, err := fmt.Fprintf(w, "--camframe\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", len(data)); err != nil {
			return
		}
		if _, err := w.Write(append(data, "\r\n"...)); err != nil {
			return
		}
		fl.Flush()
		select {
		case <-tick.C:
		case <-r.Context().Done():
			return
		}
	}
}

// steadyLive are options for tests that are not about timeouts: every
// timeout is far beyond what a busy machine needs, and reconnection after a
// dropped connection is quick.
func steadyLive() SourceOptions {
	return SourceOptions{
		OpenTimeout: testBound / 2, ReadTimeout: testBound / 2,
		GiveUpAfter: testBound / 2, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
	}
}

// fastLive are options for the tests of timeouts and reconnection: short,
// so the tests are quick. On a busy machine they can only cause extra
// reconnections, which those tests allow.
func fastLive() SourceOptions {
	return SourceOptions{
		OpenTimeout: time.Second, ReadTimeout: 400 * time.Millisecond,
		GiveUpAfter: 1500 * time.Millisecond, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
	}
}

// expectGoroutines waits for the number of goroutines to fall back to at
// most n (readers and HTTP connections wind down asynchronously).
func expectGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(testBound)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestMJPEGReadsFrames(t *testing.T) {
	cam := newMJPEGCamera(t, 10*time.Millisecond)
	src, err := Open(context.Background(), cam.url(), steadyLive())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	info := src.Info()
	if info.Kind != KindStream || info.Container != "mjpeg" || !info.Live || info.Seekable || info.Width != 160 || info.Height != 120 {
		t.Fatalf("info %+v", info)
	}
	last, lastIndex := -1, -1
	ctx := boundedContext(t)
	for i := 0; i < 10; i++ {
		f, err := src.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := frameNumber(t, f.Mat)
		if n <= last || f.Index <= lastIndex || f.Width != 160 {
			t.Fatalf("frame %d: number %d after %d, index %d after %d", i, n, last, f.Index, lastIndex)
		}
		last, lastIndex = n, f.Index
		f.Close()
	}
	if err := src.Seek(context.Background(), 0); !errors.Is(err, ErrNotSeekable) {
		t.Fatalf("seek: %v", err)
	}
}

func TestMJPEGSurvivesCameraRestart(t *testing.T) {
	cam := newMJPEGCamera(t, 10*time.Millisecond)
	src, err := Open(context.Background(), cam.url(), steadyLive())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := boundedContext(t)
	readN := func(n int) int {
		last := -1
		for i := 0; i < n; i++ {
			f, err := src.Next(ctx)
			if err != nil {
				t.Fatalf("frame %d: %v", i, err)
			}
			last = frameNumber(t, f.Mat)
			f.Close()
		}
		return last
	}
	before := readN(5)
	addr := cam.addr
	cam.stop()
	// Stopping drops the connection, which the source notices whenever
	// the camera comes back; how long it stays down does not matter.
	cam.start(addr)
	after := readN(5)
	if after <= before {
		t.Fatalf("frame %d after the restart, %d before", after, before)
	}
	if st := src.Stats(); st.Reconnects < 1 {
		t.Fatalf("stats %+v: no reconnection counted", st)
	}
}

func TestMJPEGReconnectsAfterStall(t *testing.T) {
	// The camera keeps the connection open but stops sending: the source
	// notices within ReadTimeout and reconnects.
	cam := newMJPEGCamera(t, 10*time.Millisecond)
	cam.stallAfter = 3
	opts := fastLive()
	opts.GiveUpAfter = testBound / 2 // the stall must end in a reconnection, never in giving up
	src, err := Open(context.Background(), cam.url(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := boundedContext(t)
	for i := 0; i < 8; i++ {
		f, err := src.Next(ctx)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		f.Close()
	}
	if cam.conns.Load() < 2 || src.Stats().Reconnects < 1 {
		t.Fatalf("%d connections, stats %+v", cam.conns.Load(), src.Stats())
	}
}

func TestMJPEGGivesUpWhenCameraStopsForGood(t *testing.T) {
	base := runtime.NumGoroutine()
	cam := newMJPEGCamera(t, 10*time.Millisecond)
	opts := fastLive()
	src, err := Open(context.Background(), cam.url(), opts)
	if err != nil {
		t.Fatal(err)
	}
	f, err := src.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	cam.stop()
	// Giving up is bounded by GiveUpAfter; the context only guards the test.
	ctx := boundedContext(t)
	for {
		f, err := src.Next(ctx)
		if err == nil {
			f.Close() // frames buffered before the stop
			continue
		}
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("err %v, want ErrTimeout", err)
		}
		if !strings.Contains(err.Error(), cam.url()) || !strings.Contains(err.Error(), "reconnection attempts") {
			t.Errorf("message %q does not say what and why", err)
		}
		break
	}
	src.Close()
	expectGoroutines(t, base)
}

func TestMJPEGSilentURLTimesOut(t *testing.T) {
	base := runtime.NumGoroutine()
	// Accepts TCP connections and never answers.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	// Answers with MJPEG headers and then sends nothing.
	quiet := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=x")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	opts := fastLive()
	opts.OpenTimeout = 700 * time.Millisecond
	for _, url := range []string{"http://" + l.Addr().String() + "/cam", quiet.URL + "/cam"} {
		start := time.Now()
		src, err := Open(context.Background(), url, opts)
		if err == nil {
			src.Close()
			t.Fatalf("%s: opened", url)
		}
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("%s: err %v, want ErrTimeout", url, err)
		}
		// Timers never fire early; how much later the error comes
		// depends on the machine, so only the lower bound is checked.
		if took := time.Since(start); took < opts.OpenTimeout {
			t.Fatalf("%s: gave up after %v, before OpenTimeout %v", url, took, opts.OpenTimeout)
		}
	}
	l.Close()
	mu.Lock()
	for _, c := range held {
		c.Close()
	}
	mu.Unlock()
	quiet.CloseClientConnections()
	quiet.Close()
	expectGoroutines(t, base)
}

func TestMJPEGBadAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html>login</html>")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := "http://" + l.Addr().String() + "/cam"
	l.Close()
	cases := []struct {
		url  string
		want error
		text string
	}{
		{srv.URL + "/page", ErrUnsupported, "text/html"},
		{srv.URL + "/missing", ErrUnreachable, "404"},
		{refused, ErrUnreachable, "refused"},
	}
	// Each answer is refused for what it is, not by waiting for a timeout:
	// with every timeout longer than the test's bound, ErrTimeout cannot
	// pass for the wanted error.
	for _, c := range cases {
		src, err := Open(context.Background(), c.url, steadyLive())
		if err == nil {
			src.Close()
			t.Fatalf("%s: opened", c.url)
		}
		if !errors.Is(err, c.want) || errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: err %q, want %v mentioning %q", c.url, err, c.want, c.text)
		}
	}
}

func TestMJPEGSkipsBrokenFrames(t *testing.T) {
	cam := newMJPEGCamera(t, 10*time.Millisecond)
	cam.brokenFrame = 3
	src, err := Open(context.Background(), cam.url(), steadyLive())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := boundedContext(t)
	var indices []int
	for len(indices) < 6 {
		f, err := src.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := frameNumber(t, f.Mat); got != f.Index {
			t.Fatalf("index %d shows frame %d", f.Index, got)
		}
		indices = append(indices, f.Index)
		f.Close()
	}
	if fmt.Sprint(indices) != "[0 1 2 4 5 6]" || src.Stats().Broken != 1 {
		t.Fatalf("indices %v, stats %+v", indices, src.Stats())
	}
}

func TestMJPEGDropsFramesForASlowConsumer(t *testing.T) {
	cam := newMJPEGCamera(t, 2*time.Millisecond)
	opts := steadyLive()
	opts.Buffer = 2
	src, err := Open(context.Background(), cam.url(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := boundedContext(t)
	gaps := 0
	last := -1
	for i := 0; i < 6; i++ {
		f, err := src.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if last >= 0 && f.Index > last+1 {
			gaps++
		}
		last = f.Index
		f.Close()
		// A slow detector: the consumer holds on until the source has had
		// to drop a frame (counted, whatever the speed of the machine).
		dropped := src.Stats().Dropped
		waitUntil(t, "the source to drop a frame for the slow consumer", func() bool { return src.Stats().Dropped > dropped })
	}
	st := src.Stats()
	if gaps == 0 {
		t.Fatalf("frames dropped, but no gap in the indices delivered: stats %+v", st)
	}
	if sent := int(cam.counter.Load()); st.Dropped+st.Delivered > sent {
		t.Fatalf("stats %+v: more frames than the %d sent", st, sent)
	}
}
