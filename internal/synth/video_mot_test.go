package synth

import (
	"math"
	"math/rand"
	"testing"

	"facecase/facedata"
)

func mustScores(t *testing.T, frames []MOTFrame, minIoU float64) IDScores {
	t.Helper()
	s, err := IdentityScores(frames, minIoU)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustSwitches(t *testing.T, frames []MOTFrame, minIoU float64) int {
	t.Helper()
	n, err := IDSwitches(frames, minIoU)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// box10 is a 10x10 box at x, y.
func box10(x, y float64) facedata.Rect { return facedata.Rect{X: x, Y: y, W: 10, H: 10} }

// twoWalkers: ground truth 1 walks right along y=0, 2 along y=100, for n
// frames; hypID(f, gt) names the output id given to each, 0 for none.
func twoWalkers(n int, hypID func(f, gt int) int) []MOTFrame {
	var frames []MOTFrame
	for f := 0; f < n; f++ {
		var fr MOTFrame
		for gt, y := range map[int]float64{1: 0, 2: 100} {
			b := box10(float64(5*f), y)
			fr.Truth = append(fr.Truth, MOTBox{gt, b})
			if id := hypID(f, gt); id != 0 {
				fr.Hyp = append(fr.Hyp, MOTBox{id, b})
			}
		}
		frames = append(frames, fr)
	}
	return frames
}

func TestMOTPerfect(t *testing.T) {
	frames := twoWalkers(10, func(f, gt int) int { return gt + 10 })
	s := mustScores(t, frames, 0.5)
	if s.IDTP != 20 || s.IDFP != 0 || s.IDFN != 0 || s.IDF1() != 1 {
		t.Fatalf("scores %+v, IDF1 %v", s, s.IDF1())
	}
	if s.Mapping[11] != 1 || s.Mapping[12] != 2 {
		t.Fatalf("mapping %v", s.Mapping)
	}
	if sw := mustSwitches(t, frames, 0.5); sw != 0 {
		t.Fatalf("%d switches", sw)
	}
}

func TestMOTSwapHalfway(t *testing.T) {
	// The outputs swap after frame 5 of 10: each output is right half the
	// time, so IDF1 is 0.5; each object changes output once: 2 switches.
	frames := twoWalkers(10, func(f, gt int) int {
		if f < 5 {
			return gt
		}
		return 3 - gt
	})
	s := mustScores(t, frames, 0.5)
	if s.IDTP != 10 || s.IDFP != 10 || s.IDFN != 10 || math.Abs(s.IDF1()-0.5) > 1e-12 {
		t.Fatalf("scores %+v, IDF1 %v", s, s.IDF1())
	}
	if sw := mustSwitches(t, frames, 0.5); sw != 2 {
		t.Fatalf("%d switches, want 2", sw)
	}
}

func TestMOTFragmentedTrack(t *testing.T) {
	// Object 1 is followed by output 7 for 6 frames, then by output 8 for
	// 4: IDTP 6 (7 maps to 1), output 8's 4 boxes are IDFP and object 1's
	// last 4 are IDFN: IDF1 = 12/20 for object 1 alone.
	var frames []MOTFrame
	for f := 0; f < 10; f++ {
		b := box10(float64(5*f), 0)
		id := 7
		if f >= 6 {
			id = 8
		}
		frames = append(frames, MOTFrame{Truth: []MOTBox{{1, b}}, Hyp: []MOTBox{{id, b}}})
	}
	s := mustScores(t, frames, 0.5)
	if s.IDTP != 6 || s.IDFP != 4 || s.IDFN != 4 || math.Abs(s.IDF1()-0.6) > 1e-12 {
		t.Fatalf("scores %+v, IDF1 %v", s, s.IDF1())
	}
	if sw := mustSwitches(t, frames, 0.5); sw != 1 {
		t.Fatalf("%d switches, want 1", sw)
	}
}

func TestMOTGapIsNotASwitch(t *testing.T) {
	// The output disappears for 3 frames (occlusion) and comes back with
	// the same id: no switch; the 3 frames are misses.
	frames := twoWalkers(10, func(f, gt int) int {
		if gt == 1 && f >= 4 && f < 7 {
			return 0
		}
		return gt
	})
	if sw := mustSwitches(t, frames, 0.5); sw != 0 {
		t.Fatalf("%d switches, want 0", sw)
	}
	s := mustScores(t, frames, 0.5)
	if s.IDTP != 17 || s.IDFN != 3 || s.IDFP != 0 {
		t.Fatalf("scores %+v", s)
	}
	// Coming back under a new id after the gap is one switch.
	frames = twoWalkers(10, func(f, gt int) int {
		switch {
		case gt == 1 && f >= 4 && f < 7:
			return 0
		case gt == 1 && f >= 7:
			return 9
		}
		return gt
	})
	if sw := mustSwitches(t, frames, 0.5); sw != 1 {
		t.Fatalf("%d switches, want 1", sw)
	}
}

func TestMOTFalseTrackAndMisses(t *testing.T) {
	// A false output track far from everything: its boxes are IDFP.
	frames := twoWalkers(10, func(f, gt int) int { return gt })
	for f := range frames {
		frames[f].Hyp = append(frames[f].Hyp, MOTBox{99, box10(500, 500)})
	}
	s := mustScores(t, frames, 0.5)
	if s.IDTP != 20 || s.IDFP != 10 || s.IDFN != 0 || math.Abs(s.IDF1()-40.0/50) > 1e-12 {
		t.Fatalf("scores %+v, IDF1 %v", s, s.IDF1())
	}
	// No output at all.
	frames = twoWalkers(10, func(f, gt int) int { return 0 })
	if s := mustScores(t, frames, 0.5); s.IDF1() != 0 || s.IDFN != 20 {
		t.Fatalf("scores %+v", s)
	}
}

func TestMOTOverlapThreshold(t *testing.T) {
	// Output boxes shifted by 4 px: IoU 6·10/(2·100−60) = 0.43 < 0.5, so
	// nothing coincides at 0.5 but everything does at 0.4.
	frames := twoWalkers(10, func(f, gt int) int { return gt })
	for f := range frames {
		for j := range frames[f].Hyp {
			frames[f].Hyp[j].Box.X += 4
		}
	}
	if s := mustScores(t, frames, 0.5); s.IDTP != 0 {
		t.Fatalf("at 0.5: %+v", s)
	}
	if s := mustScores(t, frames, 0.4); s.IDTP != 20 {
		t.Fatalf("at 0.4: %+v", s)
	}
}

func TestMOTSwitchPrefersPreviousMatch(t *testing.T) {
	// Two outputs overlap object 1 equally well in frame 1 (a crossing);
	// the object keeps its previous output, so no switch is counted even
	// though the other output has the same overlap.
	b := box10(0, 0)
	frames := []MOTFrame{
		{Truth: []MOTBox{{1, b}}, Hyp: []MOTBox{{5, b}}},
		{Truth: []MOTBox{{1, b}}, Hyp: []MOTBox{{6, b}, {5, b}}},
		{Truth: []MOTBox{{1, b}}, Hyp: []MOTBox{{5, b}}},
	}
	if sw := mustSwitches(t, frames, 0.5); sw != 0 {
		t.Fatalf("%d switches, want 0", sw)
	}
}

// bruteMatching tries every assignment of rows to distinct columns.
func bruteMatching(w [][]float64) float64 {
	rows, cols := len(w), len(w[0])
	used := make([]bool, cols)
	best := 0.0
	var rec func(i int, sum float64)
	rec = func(i int, sum float64) {
		if i == rows {
			best = math.Max(best, sum)
			return
		}
		rec(i+1, sum)
		for j := 0; j < cols; j++ {
			if used[j] || math.IsInf(w[i][j], -1) || w[i][j] <= 0 {
				continue
			}
			used[j] = true
			rec(i+1, sum+w[i][j])
			used[j] = false
		}
	}
	rec(0, 0)
	return best
}

func TestMaxWeightMatchingMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for trial := 0; trial < 500; trial++ {
		rows, cols := 1+rng.Intn(5), 1+rng.Intn(6)
		w := make([][]float64, rows)
		for i := range w {
			w[i] = make([]float64, cols)
			for j := range w[i] {
				w[i][j] = float64(rng.Intn(10))
				if rng.Float64() < 0.2 {
					w[i][j] = math.Inf(-1)
				}
			}
		}
		got := maxWeightMatching(w)
		sum := 0.0
		seen := map[int]bool{}
		for i, j := range got {
			if j < 0 {
				continue
			}
			if seen[j] || math.IsInf(w[i][j], -1) {
				t.Fatalf("trial %d: bad matching %v of %v", trial, got, w)
			}
			seen[j] = true
			sum += w[i][j]
		}
		if want := bruteMatching(w); sum != want {
			t.Fatalf("trial %d: matching sums %v, best is %v (%v)", trial, sum, want, w)
		}
	}
}

func TestHungarianMaxMatchesExactMatching(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for trial := 0; trial < 500; trial++ {
		rows, cols := 1+rng.Intn(7), 1+rng.Intn(7)
		w := make([][]float64, rows)
		for i := range w {
			w[i] = make([]float64, cols)
			for j := range w[i] {
				w[i][j] = float64(rng.Intn(10))
				if rng.Float64() < 0.25 {
					w[i][j] = math.Inf(-1)
				}
			}
		}
		got := hungarianMax(w)
		sum := 0.0
		seen := map[int]bool{}
		for i, j := range got {
			if j < 0 {
				continue
			}
			if seen[j] || math.IsInf(w[i][j], -1) || w[i][j] <= 0 {
				t.Fatalf("trial %d: bad matching %v of %v", trial, got, w)
			}
			seen[j] = true
			sum += w[i][j]
		}
		if want := bruteMatching(w); sum != want {
			t.Fatalf("trial %d: matching sums %v, best is %v (%v)", trial, sum, want, w)
		}
	}
}

// TestScoresWithManyIdentities checks the Hungarian path on a crowd: 40
// walkers, each tracked perfectly except that two swap ids halfway.
func TestScoresWithManyIdentities(t *testing.T) {
	const people, n = 40, 10
	var frames []MOTFrame
	for f := 0; f < n; f++ {
		var fr MOTFrame
		for p := 0; p < people; p++ {
			b := box10(float64(20*p), float64(f))
			id := 100 + p
			if f >= n/2 && p < 2 {
				id = 101 - p // 0 and 1 swap
			}
			fr.Truth = append(fr.Truth, MOTBox{p, b})
			fr.Hyp = append(fr.Hyp, MOTBox{id, b})
		}
		frames = append(frames, fr)
	}
	s := mustScores(t, frames, 0.5)
	if s.IDTP != people*n-2*n/2 || s.IDFN != n || s.IDFP != n {
		t.Fatalf("IDTP %d IDFN %d IDFP %d, want %d, %d, %d", s.IDTP, s.IDFN, s.IDFP, people*n-n, n, n)
	}
	c, err := CLEAR(frames, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if c.Switches != 2 || c.Misses != 0 || c.FalsePositives != 0 || c.Truth != people*n {
		t.Fatalf("CLEAR %+v, want 2 switches and nothing else", c)
	}
	if want := 1 - 2.0/float64(people*n); math.Abs(c.MOTA()-want) > 1e-12 {
		t.Fatalf("MOTA %v, want %v", c.MOTA(), want)
	}
}

func TestCLEARCountsMissesAndFalsePositives(t *testing.T) {
	frames := []MOTFrame{
		{Truth: []MOTBox{{1, box10(0, 0)}, {2, box10(50, 0)}}, Hyp: []MOTBox{{7, box10(1, 0)}, {8, box10(200, 0)}}},
		{Truth: []MOTBox{{1, box10(2, 0)}}, Hyp: nil},
	}
	c, err := CLEAR(frames, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if c.Truth != 3 || c.Matches != 1 || c.Misses != 2 || c.FalsePositives != 1 || c.Switches != 0 {
		t.Fatalf("CLEAR %+v", c)
	}
	if math.Abs(c.MOTA()-0) > 1e-12 {
		t.Fatalf("MOTA %v, want 0", c.MOTA())
	}
}
