package recognition_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"testing"

	"facecase/facedata"
	"facecase/internal/synth"
	"facecase/internal/testenv"
	"facecase/media"
	"facecase/models"
	"facecase/models/convert"
	"facecase/recognition"

	"gocv.io/x/gocv"
)

// ssdMatchIoU is the overlap at which a detection counts as finding a
// hand-drawn face box: annotators draw faces differently (forehead or not,
// ears or not), so the bar is lower than the usual 0.5.
const ssdMatchIoU = 0.4

// ssdTruth is a hand-made ground-truth file of testdata/groundtruth.
type ssdTruth struct {
	Image   string `json:"image"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Comment string `json:"comment"`
	Faces   []struct {
		X, Y, W, H float64
	} `json:"faces"`
}

// ssdLoadTruth reads testdata/groundtruth/<name>.json and returns its boxes.
func ssdLoadTruth(t *testing.T, name string) (ssdTruth, []facedata.Rect) {
	t.Helper()
	p := filepath.Join(testenv.TestdataDir(), "groundtruth", name+".json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var gt ssdTruth
	if err := json.Unmarshal(b, &gt); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	if len(gt.Faces) == 0 || gt.Comment == "" || gt.Width <= 0 || gt.Height <= 0 {
		t.Fatalf("%s: needs faces, a comment and the image size", p)
	}
	boxes := make([]facedata.Rect, len(gt.Faces))
	for i, f := range gt.Faces {
		boxes[i] = facedata.Rect{X: f.X, Y: f.Y, W: f.W, H: f.H}
	}
	return gt, boxes
}

// ssdLoadImage decodes a photo and checks it is the size its ground truth names.
func ssdLoadImage(t *testing.T, path string, gt ssdTruth) gocv.Mat {
	t.Helper()
	img, err := media.LoadImage(path)
	if err != nil {
		t.Fatal(err)
	}
	if img.Cols() != gt.Width || img.Rows() != gt.Height {
		img.Close()
		t.Fatalf("%s is %dx%d, its ground truth is for %dx%d", path, img.Cols(), img.Rows(), gt.Width, gt.Height)
	}
	return img
}

// ssdSample returns the path of an installed demo photo; a missing one is a
// broken setup (make models installs them), so the test fails with the hint.
func ssdSample(t testing.TB, name string) string {
	t.Helper()
	dir, err := models.SamplesDir()
	if err != nil {
		t.Fatalf("%v", err)
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("demo photo %s is missing; install it with: %s", p, models.InstallCommand)
	}
	return p
}

func ssdOpen(t testing.TB) *recognition.SSDDetector {
	t.Helper()
	d, err := recognition.NewSSDDetector(testenv.Model(t, "ssd"), recognition.SSDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// ssdMatch pairs detections with truth boxes one to one, best overlap
// first, counting pairs with IoU >= ssdMatchIoU. It returns each truth
// box's IoU with its detection (0 when none) and the unpaired detections.
func ssdMatch(truth []facedata.Rect, dets []facedata.Detection) ([]float64, []facedata.Detection) {
	type pair struct {
		t, d int
		iou  float64
	}
	var pairs []pair
	for i, tb := range truth {
		for j, d := range dets {
			if iou := tb.IoU(d.Box); iou >= ssdMatchIoU {
				pairs = append(pairs, pair{i, j, iou})
			}
		}
	}
	sort.SliceStable(pairs, func(a, b int) bool { return pairs[a].iou > pairs[b].iou })
	ious := make([]float64, len(truth))
	used := make([]bool, len(dets))
	for _, p := range pairs {
		if ious[p.t] == 0 && !used[p.d] {
			ious[p.t], used[p.d] = p.iou, true
		}
	}
	var extra []facedata.Detection
	for j, d := range dets {
		if !used[j] {
			extra = append(extra, d)
		}
	}
	return ious, extra
}

// ssdCheckFaces fails the test for every missed face and every false box.
func ssdCheckFaces(t *testing.T, truth []facedata.Rect, dets []facedata.Detection) {
	t.Helper()
	ious, extra := ssdMatch(truth, dets)
	for i, iou := range ious {
		if iou == 0 {
			t.Errorf("face %d %+v not found (detections: %+v)", i, truth[i], dets)
		}
	}
	for _, d := range extra {
		t.Errorf("false box %+v score %.3f", d.Box, d.Score)
	}
	t.Logf("IoU with the hand-drawn boxes: %.2f", ious)
}

func TestSSDFindsEveryFaceInDemoPhotos(t *testing.T) {
	d := ssdOpen(t)
	for i := 1; i <= 6; i++ {
		name := fmt.Sprintf("sample%d", i)
		t.Run(name, func(t *testing.T) {
			gt, truth := ssdLoadTruth(t, name)
			img := ssdLoadImage(t, ssdSample(t, gt.Image), gt)
			defer img.Close()
			dets, err := d.Detect(context.Background(), img)
			if err != nil {
				t.Fatal(err)
			}
			ssdCheckFaces(t, truth, dets)
			for k := 1; k < len(dets); k++ {
				if dets[k].Score > dets[k-1].Score {
					t.Errorf("detections not sorted best first: %v", dets)
				}
			}
		})
	}
}

// TestSSDFindsEveryFaceInGoldenGroupPhoto checks faces.jpg against the
// hand-drawn boxes and against the reference implementation's 68 landmarks
// for its six faces (golden/facesFaceLandmarkPositions.json): each face's
// landmarks lie in a detection box of its own, and in a hand-drawn box.
func TestSSDFindsEveryFaceInGoldenGroupPhoto(t *testing.T) {
	dir := testenv.SharedData(t, "faceapi")
	gt, truth := ssdLoadTruth(t, "faces")
	img := ssdLoadImage(t, filepath.Join(dir, "golden-images", gt.Image), gt)
	defer img.Close()
	dets, err := ssdOpen(t).Detect(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	ssdCheckFaces(t, truth, dets)

	b, err := os.ReadFile(filepath.Join(dir, "golden", "facesFaceLandmarkPositions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var faces [][]facedata.Point
	if err := json.Unmarshal(b, &faces); err != nil {
		t.Fatal(err)
	}
	if len(faces) != len(truth) {
		t.Fatalf("%d landmark sets for %d hand-drawn faces", len(faces), len(truth))
	}
	owner := map[int]int{}
	for i, pts := range faces {
		if len(pts) != facedata.LandmarkCount {
			t.Fatalf("landmark set %d has %d points", i, len(pts))
		}
		held := -1
		for j, det := range dets {
			if ssdHoldsLandmarks(det.Box, pts) {
				held = j
			}
		}
		if held < 0 {
			t.Errorf("landmark set %d lies in no detection box", i)
			continue
		}
		if prev, dup := owner[held]; dup {
			t.Errorf("landmark sets %d and %d lie in the same detection %+v", prev, i, dets[held].Box)
		}
		owner[held] = i
		inTruth := false
		for _, tb := range truth {
			inTruth = inTruth || ssdHoldsLandmarks(tb, pts)
		}
		if !inTruth {
			t.Errorf("landmark set %d lies in no hand-drawn box", i)
		}
	}
}

// ssdHoldsLandmarks reports whether a face box, grown by 10% on each side,
// holds the chin (point 8) and every inner landmark (brows, eyes, nose and
// mouth: points 17-67). The rest of the jaw line is left out: it runs along
// the face's edge, out to the ears, where boxes differ most. The margin is
// for the landmarks, which come from another model: in faces.jpg the first
// face's right brow ends 3 px outside the SSD's box.
func ssdHoldsLandmarks(r facedata.Rect, pts []facedata.Point) bool {
	r = facedata.Rect{X: r.X - 0.1*r.W, Y: r.Y - 0.1*r.H, W: 1.2 * r.W, H: 1.2 * r.H}
	for k, p := range pts {
		if (k == 8 || k >= 17) && (p.X < r.X || p.X > r.X+r.W || p.Y < r.Y || p.Y > r.Y+r.H) {
			return false
		}
	}
	return true
}

// TestSSDMapsBoxesBackToTheImage runs the detector on a portrait (the demo
// photo turned a quarter) and on a region of a photo (what the engine's
// tiler passes), where padding and scale differ from the landscape case.
func TestSSDMapsBoxesBackToTheImage(t *testing.T) {
	d := ssdOpen(t)
	gt, truth := ssdLoadTruth(t, "sample1")
	img := ssdLoadImage(t, ssdSample(t, gt.Image), gt)
	defer img.Close()

	t.Run("portrait", func(t *testing.T) {
		turned := gocv.NewMat()
		defer turned.Close()
		gocv.Rotate(img, &turned, gocv.Rotate90Clockwise)
		var turnedTruth []facedata.Rect
		for _, r := range truth { // (x, y) -> (H - y, x) for a clockwise quarter
			turnedTruth = append(turnedTruth, facedata.Rect{X: float64(gt.Height) - r.Y - r.H, Y: r.X, W: r.H, H: r.W})
		}
		dets, err := d.Detect(context.Background(), turned)
		if err != nil {
			t.Fatal(err)
		}
		ssdCheckFaces(t, turnedTruth, dets)
	})
	t.Run("region", func(t *testing.T) {
		// The middle face with 200 px around it, as a view into the photo.
		f := truth[1]
		area := image.Rect(int(f.X)-200, int(f.Y)-200, int(f.X+f.W)+200, int(f.Y+f.H)+200)
		roi := img.Region(area)
		defer roi.Close()
		dets, err := d.Detect(context.Background(), roi)
		if err != nil {
			t.Fatal(err)
		}
		ssdCheckFaces(t, []facedata.Rect{f.Translate(-float64(area.Min.X), -float64(area.Min.Y))}, dets)
	})
}

func TestSSDFindsNothingInBlankOrTinyImages(t *testing.T) {
	d := ssdOpen(t)
	for _, c := range []struct {
		name string
		w, h int
	}{{"grey 640x480", 640, 480}, {"grey 3x2", 3, 2}, {"grey 1x700", 1, 700}} {
		img := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(128, 128, 128, 0), c.h, c.w, gocv.MatTypeCV8UC3)
		dets, err := d.Detect(context.Background(), img)
		img.Close()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if len(dets) != 0 {
			t.Errorf("%s: %d false boxes: %+v", c.name, len(dets), dets)
		}
	}
}

func TestSSDRejectsBadInput(t *testing.T) {
	d := ssdOpen(t)
	empty := gocv.NewMat()
	defer empty.Close()
	grey := gocv.NewMatWithSize(64, 64, gocv.MatTypeCV8UC1)
	defer grey.Close()
	for name, img := range map[string]gocv.Mat{"empty": empty, "grey": grey} {
		if dets, err := d.Detect(context.Background(), img); err == nil {
			t.Errorf("%s image: got %v, want an error", name, dets)
		}
	}
	colour := gocv.NewMatWithSize(64, 64, gocv.MatTypeCV8UC3)
	defer colour.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Detect(ctx, colour); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v, want context.Canceled", err)
	}
}

func TestNewSSDDetectorRejectsMissingAndWrongModels(t *testing.T) {
	dir := t.TempDir()
	if _, err := recognition.NewSSDDetector(filepath.Join(dir, "none.onnx"), recognition.SSDOptions{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist", err)
	}
	g := convert.NewGraph("not-ssd")
	x := g.Input("input", -1, 3, 150, 150)
	g.NamedNode("descriptor", "Relu", []string{x})
	g.Output("descriptor", -1, 128)
	other, err := g.Marshal(11, "test")
	if err != nil {
		t.Fatal(err)
	}
	model, err := os.ReadFile(testenv.Model(t, "ssd"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"text":            []byte("not a model\n"),
		"other onnx":      other,
		"truncated model": model[:len(model)/3],
	} {
		p := filepath.Join(dir, "model.onnx")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := recognition.NewSSDDetector(p, recognition.SSDOptions{})
		if !errors.Is(err, recognition.ErrBadModel) {
			t.Errorf("%s: err = %v, want ErrBadModel", name, err)
		}
		if d != nil {
			d.Close()
		}
	}
}

// TestSSDOptionsApply checks that MinScore filters and IOU suppresses.
func TestSSDOptionsApply(t *testing.T) {
	gt, _ := ssdLoadTruth(t, "sample1")
	img := ssdLoadImage(t, ssdSample(t, gt.Image), gt)
	defer img.Close()
	detect := func(opts recognition.SSDOptions) []facedata.Detection {
		d, err := recognition.NewSSDDetector(testenv.Model(t, "ssd"), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		dets, err := d.Detect(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		return dets
	}
	strict := detect(recognition.SSDOptions{MinScore: 0.99})
	for _, det := range strict {
		if det.Score <= 0.99 {
			t.Errorf("MinScore 0.99 kept a detection scoring %.3f", det.Score)
		}
	}
	loose := detect(recognition.SSDOptions{MinScore: 0.05})
	if len(loose) <= 3 {
		t.Errorf("MinScore 0.05 gave %d detections, want more than the 3 faces", len(loose))
	}
	// IOU near 1 suppresses only identical boxes: overlapping boxes of the same face survive.
	noNMS := detect(recognition.SSDOptions{IOU: 0.99})
	if len(noNMS) <= 3 {
		t.Errorf("IOU 0.99 gave %d detections, want overlapping duplicates of the 3 faces", len(noNMS))
	}
}

func TestSSDDetectIsSafeForConcurrentUse(t *testing.T) {
	d := ssdOpen(t)
	gt, _ := ssdLoadTruth(t, "sample3")
	img := ssdLoadImage(t, ssdSample(t, gt.Image), gt)
	defer img.Close()
	want, err := d.Detect(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([][]facedata.Detection, 4)
	errs := make([]error, len(results))
	for i := range results {
		wg.Go(func() { results[i], errs[i] = d.Detect(context.Background(), img) })
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			t.Errorf("goroutine %d: %v", i, errs[i])
		} else if !reflect.DeepEqual(results[i], want) {
			t.Errorf("goroutine %d got %v, want %v", i, results[i], want)
		}
	}
}

// TestSSDMinFaceInput checks the size the engine's tiler relies on: at
// MinFaceInput pixels in the 512 input, the SSD finds at least 95% of the
// 40 real face crops of faceapi/people pasted on clutter.
func TestSSDMinFaceInput(t *testing.T) {
	crops, err := synth.LoadCrops(testenv.SharedData(t, "faceapi/people"))
	if err != nil {
		t.Fatal(err)
	}
	d := ssdOpen(t)
	size := int(d.MinFaceInput())
	if r := minFaceRecall(t, d, crops, d.InputSize(), size); r < 0.95 {
		t.Errorf("recall %.2f at %d px, want >= 0.95", r, size)
	}
}
