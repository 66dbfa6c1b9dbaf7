package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/internal/synth"
	"facecase/internal/testenv"
	"facecase/media"
	"facecase/tracking"
)

// scanOutput is what a scan printed, parsed.
type scanOutput struct {
	code       int
	stderr     string
	detections []scanDetectionRecord
	tracks     []scanTrackRecord
	sources    []scanSourceRecord
	people     []scanPersonRecord
	persons    []scanPersonTrackRecord
}

func parseScanOutput(t *testing.T, code int, stdout, stderr string) scanOutput {
	t.Helper()
	out := scanOutput{code: code, stderr: stderr}
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var head struct{ Type string }
		if err := json.Unmarshal(sc.Bytes(), &head); err != nil {
			t.Fatalf("stdout line is not JSON: %q", sc.Text())
		}
		var err error
		switch head.Type {
		case "detection":
			var r scanDetectionRecord
			err = json.Unmarshal(sc.Bytes(), &r)
			out.detections = append(out.detections, r)
		case "track":
			var r scanTrackRecord
			err = json.Unmarshal(sc.Bytes(), &r)
			out.tracks = append(out.tracks, r)
		case "source":
			var r scanSourceRecord
			err = json.Unmarshal(sc.Bytes(), &r)
			out.sources = append(out.sources, r)
		case "person":
			var r scanPersonRecord
			err = json.Unmarshal(sc.Bytes(), &r)
			out.people = append(out.people, r)
		case "person_track":
			var r scanPersonTrackRecord
			err = json.Unmarshal(sc.Bytes(), &r)
			out.persons = append(out.persons, r)
		default:
			t.Fatalf("unknown record type in %q", sc.Text())
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func runScanCLI(t *testing.T, ctx context.Context, args ...string) scanOutput {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(ctx, &cliEnv{stdout: &stdout, stderr: &stderr}, append([]string{"scan"}, args...))
	return parseScanOutput(t, code, stdout.String(), stderr.String())
}

func needScanModels(t *testing.T) {
	t.Helper()
	for _, m := range []string{"ultraface", "ssd", "blazeface", "descriptor", "shape-predictor-68"} {
		testenv.Model(t, m)
	}
}

func TestScanUsageErrors(t *testing.T) {
	cases := [][]string{
		{},
		{"--every", "-1", "x.mp4"},
		{"--render", "out.mp4", "a.mp4", "b.mp4"},
		{"--watch", "x.png", "--descriptors=false", "a.mp4"},
		{"--no-such-flag", "a.mp4"},
	}
	for _, args := range cases {
		out := runScanCLI(t, context.Background(), args...)
		if out.code != 2 {
			t.Errorf("scan %v: exit %d, want 2 (stderr %q)", args, out.code, out.stderr)
		}
	}
}

// writeSceneVideo renders the standard tracking scene from the real crops.
func writeSceneVideo(t *testing.T, name string, w, h, frames int) (string, synth.VideoScene) {
	t.Helper()
	crops, err := synth.LoadCrops(testenv.SharedData(t, "faceapi/people"))
	if err != nil {
		t.Fatal(err)
	}
	scene, err := synth.TrackingScene(crops, w, h)
	if err != nil {
		t.Fatal(err)
	}
	if frames > 0 {
		scene.Frames = frames
	}
	path := filepath.Join(t.TempDir(), name)
	codec := "mp4v"
	if filepath.Ext(name) == ".avi" {
		codec = "MJPG"
	}
	if err := synth.WriteVideo(context.Background(), path, codec, scene, crops); err != nil {
		t.Fatal(err)
	}
	return path, scene
}

// trackFrames turns the scan's tracks into per-frame output boxes and puts
// them beside the scene's ground truth (faces at least half visible).
func trackFrames(scene synth.VideoScene, tracks []scanTrackRecord) []synth.MOTFrame {
	frames := make([]synth.MOTFrame, scene.Frames)
	for f := range frames {
		for _, tb := range scene.Truth(f) {
			if tb.Visible >= 0.5 {
				frames[f].Truth = append(frames[f].Truth, synth.MOTBox{ID: tb.ID, Box: facedata.RectFromImage(tb.Box)})
			}
		}
	}
	for _, tr := range tracks {
		for _, p := range tr.Path {
			if p.Frame >= 0 && p.Frame < len(frames) {
				frames[p.Frame].Hyp = append(frames[p.Frame].Hyp, synth.MOTBox{ID: tr.TrackID, Box: p.Box})
			}
		}
	}
	return frames
}

func TestScanSyntheticVideoTracking(t *testing.T) {
	needScanModels(t)
	path, scene := writeSceneVideo(t, "scene.mp4", 640, 480, 0)
	for _, every := range []string{"1", "3", "6"} {
		out := runScanCLI(t, context.Background(), "--every", every, path)
		if out.code != 0 {
			t.Fatalf("every %s: exit %d: %s", every, out.code, out.stderr)
		}
		frames := trackFrames(scene, out.tracks)
		// Detector boxes are drawn around the eyes, nose and mouth, the
		// ground truth is the whole pasted crop: compare at IoU 0.3.
		s, err := synth.IdentityScores(frames, 0.3)
		if err != nil {
			t.Fatal(err)
		}
		sw, err := synth.IDSwitches(frames, 0.3)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("every %s: IDF1 %.3f (IDTP %d, IDFP %d, IDFN %d), %d identity switches, %d tracks, %s",
			every, s.IDF1(), s.IDTP, s.IDFP, s.IDFN, sw, len(out.tracks), strings.TrimSpace(out.stderr))
		for _, tr := range out.tracks {
			t.Logf("  track %d: frames %d-%d, %d detections, stands for actor %d", tr.TrackID, tr.FirstFrame, tr.LastFrame, tr.Detections, s.Mapping[tr.TrackID])
		}
		if s.IDF1() < 0.9 {
			t.Errorf("every %s: IDF1 %.3f < 0.9", every, s.IDF1())
		}
		if crossings := scene.CrossingPairs(); sw > crossings {
			t.Errorf("every %s: %d identity switches for %d crossings", every, sw, crossings)
		}
		// The face hidden for 10 frames keeps one track.
		if ids := idsFollowing(frames, 3, 0.3); len(ids) != 1 {
			t.Errorf("every %s: the hidden face was followed by tracks %v", every, ids)
		}
		src := out.sources[0]
		if src.Frames != scene.Frames || src.Every != atoi(every) || src.Tracks != len(out.tracks) {
			t.Errorf("every %s: source record %+v", every, src)
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = 10*n + int(c-'0')
	}
	return n
}

// idsFollowing lists the output ids that overlap ground-truth object gt.
func idsFollowing(frames []synth.MOTFrame, gt int, minIoU float64) map[int]bool {
	ids := map[int]bool{}
	for _, f := range frames {
		for _, g := range f.Truth {
			if g.ID != gt {
				continue
			}
			for _, h := range f.Hyp {
				if g.Box.IoU(h.Box) >= minIoU {
					ids[h.ID] = true
				}
			}
		}
	}
	return ids
}

func TestScanHamiltonClip(t *testing.T) {
	needScanModels(t)
	clip := testenv.SharedData(t, "face_recognition/short_hamilton_clip.mp4")
	lin := testenv.SharedData(t, "face_recognition/lin-manuel-miranda.png")
	out := runScanCLI(t, context.Background(), "--every", "3", "--watch", lin, clip)
	if out.code != 0 {
		t.Fatalf("exit %d: %s", out.code, out.stderr)
	}
	// The clip, checked by eye: frames 0-19 show Lin-Manuel Miranda
	// singing on the right and Alex Lacamoire at the piano on the left
	// (x < 150); 20-81 the audience and a man seen from behind; 82-210
	// Miranda in close-up; from 211 the audience (the Obamas).
	var his []scanTrackRecord
	for _, tr := range out.tracks {
		t.Logf("track %d: frames %d-%d, %d detections, best face usable %v at x=%.0f, match %+v",
			tr.TrackID, tr.FirstFrame, tr.LastFrame, tr.Detections, tr.Best.Quality.Usable, tr.Best.Box.X, tr.Match)
		named := tr.Match != nil && tr.Match.Name == "lin-manuel-miranda"
		inCloseUp := tr.FirstFrame >= 82 && tr.LastFrame <= 210
		onStage := tr.LastFrame < 20 && tr.Best.Box.X > 300
		if named {
			his = append(his, tr)
			if !inCloseUp && !onStage {
				t.Errorf("track %d (frames %d-%d, x=%.0f) is named after Miranda but is someone else",
					tr.TrackID, tr.FirstFrame, tr.LastFrame, tr.Best.Box.X)
			}
		}
		if inCloseUp && tr.Detections >= 10 && !named {
			t.Errorf("Miranda's close-up track %d is not named after him (match %+v)", tr.TrackID, tr.Match)
		}
	}
	if len(his) == 0 {
		t.Fatal("no track named after Lin-Manuel Miranda")
	}
	pianist := false
	for _, tr := range out.tracks {
		if tr.LastFrame < 20 && tr.Best.Box.X < 150 {
			pianist = true
		}
	}
	if !pianist {
		t.Error("the pianist was not tracked")
	}
	// Every detection of a named track is in the output with its id.
	for _, tr := range his {
		n := 0
		for _, d := range out.detections {
			if d.TrackID == tr.TrackID {
				n++
			}
		}
		if n != tr.Detections {
			t.Errorf("track %d: %d detection lines for %d detections", tr.TrackID, n, tr.Detections)
		}
	}
}

func TestScanBadSourcesAreReportedAndSkipped(t *testing.T) {
	needScanModels(t)
	dir := t.TempDir()
	photo := filepath.Join(dir, "b_photo.jpg")
	data, err := os.ReadFile(testenv.SharedData(t, "face_recognition/obama_small.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(photo, data, 0o644)
	os.WriteFile(filepath.Join(dir, "a_empty.mp4"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "c_notes.txt"), []byte("not media at all, just notes"), 0o644)
	os.WriteFile(filepath.Join(dir, "d_broken.mp4"), append([]byte("\x00\x00\x00\x18ftypmp42"), make([]byte, 2000)...), 0o644)
	before, _ := os.ReadFile(photo)

	out := runScanCLI(t, context.Background(), dir)
	if out.code != 1 {
		t.Fatalf("exit %d, want 1 (two bad files): %s", out.code, out.stderr)
	}
	for _, name := range []string{"a_empty.mp4", "d_broken.mp4"} {
		if !strings.Contains(out.stderr, name) {
			t.Errorf("stderr does not report %s: %s", name, out.stderr)
		}
	}
	if !strings.Contains(out.stderr, "c_notes.txt: skipped") {
		t.Errorf("the text file in the folder is not reported as skipped: %s", out.stderr)
	}
	faces := 0
	for _, d := range out.detections {
		if d.Source == photo {
			faces++
			if d.TrackID != 0 || d.Descriptor == nil {
				t.Errorf("photo face: track %d, descriptor %v", d.TrackID, d.Descriptor != nil)
			}
		}
	}
	if faces != 1 {
		t.Errorf("%d faces in the Obama photo, want 1", faces)
	}
	errs := 0
	for _, s := range out.sources {
		if s.Error != "" {
			errs++
		}
	}
	if len(out.sources) != 4 || errs != 3 {
		t.Errorf("%d source records, %d with errors: %+v", len(out.sources), errs, out.sources)
	}
	if after, _ := os.ReadFile(photo); !bytes.Equal(before, after) {
		t.Error("the photo was modified")
	}
}

func TestScanRender(t *testing.T) {
	needScanModels(t)
	path, scene := writeSceneVideo(t, "scene.avi", 480, 360, 60)
	render := filepath.Join(t.TempDir(), "tracked.avi")
	out := runScanCLI(t, context.Background(), "--every", "2", "--render", render, path)
	if out.code != 0 {
		t.Fatalf("exit %d: %s", out.code, out.stderr)
	}
	if len(out.tracks) == 0 {
		t.Fatal("no tracks")
	}
	checkRenderedTracks(t, render, scene.Frames, out.tracks)
	// The render is never overwritten.
	again := runScanCLI(t, context.Background(), "--render", render, path)
	if again.code == 0 || !strings.Contains(again.stderr, "exists") {
		t.Fatalf("second render over the first: exit %d, %s", again.code, again.stderr)
	}
}

// cancelAfter cancels when the n-th detection line is written: a Ctrl-C
// in the middle of a scan.
type cancelAfter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	n      int
	cancel context.CancelFunc
}

func (w *cancelAfter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if bytes.Contains(p, []byte(`"type":"detection"`)) {
		if w.n--; w.n == 0 {
			w.cancel()
		}
	}
	return w.buf.Write(p)
}

func TestScanCtrlCKeepsWorkDone(t *testing.T) {
	needScanModels(t)
	path, scene := writeSceneVideo(t, "scene.mp4", 480, 360, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &cancelAfter{n: 30, cancel: cancel}
	var stderr bytes.Buffer
	code := run(ctx, &cliEnv{stdout: w, stderr: &stderr}, []string{"scan", "--every", "1", path})
	out := parseScanOutput(t, code, w.buf.String(), stderr.String())
	if code != 130 || !strings.Contains(stderr.String(), "cancelled") {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	if len(out.sources) != 1 || !out.sources[0].Cancelled || out.sources[0].Frames >= scene.Frames {
		t.Fatalf("source record %+v", out.sources)
	}
	if len(out.tracks) == 0 {
		t.Fatal("tracks open at the cancellation were not written")
	}
	for _, tr := range out.tracks {
		if tr.LastFrame >= out.sources[0].Frames {
			t.Fatalf("track %d ends at frame %d, after the %d frames read", tr.TrackID, tr.LastFrame, out.sources[0].Frames)
		}
	}
	if len(out.detections) != out.sources[0].Detections {
		t.Fatalf("%d detection lines, %d detections counted", len(out.detections), out.sources[0].Detections)
	}
}

// checkRenderedTracks checks the render has every frame and that the
// tracks' boxes are drawn in their colours: along the top edge of a box,
// the rendered pixels are much nearer the track's colour than the
// original's (MJPG blurs colour, so the comparison is on averages).
func checkRenderedTracks(t *testing.T, render string, frames int, tracks []scanTrackRecord) {
	t.Helper()
	rendered := readAllFrames(t, render)
	if len(rendered) != frames {
		t.Fatalf("render has %d frames, want %d", len(rendered), frames)
	}
	checked := 0
	for _, tr := range tracks {
		var r, g, b uint8
		if _, err := fmt.Sscanf(tr.Color, "#%02x%02x%02x", &r, &g, &b); err != nil {
			t.Fatalf("track colour %q: %v", tr.Color, err)
		}
		col := [3]float64{float64(r), float64(g), float64(b)}
		// A frame in the second half of the track's life, where it is
		// confirmed and detected.
		var p *tracking.PathPoint
		for i := len(tr.Path) / 2; i < len(tr.Path); i++ {
			if tr.Path[i].Detected {
				p = &tr.Path[i]
				break
			}
		}
		if p == nil {
			continue
		}
		img := rendered[p.Frame]
		box := p.Box.Image().Intersect(img.Bounds())
		if box.Dx() < 10 {
			continue
		}
		near := 0.0
		n := 0
		for x := box.Min.X + 3; x < box.Max.X-3; x++ {
			c := img.RGBAAt(x, box.Min.Y)
			near += math.Sqrt(sq(float64(c.R)-col[0]) + sq(float64(c.G)-col[1]) + sq(float64(c.B)-col[2]))
			n++
		}
		if near /= float64(n); near > 110 {
			t.Errorf("track %d frame %d: the box edge is %.0f away from the track colour %s", tr.TrackID, p.Frame, near, tr.Color)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no box could be checked")
	}
}

func sq(x float64) float64 { return x * x }

// readAllFrames decodes a video into RGBA images.
func readAllFrames(t *testing.T, path string) []*image.RGBA {
	t.Helper()
	src, err := media.Open(context.Background(), path, media.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out []*image.RGBA
	for {
		f, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		img, err := f.Mat.ToImage()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		rgba := image.NewRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), img, image.Point{}, draw.Src)
		out = append(out, rgba)
	}
}

// TestScanIntoCase stores a scan in a case file: the photos become
// evidence with their detections, and a second scan of the same photo is
// refused rather than stored twice.
func TestScanIntoCase(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	testenv.Model(t, "descriptor")
	t.Setenv("FACECASE_ACTOR", "Det. Test")
	casePath := filepath.Join(t.TempDir(), "scan.facecase")
	if code, _, errOut := runCLI(t, "case", "new", "--number", "2026/0042", "--title", "Scan test", "--purpose", "test", "--authorisation", "T-1", casePath); code != 0 {
		t.Fatalf("case new: exit %d: %s", code, errOut)
	}
	photo := filepath.Join(dir, "two_people.jpg")
	if code, _, errOut := runCLI(t, "scan", "--case", casePath, photo); code != 0 {
		t.Fatalf("scan: exit %d: %s", code, errOut)
	}
	c, err := casefile.Open(casePath, casefile.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := c.EvidenceList()
	if err != nil || len(evs) != 1 {
		t.Fatalf("%d evidence items, %v", len(evs), err)
	}
	n, err := c.DetectionCount(evs[0].ID)
	c.Close()
	if err != nil || n != 2 {
		t.Fatalf("%d detections stored, want 2 (%v)", n, err)
	}
	code, _, errOut := runCLI(t, "scan", "--case", casePath, photo)
	if code != 1 || !strings.Contains(errOut, "already scanned") {
		t.Fatalf("second scan: exit %d: %s", code, errOut)
	}
}
