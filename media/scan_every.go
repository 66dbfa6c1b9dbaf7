package media

import (
	"math"
	"sort"
	"time"
)

// EveryChooser decides on which frames detection runs. A fixed interval
// is kept as given. Otherwise the interval N is chosen so that the scan
// keeps up with the source's frame rate: detection takes d, every other
// frame costs c (decoding, tracking, drawing), and a frame arrives every
// T = 1/fps, so N frames take d + N·c and must fit in N·T less a margin
// (realTimeHeadroom, so that jitter does not build a backlog):
// N = d/(h·T−c), rounded up, between 1 and the maximum.
//
// Live sources re-estimate N continuously (the load of the machine
// changes). Files start at the largest N, measure during their first
// detections, then keep one N
// for the whole file, so that a scan samples a regular grid of frames that
// the report can state (and a rerun with that --every reproduces).
type EveryChooser struct {
	fixed    bool
	live     bool
	n, max   int
	interval time.Duration // T; 0 when the frame rate is unknown
	// Measurements.
	detects    []time.Duration
	detectEMA  time.Duration
	otherEMA   time.Duration
	lastDetect int
	started    bool
	decided    bool
	lastTime   time.Duration
	lastIndex  int
}

// calibrationDetections is how many detections a file measures before
// fixing N; the first is left out (models warm up on first use).
const calibrationDetections = 4

// NewEveryChooser makes a chooser for a source. every > 0 fixes N;
// maxEvery bounds the automatic choice (0 means 8).
func NewEveryChooser(info Info, every, maxEvery int) *EveryChooser {
	if maxEvery <= 0 {
		maxEvery = 8
	}
	c := &EveryChooser{n: 1, max: maxEvery, live: info.Live}
	switch {
	case every > 0:
		c.n, c.fixed = every, true
	case !info.Live && info.FPS > 0:
		// A file measures its first detections at the largest interval:
		// starting at every frame would spend the calibration on frames
		// that a slow detector cannot afford (a sixth of a 6-s clip).
		c.n = maxEvery
	}
	if info.FPS > 0 {
		c.interval = time.Duration(float64(time.Second) / info.FPS)
	}
	return c
}

// Every is the current interval N.
func (c *EveryChooser) Every() int { return c.n }

// Detect says whether detection runs on frame index. Gaps in the indices
// (broken or dropped frames) count as frames.
func (c *EveryChooser) Detect(index int) bool {
	return !c.started || index-c.lastDetect >= c.n
}

// Observe records how long a frame took in all (total) and how much of
// that was detection (0 when detection did not run).
func (c *EveryChooser) Observe(f *Frame, total, detect time.Duration) {
	if detect > 0 || !c.started {
		c.lastDetect = f.Index
	}
	if c.started && c.live && c.interval == 0 && f.Index > c.lastIndex {
		// A live source without a nominal rate: measure arrivals.
		c.interval = (f.Time - c.lastTime) / time.Duration(f.Index-c.lastIndex)
	}
	c.started, c.lastTime, c.lastIndex = true, f.Time, f.Index
	if c.fixed || (c.decided && !c.live) {
		return
	}
	other := total - detect
	c.otherEMA = ema(c.otherEMA, other, 0.1)
	if detect > 0 {
		c.detects = append(c.detects, detect)
		c.detectEMA = ema(c.detectEMA, detect, 0.3)
	}
	switch {
	case c.live:
		if len(c.detects) > 1 {
			c.n = c.choose(c.detectEMA)
		}
	case len(c.detects) >= calibrationDetections:
		c.n = c.choose(median(c.detects[1:]))
		c.decided = true
	}
}

// realTimeHeadroom is the share of each frame interval the scan plans to
// use: a tenth is kept spare for the jitter of detection times and of the
// machine's load.
const realTimeHeadroom = 0.9

func (c *EveryChooser) choose(d time.Duration) int {
	if c.interval <= 0 {
		return 1
	}
	spare := time.Duration(realTimeHeadroom*float64(c.interval)) - c.otherEMA
	if spare <= 0 {
		return c.max
	}
	n := int(math.Ceil(float64(d) / float64(spare)))
	return max(1, min(n, c.max))
}

func ema(old, v time.Duration, a float64) time.Duration {
	if old == 0 {
		return v
	}
	return time.Duration(a*float64(v) + (1-a)*float64(old))
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
