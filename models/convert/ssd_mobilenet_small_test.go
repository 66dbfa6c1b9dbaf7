package convert

import (
	"bytes"
	"errors"
	"image/jpeg"
	"math"
	"strings"
	"testing"
)

// ssdPerCell is the anchors a cell of each head of face-api's SSD.
var ssdPerCell = []int{3, 6, 6, 6, 6, 6}

// ssdGridWeights is ssdFakeWeights with anchors laid out as TF's grid
// anchor generator lays them (shape p of a head (p+1)/10 wide and (p+2)/10
// high, centred on every cell), which ssdDerivedAnchors can derive from.
func ssdGridWeights(seed int64) map[string]Tensor {
	w := ssdFakeWeights(seed)
	a := w["Output/extra_dim"]
	i := 0
	for _, h := range ssdHeadGrids(SSDInputSize, ssdPerCell) {
		for r := 0; r < h.side; r++ {
			for c := 0; c < h.side; c++ {
				cy, cx := (float32(r)+0.5)/float32(h.side), (float32(c)+0.5)/float32(h.side)
				for p := 0; p < h.perCell; p++ {
					hw, hh := float32(p+1)/20, float32(p+2)/20
					copy(a.Data[4*i:], []float32{cy - hh, cx - hw, cy + hh, cx + hw})
					i++
				}
			}
		}
	}
	return w
}

func TestSSDHeadGrids(t *testing.T) {
	for _, c := range []struct {
		side    int
		sides   []int
		anchors int
	}{
		{SSDInputSize, []int{32, 16, 8, 4, 2, 1}, SSDAnchorCount},
		{SSDSmallInputSize, []int{16, 8, 4, 2, 1, 1}, SSDSmallAnchorCount},
	} {
		heads := ssdHeadGrids(c.side, ssdPerCell)
		n := 0
		for i, h := range heads {
			if h.side != c.sides[i] {
				t.Errorf("side %d: head %d has %d cells a side, want %d", c.side, i, h.side, c.sides[i])
			}
			n += h.side * h.side * h.perCell
		}
		if len(heads) != 6 || n != c.anchors {
			t.Errorf("side %d: %d heads with %d anchors, want 6 with %d", c.side, len(heads), n, c.anchors)
		}
	}
}

// TestSSDDerivedAnchorsFromTheStoredOnes: derived for 512 itself, the
// anchors are the stored ones (the layout is read right); derived for 256,
// every anchor keeps its size in input pixels and sits on the centre of
// its cell of the smaller grid.
func TestSSDDerivedAnchorsFromTheStoredOnes(t *testing.T) {
	stored := ssdRealWeights(t)["Output/extra_dim"].Data
	same, err := ssdDerivedAnchors(stored, ssdHeadGrids(SSDInputSize, ssdPerCell), SSDInputSize)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i := range stored {
		worst = math.Max(worst, math.Abs(float64(same[i]-stored[i])))
	}
	if len(same) != len(stored) || worst > 1e-5 {
		t.Errorf("derived for 512: %d values, off the stored %d by up to %g, want equal within 1e-5", len(same), len(stored), worst)
	}

	small, err := ssdDerivedAnchors(stored, ssdHeadGrids(SSDSmallInputSize, ssdPerCell), SSDSmallInputSize)
	if err != nil {
		t.Fatal(err)
	}
	if len(small) != 4*SSDSmallAnchorCount {
		t.Fatalf("%d anchors at 256, want %d", len(small)/4, SSDSmallAnchorCount)
	}
	// In pixels: (ymin, xmin, ymax, xmax) times the side.
	px := func(a []float32, side float64) [4]float64 {
		return [4]float64{float64(a[0]) * side, float64(a[1]) * side, float64(a[2]) * side, float64(a[3]) * side}
	}
	near := func(a, b [4]float64) bool {
		for i := range a {
			if math.Abs(a[i]-b[i]) > 1e-3 {
				return false
			}
		}
		return true
	}
	// The finest head: cell (row 5, column 9) is at the same pixels at both
	// sizes (16-pixel cells), so each of its 3 anchors is the same box.
	for p := 0; p < 3; p++ {
		at512 := px(stored[4*((5*32+9)*3+p):], SSDInputSize)
		at256 := px(small[4*((5*16+9)*3+p):], SSDSmallInputSize)
		if !near(at512, at256) {
			t.Errorf("finest head, cell (5, 9), anchor %d: %v pixels at 256, want %v as at 512", p, at256, at512)
		}
	}
	// The last head (1x1 at both sizes): centred on the 256 input, the 512
	// anchors' size in pixels.
	last512, last256 := stored[4*(SSDAnchorCount-6):], small[4*(SSDSmallAnchorCount-6):]
	for p := 0; p < 6; p++ {
		a, b := px(last512[4*p:], SSDInputSize), px(last256[4*p:], SSDSmallInputSize)
		if math.Abs((a[2]-a[0])-(b[2]-b[0])) > 1e-3 || math.Abs((b[0]+b[2])/2-128) > 1e-3 || math.Abs((b[1]+b[3])/2-128) > 1e-3 {
			t.Errorf("last head, anchor %d: %v pixels at 256 (from %v at 512), want the same height centred on 128", p, b, a)
		}
	}
}

