package tracking

import (
	"math/rand"
	"testing"
	"time"

	"facecase/facedata"
)

// walker is a synthetic pedestrian: a box moving at constant speed, in
// clothes of one colour bin (upper) and another (lower).
type walker struct {
	x0, y0, vx, vy float64 // foot point at frame 0, pixels per frame
	height         float64
	upper, lower   int
	hidden         func(frame int) bool // occluded (not detected)
}

func (w walker) box(f int) facedata.Rect {
	fx, fy := w.x0+w.vx*float64(f), w.y0+w.vy*float64(f)
	return facedata.Rect{X: fx - 0.2*w.height, Y: fy - w.height, W: 0.4 * w.height, H: w.height}
}

// clothes is a histogram concentrated on one bin per part, with a little
// spread, as a real coat's pixels are.
func clothes(upper, lower int, rng *rand.Rand) *facedata.ClothesColour {
	c := &facedata.ClothesColour{}
	fill := func(h *[facedata.ColourBins]float32, bin int) {
		var sum float32
		for i := range h {
			h[i] = 0.02 * rng.Float32()
			if i == bin {
				h[i] += 0.8
			}
			sum += h[i]
		}
		for i := range h {
			h[i] /= sum
		}
	}
	fill(&c.Upper, upper)
	fill(&c.Lower, lower)
	return c
}

// detectWalkers is a detector's view of walkers in frame f: boxes with a
// few percent of jitter, clothes measured with noise.
func detectWalkers(ws []walker, f int, rng *rand.Rand) []facedata.Person {
	var out []facedata.Person
	for _, w := range ws {
		if w.hidden != nil && w.hidden(f) {
			continue
		}
		b := w.box(f)
		j := 0.02 * b.H
		b = facedata.Rect{X: b.X + j*rng.NormFloat64(), Y: b.Y + j*rng.NormFloat64(), W: b.W * (1 + 0.02*rng.NormFloat64()), H: b.H * (1 + 0.02*rng.NormFloat64())}
		out = append(out, facedata.Person{Box: b, Score: 0.8, Clothes: clothes(w.upper, w.lower, rng)})
	}
	return out
}

// runWalkers tracks walkers over frames at fps, detecting every frame, and
// returns the track key of each walker in each frame it was detected in.
func runWalkers(t *testing.T, ws []walker, frames int, fps float64, cfg PersonConfig) (*PersonTracker, []map[int]int) {
	t.Helper()
	rng := rand.New(rand.NewSource(7))
	tr := NewPersonTracker(cfg)
	var keys []map[int]int
	for f := 0; f < frames; f++ {
		s := Stamp{Index: f, Time: time.Duration(float64(f) / fps * float64(time.Second))}
		var people []facedata.Person
		var who []int
		for i, w := range ws {
			if w.hidden != nil && w.hidden(f) {
				continue
			}
			people = append(people, detectWalkers(ws[i:i+1], f, rng)...)
			who = append(who, i)
		}
		as := tr.Update(s, people)
		m := map[int]int{}
		for k, a := range as {
			m[who[k]] = a.Key
		}
		keys = append(keys, m)
	}
	return tr, keys
}

// distinctKeys returns how many different tracks carried walker i.
func distinctKeys(keys []map[int]int, i int) int {
	seen := map[int]bool{}
	for _, m := range keys {
		if k, ok := m[i]; ok {
			seen[k] = true
		}
	}
	return len(seen)
}

func TestPersonTrackerKeepsIdentityThroughCrossing(t *testing.T) {
	// Two people of different clothes walk towards each other on the same
	// line and pass, their boxes overlapping for several frames.
	ws := []walker{
		{x0: 100, y0: 400, vx: 6, height: 150, upper: 2, lower: 25},
		{x0: 700, y0: 405, vx: -6, height: 150, upper: 14, lower: 27},
	}
	_, keys := runWalkers(t, ws, 100, 25, PersonConfig{})
	for i := range ws {
		if n := distinctKeys(keys, i); n != 1 {
			t.Errorf("walker %d was carried by %d tracks, want 1", i, n)
		}
	}
}

func TestPersonTrackerBridgesOcclusionByTime(t *testing.T) {
	// Someone walks behind a van for 1.2 s and comes out where the motion
	// predicts; someone else walks steadily on. At 10 and at 30 frames per
	// second the hidden walker keeps one identity; hidden for 3 s (longer
	// than MaxMissTime), they come back as a new track.
	for _, c := range []struct {
		fps    float64
		hidden time.Duration
		tracks int
	}{{10, 1200 * time.Millisecond, 1}, {30, 1200 * time.Millisecond, 1}, {10, 3 * time.Second, 2}} {
		from := int(1.0 * c.fps)
		to := from + int(c.hidden.Seconds()*c.fps)
		speed := 60 / c.fps // 60 px per second
		ws := []walker{
			{x0: 50, y0: 300, vx: speed, height: 120, upper: 5, lower: 24,
				hidden: func(f int) bool { return f >= from && f < to }},
			{x0: 600, y0: 500, vx: -speed / 2, height: 160, upper: 17, lower: 26},
		}
		_, keys := runWalkers(t, ws, to+int(1.5*c.fps), c.fps, PersonConfig{})
		if n := distinctKeys(keys, 0); n != c.tracks {
			t.Errorf("%v fps, hidden %v: walker carried by %d tracks, want %d", c.fps, c.hidden, n, c.tracks)
		}
		if n := distinctKeys(keys, 1); n != 1 {
			t.Errorf("%v fps: steady walker carried by %d tracks", c.fps, n)
		}
	}
}

