package views

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/media"
	"facecase/ui/async"
	"facecase/ui/session"
)

// watchBackend is a LiveBackend on a real case whose watchlist holds one
// subject, so live alerts are scored as the case's searches are.
type watchBackend struct {
	*casefile.Case
}

func (watchBackend) UserSettings() session.Settings { return session.DefaultSettings() }

// newWatchBackend makes a case with one subject enrolled with face f.
func newWatchBackend(t *testing.T, f facedata.Face) watchBackend {
	t.Helper()
	c, err := casefile.Create(filepath.Join(t.TempDir(), "live.facecase"), casefile.CaseInfo{
		Number: "L-1", Title: "live", Investigator: "Det. Live", Purpose: "test", Authorisation: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := c.AddSubject("Barack Obama", "")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, ok := f.Template()
	if !ok {
		t.Fatal("the enrolment face has no descriptor")
	}
	if _, err := c.Enrol(s.ID, casefile.Provenance{Source: "obama.jpg"}, []facedata.Template{tmpl}); err != nil {
		t.Fatal(err)
	}
	return watchBackend{c}
}

// mjpegServer serves a photo over and over as an MJPEG camera (loopback).
func mjpegServer(t *testing.T, photo []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=frame")
		w.WriteHeader(http.StatusOK)
		fl := w.(http.Flusher)
		for {
			if _, err := fmt.Fprintf(w, "--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", len(photo)); err != nil {
				return
			}
			if _, err := w.Write(append(photo, "\r\n"...)); err != nil {
				return
			}
			fl.Flush()
			select {
			case <-time.After(80 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	}))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv.URL + "/stream.mjpg"
}

// TestLiveCameraTracksAndRaisesWatchlistLead: a camera showing someone on
// the watchlist gets boxes and a path, and the banner words it as a lead.
func TestLiveCameraTracksAndRaisesWatchlistLead(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	testenv.Model(t, "descriptor")
	engines := session.NewEngines()
	defer engines.Close()
	eng, err := engines.Get("ssd")
	if err != nil {
		t.Fatal(err)
	}
	probe, err := media.LoadImage(filepath.Join(dir, "obama.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	faces, err := eng.Analyze(context.Background(), probe)
	probe.Close()
	if err != nil || len(faces) != 1 {
		t.Fatalf("enrolment photo: %d faces, %v", len(faces), err)
	}
	photo, err := os.ReadFile(filepath.Join(dir, "obama2.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	url := mjpegServer(t, photo)

	test.NewTempApp(t)
	w := test.NewWindow(nil)
	defer w.Close()
	v := NewLiveView(context.Background(), w, newWatchBackend(t, faces[0]),
		func() (media.FaceAnalyzer, error) { return engines.Get("blazeface") })
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(900, 700))
	v.Start(url)
	defer func() {
		v.Stop()
		v.Wait()
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var banner, status string
		var boxes, paths int
		async.Locked(func() {
			banner, status = v.bannerText(), v.statusText()
			boxes, paths = len(v.faces.Scene().Faces), len(v.faces.Scene().Paths)
		})
		if banner != "" && boxes > 0 && paths > 0 {
			if !strings.Contains(banner, "Barack Obama") || !strings.Contains(banner, "not an identification") || !strings.Contains(banner, "at FMR 0.0001") {
				t.Fatalf("banner %q does not name the subject as a lead", banner)
			}
			break
		}
		if strings.HasPrefix(status, "Camera error") {
			t.Fatal(status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no lead banner with boxes and paths after 2 min: banner %q, %d boxes, %d paths, status %q",
				banner, boxes, paths, status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
