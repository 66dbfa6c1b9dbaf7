package tracking

import (
	"math"

	"facecase/facedata"
)

// kalman1D is a constant-velocity Kalman filter for one coordinate: state
// position and velocity (per frame), measurements of position only. The
// process noise is white acceleration, integrated exactly over dt frames.
type kalman1D struct {
	pos, vel       float64
	p00, p01, p11  float64 // state covariance (symmetric)
	accelVar, mVar float64 // process (per frame²) and measurement variances
}

func newKalman1D(pos, posVar, velVar, accelVar, measVar float64) kalman1D {
	return kalman1D{pos: pos, p00: posVar, p11: velVar, accelVar: accelVar, mVar: measVar}
}

// predict advances the state by dt frames.
func (k *kalman1D) predict(dt float64) {
	if dt <= 0 {
		return
	}
	k.pos += k.vel * dt
	// P = F P Fᵀ + Q with F = [[1 dt] [0 1]] and Q = a·[[dt³/3 dt²/2] [dt²/2 dt]].
	p00 := k.p00 + 2*dt*k.p01 + dt*dt*k.p11
	p01 := k.p01 + dt*k.p11
	q := k.accelVar
	k.p00 = p00 + q*dt*dt*dt/3
	k.p01 = p01 + q*dt*dt/2
	k.p11 += q * dt
}

// update corrects the state with a measured position.
func (k *kalman1D) update(z float64) {
	s := k.p00 + k.mVar
	k0, k1 := k.p00/s, k.p01/s
	y := z - k.pos
	k.pos += k0 * y
	k.vel += k1 * y
	p00 := (1 - k0) * k.p00
	p01 := (1 - k0) * k.p01
	p11 := k.p11 - k1*k.p01
	k.p00, k.p01, k.p11 = p00, p01, p11
}

// posStd is the standard deviation of the position estimate.
func (k *kalman1D) posStd() float64 { return math.Sqrt(math.Max(k.p00, 0)) }

// level1D is a random-walk Kalman filter: the value drifts but has no
// velocity. Face sizes are filtered this way: extrapolating a size trend
// goes wrong exactly when it matters, since a face sliding behind another
// shrinks its box for a few frames before it vanishes.
type level1D struct {
	pos, p, driftVar, mVar float64
}

func (l *level1D) predict(dt float64) {
	if dt > 0 {
		l.p += l.driftVar * dt
	}
}

func (l *level1D) update(z float64) {
	k := l.p / (l.p + l.mVar)
	l.pos += k * (z - l.pos)
	l.p *= 1 - k
}

// boxFilter tracks a face box: a constant-velocity filter for each
// coordinate of the centre and a random-walk filter for the width and the
// height. Noise scales with the face size, so the same settings work for
// faces of 20 and 400 pixels.
type boxFilter struct {
	cx, cy kalman1D
	w, h   level1D
}

// Noise as fractions of the face size: measurement jitter of detectors is
// a few percent of the box; faces on CCTV accelerate gently; sizes drift
// by a couple of percent a frame at most (walking towards the camera).
const (
	measStd      = 0.05
	accelStd     = 0.004
	sizeDriftStd = 0.02
	initVelStd   = 0.5 // unknown initial speed: up to about half a face per frame
)

func newBoxFilter(b facedata.Rect) boxFilter {
	c := b.Center()
	s := boxSize(b)
	mv := sq(measStd * s)
	pos := func(v float64, accel float64) kalman1D {
		return newKalman1D(v, mv, sq(initVelStd*s), sq(accel*s), mv)
	}
	size := func(v float64) level1D {
		return level1D{pos: v, p: mv, driftVar: sq(sizeDriftStd * s), mVar: mv}
	}
	return boxFilter{cx: pos(c.X, accelStd), cy: pos(c.Y, accelStd), w: size(b.W), h: size(b.H)}
}

func (f *boxFilter) predict(dt float64) {
	f.cx.predict(dt)
	f.cy.predict(dt)
	f.w.predict(dt)
	f.h.predict(dt)
}

func (f *boxFilter) update(b facedata.Rect) {
	c := b.Center()
	f.cx.update(c.X)
	f.cy.update(c.Y)
	f.w.update(b.W)
	f.h.update(b.H)
}

// box is the current estimate; width and height never drop below a pixel.
func (f *boxFilter) box() facedata.Rect {
	w, h := math.Max(f.w.pos, 1), math.Max(f.h.pos, 1)
	return facedata.Rect{X: f.cx.pos - w/2, Y: f.cy.pos - h/2, W: w, H: h}
}

// posStd is the uncertainty of the centre, in pixels.
func (f *boxFilter) posStd() float64 { return math.Hypot(f.cx.posStd(), f.cy.posStd()) }

// boxSize is the geometric mean of width and height.
func boxSize(b facedata.Rect) float64 { return math.Sqrt(b.Area()) }

func sq(x float64) float64 { return x * x }