func TestPersonTrackerReidentifiesBeyondMotionGate(t *testing.T) {
	// Hidden for a second, the walker comes out 60 px further than the
	// constant speed predicts (they sped up behind the van): too far for
	// motion alone with a tight gate, close enough in clothes.
	hidden := func(f int) bool { return f >= 10 && f < 20 }
	ws := []walker{{x0: 100, y0: 300, vx: 3, height: 100, upper: 9, lower: 28, hidden: hidden}}
	jump := walker{x0: 160, y0: 300, vx: 3, height: 100, upper: 9, lower: 28}
	rng := rand.New(rand.NewSource(3))
	tr := NewPersonTracker(PersonConfig{MaxCentreDistance: 0.3})
	keys := map[int]bool{}
	for f := 0; f < 35; f++ {
		s := Stamp{Index: f, Time: time.Duration(f) * 100 * time.Millisecond}
		var people []facedata.Person
		switch {
		case f < 10:
			people = detectWalkers(ws, f, rng)
		case f >= 20:
			people = detectWalkers([]walker{jump}, f, rng)
		}
		for _, a := range tr.Update(s, people) {
			keys[a.Key] = true
		}
	}
	if len(keys) != 1 {
		t.Fatalf("walker carried by %d tracks, want 1", len(keys))
	}
}

func TestPersonTrackerConfirmsAndDropsFalseAlarms(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	tr := NewPersonTracker(PersonConfig{})
	ws := []walker{{x0: 100, y0: 300, vx: 2, height: 100, upper: 1, lower: 25}}
	for f := 0; f < 10; f++ {
		people := detectWalkers(ws, f, rng)
		if f == 4 { // a one-frame false alarm
			people = append(people, facedata.Person{Box: facedata.Rect{X: 500, Y: 100, W: 30, H: 80}, Score: 0.5})
		}
		as := tr.Update(Stamp{Index: f, Time: time.Duration(f) * 40 * time.Millisecond}, people)
		if f < 2 && as[0].ID != 0 {
			t.Fatalf("frame %d: confirmed after %d detections, want %d", f, f+1, tr.Config().MinHits)
		}
	}
	if act := tr.Active(); len(act) != 1 || act[0].ID != 1 {
		t.Fatalf("active tracks %v, want just id 1", act)
	}
	done := tr.Finish()
	if len(done) != 1 || done[0].Detections != 10 || len(done[0].Path) != 10 {
		t.Fatalf("finished %+v, want one track of 10 detections and 10 path points", done)
	}
}

func TestPersonTrackerFollowsACrowdWithoutCap(t *testing.T) {
	// 150 people in a grid, all walking right: every one gets a track.
	var ws []walker
	for i := 0; i < 150; i++ {
		ws = append(ws, walker{x0: float64(40 + 60*(i%15)), y0: float64(150 + 90*(i/15)), vx: 1, height: 70, upper: i % 24, lower: 24 + i%6})
	}
	tr, keys := runWalkers(t, ws, 8, 25, PersonConfig{})
	if n := len(tr.Active()); n != 150 {
		t.Fatalf("%d active tracks, want 150", n)
	}
	for i := range ws {
		if n := distinctKeys(keys, i); n != 1 {
			t.Fatalf("walker %d carried by %d tracks", i, n)
		}
	}
}

func TestPersonPathInterpolatesBetweenDetections(t *testing.T) {
	tr := NewPersonTracker(PersonConfig{MinHits: 1})
	a := facedata.Rect{X: 0, Y: 0, W: 40, H: 100}
	b := facedata.Rect{X: 30, Y: 0, W: 40, H: 100}
	tr.Update(Stamp{Index: 0}, []facedata.Person{{Box: a, Score: 0.9}})
	tr.Predict(Stamp{Index: 1, Time: 40 * time.Millisecond})
	tr.Predict(Stamp{Index: 2, Time: 80 * time.Millisecond})
	tr.Update(Stamp{Index: 3, Time: 120 * time.Millisecond}, []facedata.Person{{Box: b, Score: 0.9}})
	p := tr.Finish()[0]
	if len(p.Path) != 4 || p.Path[1].Detected || !p.Path[3].Detected {
		t.Fatalf("path %+v: want 4 points, detected at 0 and 3", p.Path)
	}
	if got := p.Path[2].Box.Foot(); got.X != 40 || got.Y != 100 {
		t.Fatalf("foot point at frame 2 is %+v, want (40, 100)", got)
	}
	if l := p.PathLength(); l != 30 {
		t.Fatalf("path length %v, want 30", l)
	}
}

func TestWeakDetectionsOnlyContinueConfirmedTracks(t *testing.T) {
	tr := NewPersonTracker(PersonConfig{})
	box := func(x float64) facedata.Rect { return facedata.Rect{X: x, Y: 100, W: 40, H: 100} }
	stamp := func(f int) Stamp { return Stamp{Index: f, Time: time.Duration(f) * 100 * time.Millisecond} }
	for f := 0; f < 4; f++ {
		tr.Update(stamp(f), []facedata.Person{{Box: box(float64(100 + 4*f)), Score: 0.9}})
	}
	// Half hidden now: the detector is unsure; a weak box elsewhere is a
	// false alarm.
	as := tr.Update(stamp(4), []facedata.Person{{Box: box(116), Score: 0.35}, {Box: box(400), Score: 0.35}})
	if as[0].ID != 1 || as[1].Key != 0 {
		t.Fatalf("assignments %+v: the weak box on the track should continue it, the other start nothing", as)
	}
	for f := 5; f < 10; f++ {
		tr.Update(stamp(f), []facedata.Person{{Box: box(400), Score: 0.35}})
	}
	if act := tr.Active(); len(act) != 1 || act[0].ID != 1 {
		t.Fatalf("active %+v: weak boxes must never make a track", act)
	}
}
