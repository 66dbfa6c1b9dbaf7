package recognition

import (
	"context"
	"image"
	"runtime"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
)

func TestPlanPassesNeedsNoneWhenCoarseSuffices(t *testing.T) {
	if p := planPasses(640, 480, 28, 224, 60, 55); len(p) != 0 {
		t.Fatalf("coarse pass finds 55 px and up, asked for 60: got %d fine passes", len(p))
	}
}

func TestPlanPassesWholeFrameWhenTheAreaFits(t *testing.T) {
	// 1080p video with faces from 40 px: 1344x756 detector pixels, less
	// than one 1024x1024 pass, so no tiles (two would cost 50% more).
	p := planPasses(1920, 1080, 28, 224, 40, 1e9)
	if len(p) == 0 || len(p[0].Chunks) != 1 || p[0].Chunks[0] != image.Rect(0, 0, 1920, 1080) {
		t.Fatalf("1920x1080 at 40 px: %+v, want the whole frame in one chunk", p)
	}
	// A 1920x1280 photo with faces from 20 px is 2688x1792: tiled.
	if p := planPasses(1920, 1280, 28, 224, 20, 165); len(p[0].Chunks) < 2 {
		t.Fatalf("1920x1280 at 20 px: %d chunks, want tiles", len(p[0].Chunks))
	}
}

func TestPlanPassesCoverEveryFaceSize(t *testing.T) {
	for _, c := range []struct {
		w, h      int
		coarseMin float64
	}{
		{1920, 1280, 165}, {4000, 3000, 344}, {1280, 720, 110}, {8000, 600, 690},
	} {
		passes := planPasses(c.w, c.h, 28, 224, 20, c.coarseMin)
		if len(passes) == 0 || passes[0].Sizes[0] != 20 {
			t.Fatalf("%dx%d: first pass %+v does not start at 20 px", c.w, c.h, passes)
		}
		for i := 1; i < len(passes); i++ {
			if passes[i].Sizes[0] > passes[i-1].Sizes[1] {
				t.Errorf("%dx%d: gap between %v and %v", c.w, c.h, passes[i-1].Sizes, passes[i].Sizes)
			}
		}
		if last := passes[len(passes)-1]; last.Sizes[1] < c.coarseMin {
			t.Errorf("%dx%d: passes end at %.0f px, coarse starts at %.0f", c.w, c.h, last.Sizes[1], c.coarseMin)
		}
		for _, p := range passes {
			checkChunks(t, c.w, c.h, p, (maxChunkSide+2)*(maxChunkSide+2))
		}
	}
}

// checkChunks asserts the chunks cover the frame, overlap by the pass's
// largest face, and stay within the forward-pass size.
func checkChunks(t *testing.T, w, h int, p scanPass, maxArea float64) {
	t.Helper()
	for y := 0; y < h; y += 7 {
		for x := 0; x < w; x += 7 {
			in := false
			for _, r := range p.Chunks {
				if image.Pt(x, y).In(r) {
					in = true
					break
				}
			}
			if !in {
				t.Fatalf("%dx%d scale %.2f: pixel %d,%d in no chunk", w, h, p.Scale, x, y)
			}
		}
	}
	for i, r := range p.Chunks {
		if area := float64(r.Dx()) * float64(r.Dy()) * p.Scale * p.Scale; area > maxArea {
			t.Errorf("chunk %d is %.0f detector pixels, more than %.0f", i, area, maxArea)
		}
		if i+1 < len(p.Chunks) && p.Chunks[i+1].Min.Y == r.Min.Y { // right-hand neighbour
			if ov := float64(r.Max.X - p.Chunks[i+1].Min.X); ov < p.Sizes[1]-1 {
				t.Errorf("scale %.2f: chunks overlap by %.0f px, want >= %.0f", p.Scale, ov, p.Sizes[1])
			}
		}
	}
}

