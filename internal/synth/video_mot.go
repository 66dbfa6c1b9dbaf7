package synth

import (
	"math"

	"facecase/facedata"
)

// This file scores a tracker's output against a scene's ground truth with
// the standard multi-object tracking measures. The matching code is
// independent of the tracker's own (an exact search over subsets instead
// of the Hungarian algorithm), so a bug in one cannot hide in the other.

// MOTBox is one box in one frame: ground truth or tracker output.
type MOTBox struct {
	ID  int
	Box facedata.Rect
}

// MOTFrame is one frame's ground truth and tracker output.
type MOTFrame struct {
	Truth, Hyp []MOTBox
}

// IDScores are the identity measures of Ristani et al., "Performance
// Measures and a Data Set for Multi-Target, Multi-Camera Tracking" (ECCV
// 2016 workshops): ground-truth and output trajectories are matched one to
// one so that the frames where matched trajectories coincide (IoU at or
// above the threshold) are as many as possible. IDTP counts those frames;
// every other ground-truth box is an IDFN and every other output box an
// IDFP.
type IDScores struct {
	IDTP, IDFP, IDFN int
	// Mapping is the ground-truth id each matched output id stands for.
	Mapping map[int]int
}

// IDF1 = 2·IDTP / (2·IDTP + IDFP + IDFN): 1 when nothing is missed and no
// output box is false or carries the wrong identity.
func (s IDScores) IDF1() float64 {
	d := 2*s.IDTP + s.IDFP + s.IDFN
	if d == 0 {
		return 1
	}
	return 2 * float64(s.IDTP) / float64(d)
}

// maxMatchGT is the most rows the exact subset matching takes (it is
// exponential in them); larger problems go to the Hungarian algorithm.
const maxMatchGT = 16

// IdentityScores computes IDTP, IDFP and IDFN over a sequence.
func IdentityScores(frames []MOTFrame, minIoU float64) (IDScores, error) {
	gtIndex, hypIndex := map[int]int{}, map[int]int{}
	var gtIDs, hypIDs []int
	totalGT, totalHyp := 0, 0
	for _, f := range frames {
		for _, g := range f.Truth {
			if _, ok := gtIndex[g.ID]; !ok {
				gtIndex[g.ID] = len(gtIDs)
				gtIDs = append(gtIDs, g.ID)
			}
			totalGT++
		}
		for _, h := range f.Hyp {
			if _, ok := hypIndex[h.ID]; !ok {
				hypIndex[h.ID] = len(hypIDs)
				hypIDs = append(hypIDs, h.ID)
			}
			totalHyp++
		}
	}
	// together[g][h]: frames where trajectory g and h coincide.
	together := make([][]int, len(gtIDs))
	for i := range together {
		together[i] = make([]int, len(hypIDs))
	}
	for _, f := range frames {
		for _, g := range f.Truth {
			for _, h := range f.Hyp {
				if g.Box.IoU(h.Box) >= minIoU {
					together[gtIndex[g.ID]][hypIndex[h.ID]]++
				}
			}
		}
	}
	w := make([][]float64, len(gtIDs))
	for i := range w {
		w[i] = make([]float64, len(hypIDs))
		for j := range w[i] {
			w[i][j] = float64(together[i][j])
		}
	}
	s := IDScores{Mapping: map[int]int{}}
	for i, j := range bestMatching(w) {
		if j >= 0 && together[i][j] > 0 {
			s.IDTP += together[i][j]
			s.Mapping[hypIDs[j]] = gtIDs[i]
		}
	}
	s.IDFN = totalGT - s.IDTP
	s.IDFP = totalHyp - s.IDTP
	return s, nil
}

// CLEARScores are the CLEAR MOT counts (Bernardin and Stiefelhagen 2008)
// over a sequence: ground-truth boxes, those matched to an output box,
// those missed, output boxes matching nothing, and identity switches.
type CLEARScores struct {
	Truth, Matches, Misses, FalsePositives, Switches int
}

// MOTA is the multiple object tracking accuracy, 1 - (misses + false
// positives + switches) / ground-truth boxes: 1 is perfect, and it goes
// below 0 when the errors outnumber the objects.
func (s CLEARScores) MOTA() float64 {
	if s.Truth == 0 {
		return 1
	}
	return 1 - float64(s.Misses+s.FalsePositives+s.Switches)/float64(s.Truth)
}

// IDSwitches counts identity switches as the CLEAR MOT measures
// (Bernardin and Stiefelhagen 2008) and the MOTChallenge evaluation do
// (see CLEAR).
func IDSwitches(frames []MOTFrame, minIoU float64) (int, error) {
	s, err := CLEAR(frames, minIoU)
	return s.Switches, err
}

