package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"facecase/casefile"
	"facecase/internal/testenv"
	"facecase/media"
	"facecase/models"
)

// vtestClip writes frames [from, to) of vtest.avi (installed by make
// models) to a new video.
func vtestClip(t *testing.T, from, to int) string {
	t.Helper()
	src, err := models.LocateVideo("vtest.avi")
	if err != nil {
		t.Fatal(err)
	}
	vc, err := gocv.VideoCaptureFile(src)
	if err != nil {
		t.Fatal(err)
	}
	defer vc.Close()
	out := filepath.Join(t.TempDir(), "walk.avi")
	w, err := media.CreateVideo(out, 10, 768, 576)
	if err != nil {
		t.Fatal(err)
	}
	img := gocv.NewMat()
	defer img.Close()
	for i := 0; i < to && vc.Read(&img) && !img.Empty(); i++ {
		if i >= from {
			if err := w.Write(img); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func needPeopleModels(t *testing.T) {
	t.Helper()
	needScanModels(t)
	testenv.Model(t, "person")
}

// TestScanPeopleRecordsAndRender scans four seconds of vtest.avi (seven
// people walking): person lines name their track and foot point, person
// tracks carry their path, the summary says how many people were followed,
// and --render draws them.
func TestScanPeopleRecordsAndRender(t *testing.T) {
	needPeopleModels(t)
	clip := vtestClip(t, 700, 740)
	render := filepath.Join(t.TempDir(), "people.avi")
	out := runScanCLI(t, context.Background(), "--every", "2", "--render", render, clip)
	if out.code != 0 {
		t.Fatalf("exit %d: %s", out.code, out.stderr)
	}
	if len(out.sources) != 1 || out.sources[0].PersonTracks < 5 || out.sources[0].MostPeople < 6 {
		t.Fatalf("summary %+v: want the clip's 7 or 8 people", out.sources)
	}
	if !strings.Contains(out.stderr, "people followed (at most") {
		t.Errorf("stderr summary %q does not say how many people were followed", out.stderr)
	}
	ids := map[int]bool{}
	for _, p := range out.persons {
		ids[p.PersonID] = true
		if len(p.Path) == 0 || p.Path[0].Frame != p.FirstFrame || p.Path[len(p.Path)-1].Frame != p.LastFrame || p.PathLength <= 0 {
			t.Fatalf("person track %d: path of %d points from %d to %d, length %v", p.PersonID, len(p.Path), p.FirstFrame, p.LastFrame, p.PathLength)
		}
		if f := p.Path[0]; f.Foot.X != f.Box.X+f.Box.W/2 || f.Foot.Y != f.Box.Y+f.Box.H {
			t.Fatalf("foot point %+v of box %+v", f.Foot, f.Box)
		}
	}
	if len(ids) != out.sources[0].PersonTracks {
		t.Fatalf("%d person track lines, the summary says %d", len(ids), out.sources[0].PersonTracks)
	}
	for _, p := range out.people {
		if p.PersonID != 0 && !ids[p.PersonID] {
			t.Fatalf("person line names track %d, which has no track line", p.PersonID)
		}
	}
	frames := readAllFrames(t, render)
	if len(frames) != 40 {
		t.Fatalf("rendered %d frames, want 40", len(frames))
	}
	// Each person's path is drawn in their colour through the foot points
	// (dots survive the video's compression; a thin box line may not): on
	// the track's last frame, pixels of its colour lie along its path.
	missing := 0
	for _, p := range out.persons {
		last := p.Path[len(p.Path)-1]
		img := frames[last.Frame]
		col := hexColor(t, p.Color)
		n := 0
		for _, pt := range p.Path {
			for dy := -2; dy <= 4; dy++ {
				for dx := -4; dx <= 4; dx++ {
					if near(img.RGBAAt(int(pt.Foot.X)+dx, int(pt.Foot.Y)+dy), col, 60) {
						n++
					}
				}
			}
		}
		if n < 10 {
			missing++
			t.Logf("person %d: %d pixels of colour %s along the path at frame %d", p.PersonID, n, p.Color, last.Frame)
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d people have no path drawn in their colour", missing, len(out.persons))
	}
}

func hexColor(t *testing.T, s string) color.RGBA {
	t.Helper()
	c := color.RGBA{A: 255}
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &c.R, &c.G, &c.B); err != nil {
		t.Fatalf("colour %q: %v", s, err)
	}
	return c
}

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol
}

// TestScanVideoWithoutPeople: a video of an empty scene scans without
// error and follows nobody.
func TestScanVideoWithoutPeople(t *testing.T) {
	needPeopleModels(t)
	path := filepath.Join(t.TempDir(), "empty.avi")
	w, err := media.CreateVideo(path, 25, 320, 240)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		img := image.NewRGBA(image.Rect(0, 0, 320, 240))
		for y := 0; y < 240; y++ {
			for x := 0; x < 320; x++ {
				img.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), uint8(4 * i), 255})
			}
		}
		m, err := gocv.ImageToMatRGB(img)
		if err != nil {
			t.Fatal(err)
		}
		err = w.Write(m)
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := runScanCLI(t, context.Background(), path)
	if out.code != 0 || len(out.sources) != 1 || out.sources[0].Frames != 20 || len(out.people) != 0 || len(out.persons) != 0 {
		t.Fatalf("exit %d, summary %+v, %d people: %s", out.code, out.sources, len(out.people), out.stderr)
	}
}

// TestScanPeopleIntoCase stores the clip's person tracks in a case, with
// their audit entries.
func TestScanPeopleIntoCase(t *testing.T) {
	needPeopleModels(t)
	clip := vtestClip(t, 700, 730)
	t.Setenv("FACECASE_ACTOR", "Det. Test")
	casePath := filepath.Join(t.TempDir(), "people.facecase")
	if code, _, errOut := runCLI(t, "case", "new", "--number", "2026/0043", "--title", "People", "--purpose", "test", "--authorisation", "T-2", casePath); code != 0 {
		t.Fatalf("case new: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "scan", "--every", "2", "--case", casePath, clip); code != 0 {
		t.Fatalf("scan: exit %d: %s", code, errOut)
	}
	c, err := casefile.Open(casePath, casefile.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	evs, err := c.EvidenceList()
	if err != nil || len(evs) != 1 {
		t.Fatalf("%d evidence items, %v", len(evs), err)
	}
	people, err := c.PersonTracks(evs[0].ID)
	if err != nil || len(people) < 5 {
		t.Fatalf("%d person tracks stored (%v), want the clip's people", len(people), err)
	}
	log, err := c.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	audited := 0
	for _, e := range log {
		if e.Action == casefile.ActionPutPersonTrack {
			audited++
		}
	}
	if audited != len(people) {
		t.Fatalf("%d person tracks, %d audit entries for them", len(people), audited)
	}
	if _, err := os.Stat(casePath); err != nil {
		t.Fatal(err)
	}
}
