package tracking

import (
	"image"
	"math"
	"math/rand"
	"testing"
	"time"

	"facecase/facedata"
	"facecase/internal/synth"
)

// synthDetector turns a synthetic scene's ground truth into detections the
// way a face detector and descriptor network behave: faces less than 60%
// visible are missed, a few percent of the rest are missed at random, boxes
// jitter by a few percent of their size, descriptors scatter around each
// person's centre (about 0.4 apart for one person, 0.9 for two, as with
// dlib), and false alarms appear now and then.
type synthDetector struct {
	rng     *rand.Rand
	centres map[int]facedata.Descriptor
	// descriptors can be switched off to test motion alone.
	descriptors bool
	missRate    float64
	falseRate   float64
}

func newSynthDetector(seed int64, descriptors bool) *synthDetector {
	return &synthDetector{
		rng: rand.New(rand.NewSource(seed)), centres: map[int]facedata.Descriptor{},
		descriptors: descriptors, missRate: 0.03, falseRate: 0.05,
	}
}

// randomDescriptor draws a unit-length vector near a shared mean, so two
// draws are about 0.9 apart.
func (d *synthDetector) randomDescriptor() facedata.Descriptor {
	var v facedata.Descriptor
	for i := range v {
		v[i] = float32(0.04 + 0.064*d.rng.NormFloat64())
	}
	return normalize(v)
}

func normalize(v facedata.Descriptor) facedata.Descriptor {
	n := v.Norm()
	for i := range v {
		v[i] = float32(float64(v[i]) / n)
	}
	return v
}

func (d *synthDetector) noisy(c facedata.Descriptor, sigma float64) *facedata.Descriptor {
	for i := range c {
		c[i] += float32(sigma * d.rng.NormFloat64())
	}
	c = normalize(c)
	return &c
}

func (d *synthDetector) detect(truth []synth.TruthBox, w, h int) []facedata.Face {
	var faces []facedata.Face
	for _, tb := range truth {
		if tb.Visible < 0.6 || d.rng.Float64() < d.missRate {
			continue
		}
		b := facedata.RectFromImage(tb.Box)
		s := math.Sqrt(b.Area())
		j := 0.03 * s
		b = facedata.Rect{X: b.X + j*d.rng.NormFloat64(), Y: b.Y + j*d.rng.NormFloat64(),
			W: b.W * (1 + 0.03*d.rng.NormFloat64()), H: b.H * (1 + 0.03*d.rng.NormFloat64())}
		f := facedata.Face{Box: b, Score: 0.9}
		f.Quality = facedata.Quality{Size: 0.4 * b.W, Usable: tb.Visible > 0.9}
		if d.descriptors {
			c, ok := d.centres[tb.ID]
			if !ok {
				c = d.randomDescriptor()
				d.centres[tb.ID] = c
			}
			sigma := 0.025
			if tb.Visible < 0.9 {
				sigma *= 1.5 // partly hidden faces give poorer descriptors
			}
			f.Descriptor = d.noisy(c, sigma)
		}
		faces = append(faces, f)
	}
	if d.rng.Float64() < d.falseRate {
		s := 40 + 40*d.rng.Float64()
		f := facedata.Face{Box: facedata.Rect{X: d.rng.Float64() * float64(w-80), Y: d.rng.Float64() * float64(h-80), W: s, H: s}, Score: 0.6}
		if d.descriptors {
			r := d.randomDescriptor()
			f.Descriptor = &r
		}
		faces = append(faces, f)
	}
	return faces
}

// placeholderCrops name five people; the scene's ground truth needs only
// their identities.
func placeholderCrops() []synth.Crop {
	var cs []synth.Crop
	for _, id := range []string{"amy", "bernadette", "howard", "leonard", "penny"} {
		cs = append(cs, synth.Crop{Identity: id, Image: image.NewGray(image.Rect(0, 0, 1, 1))})
	}
	return cs
}

// scenarioRun is the tracker's output over a scene with its ground truth.
type scenarioRun struct {
	frames []synth.MOTFrame
	tracks []Track // every confirmed track, ended
}

