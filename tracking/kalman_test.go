package tracking

import (
	"math"
	"math/rand"
	"testing"

	"facecase/facedata"
)

func TestKalmanLearnsConstantVelocity(t *testing.T) {
	// A face moving 4 px/frame right and 1 px/frame down, measured with
	// noise: after 20 frames the filter predicts 10 frames ahead within a
	// few pixels.
	rng := rand.New(rand.NewSource(3))
	truth := func(f int) facedata.Rect {
		return facedata.Rect{X: 100 + 4*float64(f), Y: 50 + float64(f), W: 60, H: 60}
	}
	kf := newBoxFilter(truth(0))
	for f := 1; f <= 20; f++ {
		kf.predict(1)
		b := truth(f)
		b.X += rng.NormFloat64() * 2
		b.Y += rng.NormFloat64() * 2
		kf.update(b)
	}
	// The centre's speed in pixels per frame.
	if v := (facedata.Point{X: kf.cx.vel, Y: kf.cy.vel}); math.Abs(v.X-4) > 0.5 || math.Abs(v.Y-1) > 0.5 {
		t.Fatalf("velocity %+v, want about (4, 1)", v)
	}
	kf.predict(10)
	got, want := kf.box().Center(), truth(30).Center()
	if d := math.Hypot(got.X-want.X, got.Y-want.Y); d > 8 {
		t.Fatalf("prediction 10 frames ahead is %.1f px off (%+v vs %+v)", d, got, want)
	}
}

func TestKalmanUncertaintyGrowsWithoutMeasurements(t *testing.T) {
	kf := newBoxFilter(facedata.Rect{X: 0, Y: 0, W: 50, H: 50})
	for i := 0; i < 10; i++ {
		kf.predict(1)
		kf.update(facedata.Rect{X: float64(i), Y: 0, W: 50, H: 50})
	}
	before := kf.posStd()
	kf.predict(10)
	if after := kf.posStd(); after <= before {
		t.Fatalf("uncertainty %.2f after 10 predicted frames, %.2f before", after, before)
	}
}

func TestKalmanSkippedFramesEqualSingleSteps(t *testing.T) {
	// Predicting dt=3 at once equals three steps of 1 (detection every 3rd frame).
	a := newBoxFilter(facedata.Rect{X: 10, Y: 10, W: 40, H: 40})
	b := a
	a.update(facedata.Rect{X: 14, Y: 11, W: 40, H: 40})
	b.update(facedata.Rect{X: 14, Y: 11, W: 40, H: 40})
	a.predict(3)
	b.predict(1)
	b.predict(1)
	b.predict(1)
	if math.Abs(a.cx.pos-b.cx.pos) > 1e-9 || math.Abs(a.cx.p00-b.cx.p00) > 1e-6 {
		t.Fatalf("dt=3: pos %.4f var %.4f; 3×dt=1: pos %.4f var %.4f", a.cx.pos, a.cx.p00, b.cx.pos, b.cx.p00)
	}
}

func TestKalmanSizeDoesNotExtrapolate(t *testing.T) {
	// A face slides behind another: its box shrinks for a few frames, then
	// it is gone. The predicted size must not keep shrinking while it is
	// hidden, or the face would not be recognised when it comes out.
	kf := newBoxFilter(facedata.Rect{X: 100, Y: 100, W: 60, H: 60})
	for i, w := range []float64{60, 60, 60, 57, 53, 49, 45} {
		kf.predict(1)
		kf.update(facedata.Rect{X: 100 + 5*float64(i), Y: 100, W: w, H: w})
	}
	kf.predict(10)
	if b := kf.box(); b.W < 40 || b.W > 60 {
		t.Fatalf("width after 10 hidden frames: %.1f, want the last measured size (40-60)", b.W)
	}
}
