package tracking

import (
	"math/rand"
	"testing"
	"time"

	"facecase/facedata"
)

func stamp(i int) Stamp { return Stamp{Index: i, Time: time.Duration(i) * 40 * time.Millisecond} }

func faceAt(x, y, size float64) facedata.Face {
	return facedata.Face{Box: facedata.Rect{X: x, Y: y, W: size, H: size}, Score: 0.9}
}

func withDescriptor(f facedata.Face, d facedata.Descriptor) facedata.Face {
	f.Descriptor = &d
	return f
}

func TestTrackerConfirmsAfterMinHits(t *testing.T) {
	tr := New(Config{MinHits: 3})
	for i := 0; i < 3; i++ {
		as := tr.Update(stamp(i), []facedata.Face{faceAt(100+2*float64(i), 100, 60)})
		want := 0
		if i == 2 {
			want = 1
		}
		if as[0].ID != want || as[0].Key != 1 {
			t.Fatalf("frame %d: %+v, want id %d key 1", i, as[0], want)
		}
		if id, alive := tr.IDOf(1); id != want || !alive {
			t.Fatalf("frame %d: IDOf = %d, %v", i, id, alive)
		}
	}
	act := tr.Active()
	if len(act) != 1 || act[0].ID != 1 || act[0].Color != Color(1) || !act[0].Visible {
		t.Fatalf("active %+v", act)
	}
	if len(act[0].Path) != 3 || act[0].First.Index != 0 || act[0].Last.Index != 2 {
		t.Fatalf("path %d points from %d to %d", len(act[0].Path), act[0].First.Index, act[0].Last.Index)
	}
}

func TestTrackerDropsFalseAlarms(t *testing.T) {
	// A detection seen once, then never again, is never reported.
	tr := New(DefaultConfig())
	key := tr.Update(stamp(0), []facedata.Face{faceAt(10, 10, 40)})[0].Key
	for i := 1; i < 5; i++ {
		tr.Update(stamp(i), nil)
	}
	if id, alive := tr.IDOf(key); id != 0 || alive {
		t.Fatalf("IDOf dropped track = %d, %v", id, alive)
	}
	if a := tr.Active(); len(a) != 0 {
		t.Fatalf("active: %+v", a)
	}
	if f := tr.Finish(); len(f) != 0 {
		t.Fatalf("finished: %+v", f)
	}
}

func TestTrackerEndsAfterMaxMissFrames(t *testing.T) {
	cfg := Config{MaxMissFrames: 10}
	tr := New(cfg)
	for i := 0; i < 10; i++ {
		tr.Update(stamp(i), []facedata.Face{faceAt(100+3*float64(i), 200, 60)})
	}
	endedAt := -1
	for i := 10; i < 40 && endedAt < 0; i++ {
		tr.Update(stamp(i), nil)
		if e := tr.Ended(); len(e) > 0 {
			endedAt = i
			if e[0].Last.Index != 9 || len(e[0].Path) != 10 || e[0].Detections != 10 || e[0].Visible {
				t.Fatalf("ended track: last %d, %d path points, %d detections, visible %v", e[0].Last.Index, len(e[0].Path), e[0].Detections, e[0].Visible)
			}
			if id, alive := tr.IDOf(1); id != 1 || alive {
				t.Fatalf("IDOf ended track = %d, %v", id, alive)
			}
		}
	}
	if endedAt != 9+cfg.MaxMissFrames+1 {
		t.Fatalf("track ended at frame %d, want %d", endedAt, 9+cfg.MaxMissFrames+1)
	}
}

func TestTrackerPathCoversSkippedFrames(t *testing.T) {
	// Detection every 3rd frame: the path still has a point per frame,
	// interpolated between detections.
	tr := New(DefaultConfig())
	for i := 0; i <= 12; i++ {
		if i%3 == 0 {
			tr.Update(stamp(i), []facedata.Face{faceAt(100+float64(5*i), 50, 60)})
		} else {
			tr.Predict(stamp(i))
		}
	}
	got := tr.Finish()
	if len(got) != 1 {
		t.Fatalf("%d tracks", len(got))
	}
	p := got[0].Path
	if len(p) != 13 {
		t.Fatalf("%d path points, want 13", len(p))
	}
	for i, pt := range p {
		if pt.Frame != i || pt.Detected != (i%3 == 0) {
			t.Fatalf("point %d: %+v", i, pt)
		}
		if want := 100 + float64(5*i); pt.Box.X < want-0.01 || pt.Box.X > want+0.01 {
			t.Fatalf("point %d at x=%.2f, want %.2f", i, pt.Box.X, want)
		}
		if pt.Time != stamp(i).Time {
			t.Fatalf("point %d time %v, want %v", i, pt.Time, stamp(i).Time)
		}
	}
}

func TestTrackerPredictsBetweenDetections(t *testing.T) {
	// The box moves on frames without detection (used for drawing).
	tr := New(DefaultConfig())
	for i := 0; i < 10; i++ {
		tr.Update(stamp(i), []facedata.Face{faceAt(100+float64(4*i), 50, 60)})
	}
	tr.Predict(stamp(12))
	b := tr.Active()[0].Box
	if b.X < 100+4*12-4 || b.X > 100+4*12+4 {
		t.Fatalf("predicted x %.1f, want about %d", b.X, 100+4*12)
	}
}