// runScenario tracks the scene with detection every `every` frames. The
// ground truth keeps faces at least half visible; the output is every
// confirmed track detected in the latest detection round, at its current
// box (predicted between detections).
func runScenario(scene synth.VideoScene, det *synthDetector, every int, cfg Config) scenarioRun {
	tr := New(cfg)
	var run scenarioRun
	for f := 0; f < scene.Frames; f++ {
		truth := scene.Truth(f)
		s := Stamp{Index: f, Time: time.Duration(float64(f) / scene.FPS * float64(time.Second))}
		if f%every == 0 {
			tr.Update(s, det.detect(truth, scene.Width, scene.Height))
		} else {
			tr.Predict(s)
		}
		var fr synth.MOTFrame
		for _, tb := range truth {
			if tb.Visible >= 0.5 {
				fr.Truth = append(fr.Truth, synth.MOTBox{ID: tb.ID, Box: facedata.RectFromImage(tb.Box)})
			}
		}
		for _, t := range tr.Active() {
			if t.Visible {
				fr.Hyp = append(fr.Hyp, synth.MOTBox{ID: t.ID, Box: t.Box})
			}
		}
		run.frames = append(run.frames, fr)
		run.tracks = append(run.tracks, tr.Ended()...)
	}
	run.tracks = append(run.tracks, tr.Finish()...)
	return run
}

func TestTrackerScenarioScores(t *testing.T) {
	scene, err := synth.TrackingScene(placeholderCrops(), 640, 480)
	if err != nil {
		t.Fatal(err)
	}
	crossings := scene.CrossingPairs()
	for _, every := range []int{1, 2, 3} {
		for seed := int64(1); seed <= 5; seed++ {
			run := runScenario(scene, newSynthDetector(seed, true), every, DefaultConfig())
			s, err := synth.IdentityScores(run.frames, 0.5)
			if err != nil {
				t.Fatal(err)
			}
			sw, err := synth.IDSwitches(run.frames, 0.5)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("every %d seed %d: IDF1 %.3f (IDTP %d IDFP %d IDFN %d), %d switches, %d tracks",
				every, seed, s.IDF1(), s.IDTP, s.IDFP, s.IDFN, sw, len(run.tracks))
			if s.IDF1() < 0.9 {
				t.Errorf("every %d seed %d: IDF1 %.3f < 0.9", every, seed, s.IDF1())
			}
			if sw > crossings {
				t.Errorf("every %d seed %d: %d identity switches for %d crossings", every, seed, sw, crossings)
			}
			if len(run.tracks) != len(scene.Actors) {
				t.Errorf("every %d seed %d: %d tracks for %d people", every, seed, len(run.tracks), len(scene.Actors))
			}
			checkHiddenActorKeepsID(t, run, every, seed)
		}
	}
}

// checkHiddenActorKeepsID: actor 3, hidden for 10 frames, is followed by
// the same output id before and after.
func checkHiddenActorKeepsID(t *testing.T, run scenarioRun, every int, seed int64) {
	t.Helper()
	ids := map[int]bool{}
	for _, fr := range run.frames {
		for _, g := range fr.Truth {
			if g.ID != 3 {
				continue
			}
			for _, h := range fr.Hyp {
				if g.Box.IoU(h.Box) >= 0.5 {
					ids[h.ID] = true
				}
			}
		}
	}
	if len(ids) != 1 {
		t.Errorf("every %d seed %d: the hidden face was followed by %d ids %v, want 1", every, seed, len(ids), ids)
	}
}

func TestTrackerScenarioMotionOnly(t *testing.T) {
	// Without descriptors (a detector-only scan) motion alone must still
	// hold identities through the occlusion; crossings may swap.
	scene, err := synth.TrackingScene(placeholderCrops(), 640, 480)
	if err != nil {
		t.Fatal(err)
	}
	for seed := int64(1); seed <= 3; seed++ {
		run := runScenario(scene, newSynthDetector(seed, false), 1, DefaultConfig())
		s, _ := synth.IdentityScores(run.frames, 0.5)
		sw, _ := synth.IDSwitches(run.frames, 0.5)
		t.Logf("seed %d: IDF1 %.3f, %d switches", seed, s.IDF1(), sw)
		if s.IDF1() < 0.8 {
			t.Errorf("seed %d: motion-only IDF1 %.3f < 0.8", seed, s.IDF1())
		}
		checkHiddenActorKeepsID(t, run, 1, seed)
	}
}
