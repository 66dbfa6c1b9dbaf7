package media

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// missingCameraIndex is the first camera index without a device.
func missingCameraIndex(t *testing.T) int {
	for i := 0; i < 64; i++ {
		if _, err := os.Stat(fmt.Sprintf("/dev/video%d", i)); err != nil {
			return i
		}
	}
	t.Skip("every /dev/video0..63 exists")
	return 0
}

func TestUSBCameraMissing(t *testing.T) {
	idx := missingCameraIndex(t)
	// A missing device is refused for what it is: with an open timeout
	// beyond the test's bound, ErrTimeout cannot pass for it.
	for _, uri := range []string{fmt.Sprint(idx), fmt.Sprintf("/dev/video%d", idx)} {
		src, err := Open(context.Background(), uri, SourceOptions{OpenTimeout: testBound / 2})
		if err == nil {
			src.Close()
			t.Fatalf("%s: opened", uri)
		}
		if !errors.Is(err, ErrNoCamera) || errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), fmt.Sprintf("/dev/video%d", idx)) {
			t.Fatalf("%s: err %q, want ErrNoCamera naming the device", uri, err)
		}
	}
}

func TestRTSPSilentServerTimesOut(t *testing.T) {
	// An RTSP "camera" that accepts the connection and never answers:
	// OpenCV's FFmpeg open blocks, and Open gives up after OpenTimeout.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	conns := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns <- c
		}
	}()
	opts := SourceOptions{OpenTimeout: 800 * time.Millisecond}
	start := time.Now()
	src, err := Open(context.Background(), "rtsp://"+l.Addr().String()+"/stream1", opts)
	if err == nil {
		src.Close()
		t.Fatal("opened a silent RTSP server")
	}
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", err)
	}
	// Timers never fire early; how much later the error comes depends on
	// the machine, so only the lower bound is checked.
	if took := time.Since(start); took < opts.OpenTimeout {
		t.Fatalf("gave up after %v, before OpenTimeout %v", took, opts.OpenTimeout)
	}
	// Hang up: the abandoned FFmpeg open returns and closes its capture.
	l.Close()
	for {
		select {
		case c := <-conns:
			c.Close()
			continue
		default:
		}
		break
	}
}

func TestRTSPRefused(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	// Refused at once; the long timeout only keeps a busy machine from
	// turning the refusal into ErrTimeout.
	src, err := Open(context.Background(), "rtsp://"+addr+"/stream1", SourceOptions{OpenTimeout: testBound / 2})
	if err == nil {
		src.Close()
		t.Fatal("opened a closed port")
	}
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err %v, want ErrUnreachable", err)
	}
}
