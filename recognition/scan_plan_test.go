package recognition

import (
	"image"
	"testing"
)

func TestPlanScanSmallFrameIsOnePass(t *testing.T) {
	levels := planScan(640, 480, 512, 16, 20)
	if len(levels) != 1 || levels[0].Tiled() {
		t.Fatalf("a 640x480 frame should be one untiled pass, got %+v", levels)
	}
}

func TestPlanScanCoversEveryFaceSize(t *testing.T) {
	for _, c := range []struct{ w, h, input int }{
		{1920, 1280, 512}, {4000, 3000, 512}, {1920, 1080, 256}, {8000, 600, 256},
	} {
		const minDet, minFace = 16.0, 20.0
		levels := planScan(c.w, c.h, c.input, minDet, minFace)
		last := levels[len(levels)-1]
		if got := minDet / last.Scale; got > minFace+1e-9 {
			t.Errorf("%dx%d: finest level finds faces from %.1f px, want <= %v", c.w, c.h, got, minFace)
		}
		for i := 1; i < len(levels); i++ {
			// Largest face whole in a tile at level i must reach the
			// smallest face level i-1 finds.
			upper := float64(c.input) / 4 / levels[i].Scale
			lower := minDet / levels[i-1].Scale
			if upper < lower-1e-9 {
				t.Errorf("%dx%d: gap between level %d (up to %.1f px) and %d (from %.1f px)", c.w, c.h, i, upper, i-1, lower)
			}
			checkTiles(t, c.w, c.h, levels[i], float64(c.input)/4/levels[i].Scale)
		}
	}
}

// checkTiles asserts the tiles cover the frame and neighbours overlap enough.
func checkTiles(t *testing.T, w, h int, l scanLevel, overlap float64) {
	t.Helper()
	for y := 0; y < h; y += 8 {
		for x := 0; x < w; x += 8 {
			in := false
			for _, r := range l.Tiles {
				if image.Pt(x, y).In(r) {
					in = true
					break
				}
			}
			if !in {
				t.Fatalf("%dx%d scale %.2f: pixel %d,%d in no tile", w, h, l.Scale, x, y)
			}
		}
	}
	prevEnd := -1
	for _, r := range l.Tiles {
		if r.Min.Y != l.Tiles[0].Min.Y {
			break
		}
		if prevEnd >= 0 && float64(prevEnd-r.Min.X) < overlap-1 {
			t.Errorf("scale %.2f: tiles overlap by %d px, want >= %.0f", l.Scale, prevEnd-r.Min.X, overlap)
		}
		prevEnd = r.Max.X
	}
}