func TestSSDDerivedAnchorsRejectAnOffGridAnchor(t *testing.T) {
	stored := append([]float32(nil), ssdGridWeights(4)["Output/extra_dim"].Data...)
	heads := ssdHeadGrids(SSDSmallInputSize, ssdPerCell)
	if _, err := ssdDerivedAnchors(stored, heads, SSDSmallInputSize); err != nil {
		t.Fatalf("grid anchors rejected: %v", err)
	}
	stored[4*(32*32*3+17)+1] += 0.01 // head 1, cell 2, shape 5 moved right
	if _, err := ssdDerivedAnchors(stored, heads, SSDSmallInputSize); err == nil || !strings.Contains(err.Error(), "head 1") {
		t.Errorf("moved anchor: error %v, want one naming head 1", err)
	}
	if _, err := ssdDerivedAnchors(stored[:400], heads, SSDSmallInputSize); err == nil {
		t.Error("100 stored anchors: no error")
	}
}

func TestSSDMobileNetV1SmallDeterministic(t *testing.T) {
	w := ssdGridWeights(5)
	a := ssdConvertTwice(t, SSDMobileNetV1Small, CheckSSDMobileNetV1Small, w)
	if err := CheckSSDMobileNetV1(a); !errors.Is(err, ErrBadSSDModel) {
		t.Errorf("the 512 check passes the 256 model: %v", err)
	}
	large, err := SSDMobileNetV1(w)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckSSDMobileNetV1Small(large); !errors.Is(err, ErrBadSSDModel) {
		t.Errorf("the 256 check passes the 512 model: %v", err)
	}
	// Random anchors are no grid: nothing to derive from.
	if _, err := SSDMobileNetV1Small(ssdFakeWeights(5)); !errors.Is(err, ErrBadWeights) {
		t.Errorf("random anchors: error %v, want ErrBadWeights", err)
	}
}

// TestSSDMobileNetV1SmallFindsWhatTheLargeFinds runs both converted models
// in OpenCV 4.6 DNN on the same pixels: a 256x256 window of the demo
// photo's 512 input around its best face, as the whole 256 input and at the
// top left of a black 512 input. The best face must get the same box, in
// pixels, and about the same score from both: the derived anchors have
// their sizes and centres in the pixels the net was trained on.
func TestSSDMobileNetV1SmallFindsWhatTheLargeFinds(t *testing.T) {
	files := npmPackageFiles(t, faceAPITarball, ssdTestManifest, ssdTestBin, ssdTestPhoto)
	w := ssdRealWeights(t)
	photo, err := jpeg.Decode(bytes.NewReader(files[ssdTestPhoto]))
	if err != nil {
		t.Fatal(err)
	}
	input := ssdRefInput(photo) // NHWC, 512 a side, x/127.5 - 1
	large, err := SSDMobileNetV1(w)
	if err != nil {
		t.Fatal(err)
	}
	small, err := SSDMobileNetV1Small(w)
	if err != nil {
		t.Fatal(err)
	}
	// The best face in the whole photo picks the window: a 256 square at a
	// multiple of 64 pixels (the coarsest grid it spans) holding the face.
	whole := ssdRunOpenCV(t, large, SSDInputSize, SSDAnchorCount, func(y, x, c int) float32 { return input.at(y, x, c) })
	face := whole.best()
	x0 := min(256, max(0, int((face[0]+face[2])/2*SSDInputSize)-128)/64*64)
	y0 := min(256, max(0, int((face[1]+face[3])/2*SSDInputSize)-128)/64*64)
	window := func(y, x, c int) float32 {
		if y >= 256 || x >= 256 {
			return -1 // black
		}
		return input.at(y0+y, x0+x, c)
	}
	byLarge := ssdRunOpenCV(t, large, SSDInputSize, SSDAnchorCount, window)
	bySmall := ssdRunOpenCV(t, small, SSDSmallInputSize, SSDSmallAnchorCount, window)
	bl, bs := byLarge.best(), bySmall.best()
	t.Logf("window at (%d, %d): 512 model %.3f at %v px, 256 model %.3f at %v px", x0, y0, byLarge.score, bl.px(SSDInputSize), bySmall.score, bs.px(SSDSmallInputSize))
	if byLarge.score < 0.5 {
		t.Fatalf("the 512 model scores the window's face %.3f, want a face", byLarge.score)
	}
	if math.Abs(float64(byLarge.score-bySmall.score)) > 0.05 {
		t.Errorf("scores %.3f (512) and %.3f (256), want within 0.05", byLarge.score, bySmall.score)
	}
	a, b := bl.px(SSDInputSize), bs.px(SSDSmallInputSize)
	for i := range a {
		if math.Abs(a[i]-b[i]) > 2 {
			t.Errorf("boxes %v (512) and %v (256) pixels, want within 2 pixels", a, b)
			break
		}
	}
}