func TestPlanOctavesCoverEveryFaceSize(t *testing.T) {
	for _, c := range []struct {
		w, h      int
		coarseMin float64
	}{
		{1920, 1280, 96}, {4000, 3000, 200}, {1280, 720, 64}, {8000, 600, 400}, {150, 150, 16},
	} {
		passes := planOctaves(c.w, c.h, 20, 48, 20, c.coarseMin, 2, 64)
		if c.coarseMin <= 20 {
			if len(passes) != 0 {
				t.Errorf("%dx%d: %d levels where the coarse pass suffices", c.w, c.h, len(passes))
			}
			continue
		}
		if len(passes) == 0 || passes[0].Sizes[0] != 20 {
			t.Fatalf("%dx%d: first level %+v does not start at 20 px", c.w, c.h, passes)
		}
		for i := 1; i < len(passes); i++ {
			if passes[i].Scale != passes[i-1].Scale/2 {
				t.Errorf("%dx%d: level %d at scale %v after %v, want an octave", c.w, c.h, i, passes[i].Scale, passes[i-1].Scale)
			}
			if passes[i].Sizes[0] > passes[i-1].Sizes[1] {
				t.Errorf("%dx%d: gap between %v and %v", c.w, c.h, passes[i-1].Sizes, passes[i].Sizes)
			}
		}
		if last := passes[len(passes)-1]; last.Sizes[1] < c.coarseMin {
			t.Errorf("%dx%d: levels end at %.0f px, coarse starts at %.0f", c.w, c.h, last.Sizes[1], c.coarseMin)
		}
		for _, p := range passes {
			checkChunks(t, c.w, c.h, p, octaveMaxRunArea)
		}
	}
	// The first level of a 1920x1280 photo at 20 px (full resolution) is
	// shared by the workers in strips on the 64-pixel grid, three of them
	// to keep each run within octaveMaxRunArea; the small last ones are
	// not cut.
	p := planOctaves(1920, 1280, 20, 48, 20, 96, 2, 64)
	if len(p[0].Chunks) != 3 || len(p[len(p)-1].Chunks) != 1 {
		t.Errorf("strips per level: first %d, last %d; want 3 and 1", len(p[0].Chunks), len(p[len(p)-1].Chunks))
	}
	for _, c := range p[0].Chunks {
		if c.Min.X%64 != 0 {
			t.Errorf("strip %v does not start on the grid", c)
		}
	}
}

// TestPlanOctavesTilesLargePhotos: a 12000x9000 photo's levels too large
// for strips are cut into tiles of at most about octaveMaxRunArea
// detector pixels (memory) that cover the frame and overlap by the level's
// largest face, and its strips are held to the same bound (the middle
// levels' strips of up to 1.6 MP were its memory peak).
func TestPlanOctavesTilesLargePhotos(t *testing.T) {
	const w, h = 12000, 9000
	tiled := 0
	for _, p := range planOctaves(w, h, 20, 48, 20, 750, 2, 64) {
		checkChunks(t, w, h, p, octaveMaxRunArea)
		if len(p.Chunks) > 8 {
			tiled++
		}
	}
	if tiled < 2 {
		t.Errorf("%d levels tiled, want the two finest at least", tiled)
	}
}

// octaveStub is a scalingDetector with UltraFace's window (faces of 20 to
// 48 detector pixels) and 320-pixel coarse input; it never runs.
type octaveStub struct{ fixedDetector }

func (octaveStub) DetectScaled(context.Context, gocv.Mat, float64) ([]facedata.Detection, error) {
	return nil, nil
}
func (octaveStub) MinFaceInput() float64 { return 20 }
func (octaveStub) MaxFaceInput() float64 { return 48 }
func (octaveStub) InputSize() int        { return 320 }

// TestOctavePlanSplitsLevelsOnlyForIdleCores: a 1280x960 photo scanned
// alone has its two finest levels cut into strips for the two cores; with
// as many scans in flight as cores, a level is cut only as far as
// octaveMaxRunArea needs (the strips' overlap would be work done twice):
// the full-resolution level (1.2 MP) in two strips, the next in one.
func TestOctavePlanSplitsLevelsOnlyForIdleCores(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS >= 2 to have strips to compare")
	}
	stub := &octaveStub{}
	s := faceScanner{coarse: stub, fine: stub, minFace: 20, octaves: true}
	chunks := func() []int {
		var n []int
		for _, p := range s.plan(1280, 960) {
			n = append(n, len(p.Chunks))
		}
		return n
	}
	alone := chunks()
	scansInFlight.Add(int32(runtime.GOMAXPROCS(0)))
	busy := chunks()
	scansInFlight.Add(-int32(runtime.GOMAXPROCS(0)))
	if len(alone) != 2 || alone[0] < 2 || alone[1] < 2 {
		t.Errorf("alone: chunks per level %v, want two levels cut in strips", alone)
	}
	if len(busy) != len(alone) || busy[0] != 2 || busy[1] != 1 {
		t.Errorf("every core busy: chunks per level %v, want [2 1] (the finest level over octaveMaxRunArea)", busy)
	}
}