func TestTrackerKeepsBestFace(t *testing.T) {
	tr := New(DefaultConfig())
	big := faceAt(100, 100, 90)
	big.Quality = facedata.Quality{Size: 36, Usable: false, Reasons: []facedata.Reason{facedata.ReasonBlurred}}
	usable := faceAt(101, 100, 80)
	usable.Quality = facedata.Quality{Size: 30, Usable: true}
	smaller := faceAt(102, 100, 70)
	smaller.Quality = facedata.Quality{Size: 25, Usable: true}
	for i, f := range []facedata.Face{big, usable, smaller, big} {
		tr.Update(stamp(i), []facedata.Face{f})
	}
	got := tr.Finish()[0]
	if !got.Best.Quality.Usable || got.Best.Quality.Size != 30 || got.BestAt.Index != 1 {
		t.Fatalf("best face %+v at frame %d, want the usable one of size 30 at frame 1", got.Best.Quality, got.BestAt.Index)
	}
}

func TestTrackerCrossingWithDescriptors(t *testing.T) {
	// Two faces walk towards each other on the same line and pass; at the
	// crossing only the front one is detected. Descriptors keep them apart.
	rng := rand.New(rand.NewSource(5))
	det := &synthDetector{rng: rng}
	a, b := det.randomDescriptor(), det.randomDescriptor()
	tr := New(DefaultConfig())
	var idA, idB []int
	for i := 0; i < 60; i++ {
		xa, xb := 50+float64(8*i), 530-float64(8*i)
		fa := withDescriptor(faceAt(xa, 100, 60), *det.noisy(a, 0.025))
		fb := withDescriptor(faceAt(xb, 102, 60), *det.noisy(b, 0.025))
		faces := []facedata.Face{fa, fb}
		if d := xa - xb; d > -40 && d < 40 {
			faces = faces[1:] // a is behind b
		}
		as := tr.Update(stamp(i), faces)
		if len(faces) == 2 && as[0].ID != 0 {
			idA = append(idA, as[0].ID)
			idB = append(idB, as[1].ID)
		}
	}
	for _, ids := range [][]int{idA, idB} {
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("identity changed: %v", ids)
			}
		}
	}
	if idA[0] == idB[0] {
		t.Fatal("both faces got the same id")
	}
}

func TestTrackerReidentifiesAfterJump(t *testing.T) {
	// A face lost for a few frames reappears beyond the motion gate (the
	// camera panned): the same descriptor continues its track; a stranger
	// there starts a new one.
	det := &synthDetector{rng: rand.New(rand.NewSource(9))}
	who := det.randomDescriptor()
	stranger := det.randomDescriptor()
	for _, c := range []struct {
		name   string
		d      facedata.Descriptor
		sameID bool
	}{{"same person", who, true}, {"stranger", stranger, false}} {
		tr := New(DefaultConfig())
		for i := 0; i < 5; i++ {
			tr.Update(stamp(i), []facedata.Face{withDescriptor(faceAt(100, 100, 60), *det.noisy(who, 0.02))})
		}
		tr.Update(stamp(5), nil)
		tr.Update(stamp(6), nil)
		var id int
		for i := 7; i < 10; i++ {
			id = tr.Update(stamp(i), []facedata.Face{withDescriptor(faceAt(300, 100, 60), *det.noisy(c.d, 0.02))})[0].ID
		}
		if (id == 1) != c.sameID {
			t.Errorf("%s: id after the jump is %d", c.name, id)
		}
	}
}

func TestTrackerSnapshotsDoNotChange(t *testing.T) {
	tr := New(DefaultConfig())
	for i := 0; i < 5; i++ {
		tr.Update(stamp(i), []facedata.Face{faceAt(10+float64(i), 10, 50)})
	}
	snap := tr.Active()[0]
	before := append([]PathPoint(nil), snap.Path...)
	for i := 5; i < 50; i++ {
		tr.Update(stamp(i), []facedata.Face{faceAt(10+float64(i), 10, 50)})
	}
	if len(snap.Path) != len(before) {
		t.Fatalf("snapshot path grew from %d to %d", len(before), len(snap.Path))
	}
	for i := range before {
		if snap.Path[i] != before[i] {
			t.Fatalf("snapshot point %d changed", i)
		}
	}
}

func TestTrackerCutEndsEverything(t *testing.T) {
	tr := New(DefaultConfig())
	for i := 0; i < 5; i++ {
		tr.Update(stamp(i), []facedata.Face{faceAt(100, 100, 60), faceAt(300, 100, 60)})
	}
	tr.Update(stamp(5), []facedata.Face{faceAt(100, 100, 60), faceAt(300, 100, 60), faceAt(500, 100, 60)})
	tr.Cut()
	if a := tr.Active(); len(a) != 0 {
		t.Fatalf("active after a cut: %d", len(a))
	}
	if e := tr.Ended(); len(e) != 2 || e[0].Visible || e[1].Visible {
		t.Fatalf("ended after a cut: %+v", e)
	}
	// The same place after the cut is a new person.
	as := tr.Update(stamp(6), []facedata.Face{faceAt(100, 100, 60)})
	if as[0].ID != 0 || as[0].Key <= 3 {
		t.Fatalf("after the cut: %+v", as[0])
	}
}
