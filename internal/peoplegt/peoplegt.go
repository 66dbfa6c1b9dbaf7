// Package peoplegt reads the hand-made person ground truth in testdata
// (testdata/people) and scores person detectors and trackers against it:
// recall and false boxes at an overlap threshold, and the multi-object
// tracking measures of internal/synth. It is test support: only tests and
// benchmarks import it.
package peoplegt

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"facecase/facedata"
	"facecase/internal/synth"
	"facecase/internal/testenv"
)

// Truth is a video's person ground truth.
type Truth struct {
	Video  string  `json:"video"`
	SHA256 string  `json:"sha256"`
	Width  int     `json:"width"`
	Height int     `json:"height"`
	Frames int     `json:"frames"`
	FPS    float64 `json:"fps"`
	// Annotations are the labelled frames, in frame order.
	Annotations []Frame `json:"annotations"`
}

// Frame is one labelled frame.
type Frame struct {
	Frame int   `json:"frame"`
	Boxes []Box `json:"boxes"`
}

// Box is a person (ID > 0, not Ignore) or a region to ignore (Ignore; ID
// is the person when known, else 0).
type Box struct {
	ID     int        `json:"id"`
	Ignore bool       `json:"ignore"`
	XYWH   [4]float64 `json:"box"`
}

// Rect is the box as a facedata.Rect.
func (b Box) Rect() facedata.Rect {
	return facedata.Rect{X: b.XYWH[0], Y: b.XYWH[1], W: b.XYWH[2], H: b.XYWH[3]}
}

// VtestPath is the ground truth of vtest.avi in the repository.
func VtestPath() string {
	return filepath.Join(testenv.TestdataDir(), "people", "vtest_groundtruth.json")
}

// Load reads a ground-truth file.
func Load(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("person ground truth: %w", err)
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("person ground truth %s: %w", path, err)
	}
	sort.Slice(t.Annotations, func(i, j int) bool { return t.Annotations[i].Frame < t.Annotations[j].Frame })
	return &t, nil
}

// Labelled reports whether frame index is labelled, and its boxes.
func (t *Truth) Labelled(index int) (Frame, bool) {
	i := sort.Search(len(t.Annotations), func(i int) bool { return t.Annotations[i].Frame >= index })
	if i < len(t.Annotations) && t.Annotations[i].Frame == index {
		return t.Annotations[i], true
	}
	return Frame{}, false
}

// DetectionCounts sum up a detector's boxes against the truth.
type DetectionCounts struct {
	// Truth counts the people to find (not ignored, tall enough); Found
	// those a detection matched, Missed the others.
	Truth, Found, Missed int
	// False counts detections matching no person and no ignored region;
	// Ignored the detections on ignored regions (or on people too small to
	// count), which count neither way.
	False, Ignored int
}

// Add sums two counts.
func (c *DetectionCounts) Add(o DetectionCounts) {
	c.Truth += o.Truth
	c.Found += o.Found
	c.Missed += o.Missed
	c.False += o.False
	c.Ignored += o.Ignored
}

// Recall is Found / Truth.
func (c DetectionCounts) Recall() float64 {
	if c.Truth == 0 {
		return 1
	}
	return float64(c.Found) / float64(c.Truth)
}

// FalseShare is the share of the counted detections that are false:
// False / (Found + False).
func (c DetectionCounts) FalseShare() float64 {
	if c.Found+c.False == 0 {
		return 0
	}
	return float64(c.False) / float64(c.Found+c.False)
}

// ScoreFrame matches one frame's detections to its people, best overlaps
// first, at minIoU or more. People shorter than minHeight are ignored like
// the marked regions; a detection overlapping an ignored box by minIoU, or
// lying mostly (half its area) inside one, is not counted.
func ScoreFrame(f Frame, dets []facedata.Rect, minHeight, minIoU float64) DetectionCounts {
	var people, ignored []facedata.Rect
	for _, b := range f.Boxes {
		if b.Ignore || b.XYWH[3] < minHeight {
			ignored = append(ignored, b.Rect())
		} else {
			people = append(people, b.Rect())
		}
	}
	type pair struct {
		p, d int
		iou  float64
	}
	var pairs []pair
	for pi, p := range people {
		for di, d := range dets {
			if iou := p.IoU(d); iou >= minIoU {
				pairs = append(pairs, pair{pi, di, iou})
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].iou > pairs[j].iou })
	usedP, usedD := make([]bool, len(people)), make([]bool, len(dets))
	c := DetectionCounts{Truth: len(people)}
	for _, pr := range pairs {
		if usedP[pr.p] || usedD[pr.d] {
			continue
		}
		usedP[pr.p], usedD[pr.d] = true, true
		c.Found++
	}
	c.Missed = c.Truth - c.Found
	for di, d := range dets {
		if usedD[di] {
			continue
		}
		if onIgnored(d, ignored, minIoU) {
			c.Ignored++
		} else {
			c.False++
		}
	}
	return c
}

func onIgnored(d facedata.Rect, ignored []facedata.Rect, minIoU float64) bool {
	for _, g := range ignored {
		if d.IoU(g) >= minIoU || (d.Area() > 0 && d.Intersect(g).Area() >= 0.5*d.Area()) {
			return true
		}
	}
	return false
}

// Trajectories numbers each person's continuous presences: a person
// absent from a labelled frame (no box, no ignored region with their id)
// was outside the picture, and comes back on a new trajectory. It returns,
// per labelled frame (by index in Annotations) and person id, the
// trajectory id: 100·person + the number of absences before.
func (t *Truth) Trajectories() []map[int]int {
	out := make([]map[int]int, len(t.Annotations))
	segment := map[int]int{}
	seenLast := map[int]bool{}
	for i, f := range t.Annotations {
		here := map[int]bool{}
		for _, b := range f.Boxes {
			if b.ID > 0 {
				here[b.ID] = true
			}
		}
		for id := range seenLast {
			if !here[id] {
				segment[id]++
				delete(seenLast, id)
			}
		}
		out[i] = map[int]int{}
		for id := range here {
			seenLast[id] = true
			out[i][id] = 100*id + segment[id]
		}
	}
	return out
}

// MOTFrame is one labelled frame as synth's tracking measures take it:
// the people tall enough, and the tracker's boxes that are not on ignored
// regions or too-small people. ids, when not nil, renames the people (see
// Trajectories).
func MOTFrame(f Frame, hyp []synth.MOTBox, minHeight, minIoU float64, ids map[int]int) synth.MOTFrame {
	var out synth.MOTFrame
	var ignored []facedata.Rect
	for _, b := range f.Boxes {
		if b.Ignore || b.XYWH[3] < minHeight {
			ignored = append(ignored, b.Rect())
			continue
		}
		id := b.ID
		if ids != nil {
			id = ids[b.ID]
		}
		out.Truth = append(out.Truth, synth.MOTBox{ID: id, Box: b.Rect()})
	}
	for _, h := range hyp {
		matchesPerson := false
		for _, t := range out.Truth {
			if t.Box.IoU(h.Box) >= minIoU {
				matchesPerson = true
				break
			}
		}
		if !matchesPerson && onIgnored(h.Box, ignored, minIoU) {
			continue
		}
		out.Hyp = append(out.Hyp, h)
	}
	return out
}
