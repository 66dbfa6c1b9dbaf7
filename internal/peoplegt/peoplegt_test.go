package peoplegt

import (
	"testing"

	"facecase/facedata"
	"facecase/internal/synth"
)

func TestVtestTruthIsWellFormed(t *testing.T) {
	tr, err := Load(VtestPath())
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Annotations) < 20 {
		t.Fatalf("%d labelled frames, the issue asks for 20 or more", len(tr.Annotations))
	}
	ids := map[int]bool{}
	people := 0
	for i, f := range tr.Annotations {
		if f.Frame < 0 || f.Frame >= tr.Frames || (i > 0 && f.Frame <= tr.Annotations[i-1].Frame) {
			t.Fatalf("frame %d out of order or range", f.Frame)
		}
		seen := map[int]bool{}
		for _, b := range f.Boxes {
			r := b.Rect()
			if r.W <= 0 || r.H <= 0 || r.X < 0 || r.Y < 0 || r.X+r.W > float64(tr.Width) || r.Y+r.H > float64(tr.Height) {
				t.Errorf("frame %d: box %v outside the %dx%d frame", f.Frame, b.XYWH, tr.Width, tr.Height)
			}
			if b.Ignore {
				continue
			}
			if b.ID <= 0 || seen[b.ID] {
				t.Errorf("frame %d: id %d missing or repeated", f.Frame, b.ID)
			}
			seen[b.ID], ids[b.ID] = true, true
			people++
		}
	}
	if first, last := tr.Annotations[0].Frame, tr.Annotations[len(tr.Annotations)-1].Frame; last-first < tr.Frames*3/4 {
		t.Errorf("labelled frames span %d..%d of %d: not spread over the clip", first, last, tr.Frames)
	}
	t.Logf("%d frames, %d boxes of %d people", len(tr.Annotations), people, len(ids))
}

func TestScoreFrame(t *testing.T) {
	r := func(x, y, w, h float64) facedata.Rect { return facedata.Rect{X: x, Y: y, W: w, H: h} }
	f := Frame{Boxes: []Box{
		{ID: 1, XYWH: [4]float64{0, 0, 40, 100}},
		{ID: 2, XYWH: [4]float64{100, 0, 40, 100}},
		{ID: 3, XYWH: [4]float64{200, 0, 15, 40}}, // too small: ignored
		{Ignore: true, XYWH: [4]float64{300, 0, 40, 100}},
	}}
	dets := []facedata.Rect{
		r(2, 2, 40, 100),   // person 1
		r(0, 0, 40, 100),   // a second box on person 1: false
		r(201, 0, 15, 40),  // on the small person: ignored
		r(305, 10, 30, 80), // on the ignored region
		r(500, 0, 40, 100), // nothing there: false
	}
	c := ScoreFrame(f, dets, 50, 0.5)
	want := DetectionCounts{Truth: 2, Found: 1, Missed: 1, False: 2, Ignored: 2}
	if c != want {
		t.Fatalf("counts %+v, want %+v", c, want)
	}
	if c.Recall() != 0.5 || c.FalseShare() != 2.0/3 {
		t.Fatalf("recall %v false share %v", c.Recall(), c.FalseShare())
	}
	m := MOTFrame(f, []synth.MOTBox{{ID: 7, Box: dets[0]}, {ID: 8, Box: dets[3]}, {ID: 9, Box: dets[4]}}, 50, 0.5, nil)
	if len(m.Truth) != 2 || len(m.Hyp) != 2 || m.Hyp[1].ID != 9 {
		t.Fatalf("MOT frame %+v: want 2 people and the hypotheses off the ignored region", m)
	}
}

func TestTrajectoriesSplitAtAbsences(t *testing.T) {
	box := func(id int, ignore bool) Box { return Box{ID: id, Ignore: ignore, XYWH: [4]float64{0, 0, 10, 60}} }
	tr := &Truth{Annotations: []Frame{
		{Frame: 0, Boxes: []Box{box(1, false), box(2, false)}},
		{Frame: 10, Boxes: []Box{box(1, true), box(2, false)}}, // 1 behind something: present
		{Frame: 20, Boxes: []Box{box(2, false)}},               // 1 away
		{Frame: 30, Boxes: []Box{box(1, false), box(2, false)}},
	}}
	got := tr.Trajectories()
	if got[0][1] != 100 || got[1][1] != 100 || got[3][1] != 101 || got[3][2] != 200 {
		t.Fatalf("trajectories %v", got)
	}
}

func TestVtestTrajectories(t *testing.T) {
	tr, err := Load(VtestPath())
	if err != nil {
		t.Fatal(err)
	}
	all := map[int]bool{}
	for _, m := range tr.Trajectories() {
		for _, id := range m {
			all[id] = true
		}
	}
	// Ten people; seven of them leave the picture and come back, person 1
	// twice (checked by eye on the frames between the labelled ones).
	if len(all) != 18 {
		t.Fatalf("%d trajectories %v, want 18", len(all), all)
	}
}
