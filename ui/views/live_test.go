package views

import (
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/media"
	"facecase/recognition/scorenorm"
	"facecase/ui/async"
	"facecase/ui/session"
)

type fakeLive struct{}

func (fakeLive) Candidates(context.Context, facedata.Template, float64, *scorenorm.Cohort, int) ([]casefile.Candidate, scorenorm.OperatingPoint, error) {
	return nil, scorenorm.OperatingPoint{}, nil
}
func (fakeLive) UserSettings() session.Settings { return session.DefaultSettings() }
func (fakeLive) Path() string                   { return "/tmp/x.facecase" }

// silentServer accepts connections and never answers.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String() + "/video.mjpg"
}

// TestLiveCameraURLThatDoesNotAnswerShowsError: a silent camera URL ends
// in an error within 10 s because the open gives up after the default
// OpenTimeout, checked as a setting; how long the error then takes to
// appear depends on the machine, so the wait for it is only bounded by a
// safety net.
func TestLiveCameraURLThatDoesNotAnswerShowsError(t *testing.T) {
	if d := media.DefaultSourceOptions().OpenTimeout; d >= 10*time.Second {
		t.Fatalf("a silent camera is given %v to answer, not less than 10 s", d)
	}
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	var analyzed atomic.Bool
	v := NewLiveView(context.Background(), w, fakeLive{}, func() (media.FaceAnalyzer, error) {
		analyzed.Store(true)
		return nil, nil
	})
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(800, 600))
	defer w.Close()

	url := silentServer(t)
	v.kind.SetSelected(liveURL)
	test.Type(v.url, url)
	start := time.Now()
	test.Tap(v.startB)
	var status string
	for {
		async.Locked(func() { status = v.statusText() })
		if strings.HasPrefix(status, "Camera error:") {
			break
		}
		if time.Since(start) > 60*time.Second {
			t.Fatalf("no error 60 s after starting a silent camera URL; status %q", status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	took := time.Since(start)
	t.Logf("error after %v: %s", took.Round(100*time.Millisecond), status)
	if !strings.Contains(status, "timed out") && !strings.Contains(status, "unreachable") {
		t.Errorf("status %q does not say the camera did not answer", status)
	}
	v.Wait()
	async.Locked(func() {
		if v.Running() || v.startB.Disabled() {
			t.Error("live view still running after the error")
		}
	})
	if analyzed.Load() {
		t.Error("the engine was loaded for a camera that never answered")
	}
}

func TestLiveUSBCameraThatDoesNotExist(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	v := NewLiveView(context.Background(), w, fakeLive{}, func() (media.FaceAnalyzer, error) { return nil, nil })
	w.SetContent(v.Content())
	defer w.Close()
	v.Start("7") // no camera 7 on a test machine
	v.Wait()
	var status string
	async.Locked(func() { status = v.statusText() })
	if !strings.HasPrefix(status, "Camera error:") {
		t.Fatalf("status %q, want a camera error", status)
	}
}