// CLEAR matches ground truth and output frame by frame as the CLEAR MOT
// measures and the MOTChallenge evaluation do: each frame, a ground-truth
// object keeps its previous output match if that output is present and
// overlaps enough; the rest are matched for the largest total overlap (IoU
// at or above the threshold). A switch is counted when an object is matched
// to an output id other than the last one it was matched to, in any earlier
// frame.
func CLEAR(frames []MOTFrame, minIoU float64) (CLEARScores, error) {
	var s CLEARScores
	last := map[int]int{} // ground-truth id -> last matched output id
	for _, f := range frames {
		s.Truth += len(f.Truth)
		hypAt := map[int]int{}
		for j, h := range f.Hyp {
			hypAt[h.ID] = j
		}
		hypUsed := make([]bool, len(f.Hyp))
		matched := 0
		var gi []int
		for i, g := range f.Truth {
			if prev, ok := last[g.ID]; ok {
				if j, present := hypAt[prev]; present && !hypUsed[j] && g.Box.IoU(f.Hyp[j].Box) >= minIoU {
					hypUsed[j] = true
					matched++
					continue
				}
			}
			gi = append(gi, i)
		}
		var hj []int
		for j := range f.Hyp {
			if !hypUsed[j] {
				hj = append(hj, j)
			}
		}
		if len(gi) > 0 && len(hj) > 0 {
			w := make([][]float64, len(gi))
			for a, i := range gi {
				w[a] = make([]float64, len(hj))
				for b, j := range hj {
					if iou := f.Truth[i].Box.IoU(f.Hyp[j].Box); iou >= minIoU {
						w[a][b] = iou
					} else {
						w[a][b] = math.Inf(-1)
					}
				}
			}
			for a, b := range bestMatching(w) {
				if b < 0 {
					continue
				}
				matched++
				g, h := f.Truth[gi[a]], f.Hyp[hj[b]]
				if prev, ok := last[g.ID]; ok && prev != h.ID {
					s.Switches++
				}
				last[g.ID] = h.ID
			}
		}
		s.Matches += matched
		s.Misses += len(f.Truth) - matched
		s.FalsePositives += len(f.Hyp) - matched
	}
	return s, nil
}

// bestMatching is maxWeightMatching for few rows and the Hungarian
// algorithm (hungarianMax) for more.
func bestMatching(w [][]float64) []int {
	if len(w) <= maxMatchGT {
		return maxWeightMatching(w)
	}
	return hungarianMax(w)
}

// maxWeightMatching returns, for each row, the column matched to it (or
// -1) so that the matched weights sum to the most; -Inf weights are never
// matched, nor are pairs that add nothing. It is an exact dynamic program
// over the subsets of rows, processing one column at a time: best[mask] is
// the largest sum that matches exactly the rows in mask to the columns
// seen so far. Rows must be few (at most maxMatchGT).
func maxWeightMatching(w [][]float64) []int {
	rows := len(w)
	out := make([]int, rows)
	for i := range out {
		out[i] = -1
	}
	if rows == 0 || len(w[0]) == 0 {
		return out
	}
	cols := len(w[0])
	full := 1 << rows
	negInf := math.Inf(-1)
	// best[c][mask] after columns 0..c-1; choice[c][mask] = row matched to
	// column c-1 on the best path (-1: none).
	best := make([][]float64, cols+1)
	choice := make([][]int8, cols+1)
	for c := range best {
		best[c] = make([]float64, full)
		choice[c] = make([]int8, full)
		for m := range best[c] {
			best[c][m] = negInf
		}
	}
	best[0][0] = 0
	for c := 0; c < cols; c++ {
		for m := 0; m < full; m++ {
			v := best[c][m]
			if math.IsInf(v, -1) {
				continue
			}
			if v > best[c+1][m] { // column c unmatched
				best[c+1][m], choice[c+1][m] = v, -1
			}
			for r := 0; r < rows; r++ {
				if m&(1<<r) != 0 || math.IsInf(w[r][c], -1) || w[r][c] <= 0 {
					continue
				}
				nm := m | 1<<r
				if nv := v + w[r][c]; nv > best[c+1][nm] {
					best[c+1][nm], choice[c+1][nm] = nv, int8(r)
				}
			}
		}
	}
	m := 0
	for k := range best[cols] {
		if best[cols][k] > best[cols][m] {
			m = k
		}
	}
	for c := cols; c > 0; c-- {
		if r := choice[c][m]; r >= 0 {
			out[r] = c - 1
			m &^= 1 << r
		}
	}
	return out
}
