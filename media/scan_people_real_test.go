package media

import (
	"context"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/peoplegt"
	"facecase/internal/synth"
	"facecase/internal/testenv"
	"facecase/models"
	"facecase/recognition"
	"facecase/tracking"
)

// noFaces is a face analyzer that finds none (person tracking alone).
type noFaces struct{}

func (noFaces) Analyze(context.Context, gocv.Mat) ([]facedata.Face, error) { return nil, nil }

// peopleFinderForTest loads the installed person detector.
func peopleFinderForTest(t *testing.T) *recognition.PeopleFinder {
	t.Helper()
	testenv.Model(t, "person")
	pf, err := recognition.NewPeopleFinder("", recognition.PersonOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pf.Close() })
	return pf
}

// vtestForTest is the installed vtest.avi and its hand-made ground truth.
func vtestForTest(t *testing.T) (string, *peoplegt.Truth) {
	t.Helper()
	p, err := models.LocateVideo("vtest.avi")
	if err != nil {
		t.Fatal(err)
	}
	truth, err := peoplegt.Load(peoplegt.VtestPath())
	if err != nil {
		t.Fatal(err)
	}
	return p, truth
}

// TestScanFollowsPeopleOnVtest scans vtest.avi with people detected on
// every second frame and scores the person tracks' paths (as stored and
// shown) on the 26 labelled frames: the targets are IDF1 of 0.75
// or more and at most one identity switch per 10 ground-truth tracks.
// Ground-truth tracks are trajectories: a person who leaves the picture
// and comes back starts a new one (re-identifying people across exits is
// not attempted). It takes a minute or two of CPU.
func TestScanFollowsPeopleOnVtest(t *testing.T) {
	path, truth := vtestForTest(t)
	pf := peopleFinderForTest(t)
	src := openTest(t, path)
	var tracks []tracking.PersonTrack
	sum, err := Scan(context.Background(), src, noFaces{}, ScanOptions{Every: 2, People: pf,
		OnPersonTrack: func(p tracking.PersonTrack) error { tracks = append(tracks, p); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Frames != truth.Frames {
		t.Fatalf("%d frames scanned, the ground truth says %d", sum.Frames, truth.Frames)
	}
	traj := truth.Trajectories()
	var byTrajectory, byPerson []synth.MOTFrame
	for k, f := range truth.Annotations {
		var hyp []synth.MOTBox
		for _, p := range tracks {
			for _, pt := range p.Path {
				if pt.Frame == f.Frame {
					hyp = append(hyp, synth.MOTBox{ID: p.ID, Box: pt.Box})
				}
			}
		}
		byTrajectory = append(byTrajectory, peoplegt.MOTFrame(f, hyp, 50, 0.5, traj[k]))
		byPerson = append(byPerson, peoplegt.MOTFrame(f, hyp, 50, 0.5, nil))
	}
	ids, err := synth.IdentityScores(byTrajectory, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	clear, err := synth.CLEAR(byTrajectory, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	gtTracks := map[int]bool{}
	for _, m := range traj {
		for _, id := range m {
			gtTracks[id] = true
		}
	}
	persons, _ := synth.IdentityScores(byPerson, 0.5)
	personClear, _ := synth.CLEAR(byPerson, 0.5)
	t.Logf("%d person tracks; trajectories: IDF1 %.3f, MOTA %.3f, %d switches over %d trajectories (%d misses, %d false); "+
		"people across exits: IDF1 %.3f, MOTA %.3f, %d switches",
		len(tracks), ids.IDF1(), clear.MOTA(), clear.Switches, len(gtTracks), clear.Misses, clear.FalsePositives,
		persons.IDF1(), personClear.MOTA(), personClear.Switches)
	if ids.IDF1() < 0.75 {
		t.Errorf("IDF1 %.3f, the target is 0.75", ids.IDF1())
	}
	if 10*clear.Switches > len(gtTracks) {
		t.Errorf("%d identity switches over %d ground-truth tracks, the target is at most 1 per 10", clear.Switches, len(gtTracks))
	}
}

// TestScanAttachesEveryHamiltonFace scans the Hamilton clip (close-ups,
// a crowd, three cuts) with faces and people: every face track must belong
// to a person track, and to one at a time (its spans on different people
// never overlap). The clip's last shot has three faces side by side whose
// bodies are out of the picture, where a face once went to two people.
func TestScanAttachesEveryHamiltonFace(t *testing.T) {
	clip := testenv.SharedData(t, "face_recognition/short_hamilton_clip.mp4")
	pf := peopleFinderForTest(t)
	opts := recognition.DefaultOptions()
	opts.Detector, opts.MinFaceSize = "blazeface", 40
	eng, err := recognition.NewEngine(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	var faces []tracking.Track
	var persons []tracking.PersonTrack
	sum, err := Scan(context.Background(), openTest(t, clip), eng, ScanOptions{Every: 2, People: pf,
		OnTrack:       func(f tracking.Track) error { faces = append(faces, f); return nil },
		OnPersonTrack: func(p tracking.PersonTrack) error { persons = append(persons, p); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	type span struct {
		person      int
		first, last int
	}
	owner := map[int][]int{}
	spans := map[int][]span{}
	for _, p := range persons {
		for _, l := range p.Faces {
			owner[l.FaceID] = append(owner[l.FaceID], p.ID)
			spans[l.FaceID] = append(spans[l.FaceID], span{p.ID, l.First.Index, l.Last.Index})
		}
	}
	if len(faces) < 5 {
		t.Fatalf("%d face tracks in the Hamilton clip, expected several (summary %+v)", len(faces), sum)
	}
	for _, f := range faces {
		if len(owner[f.ID]) == 0 {
			t.Errorf("face track %d (frames %d-%d) belongs to no person track", f.ID, f.First.Index, f.Last.Index)
		}
		ss := spans[f.ID]
		for i := range ss {
			for j := i + 1; j < len(ss); j++ {
				if ss[i].first <= ss[j].last && ss[j].first <= ss[i].last {
					t.Errorf("face track %d is on person %d in frames %d-%d and on person %d in frames %d-%d at the same time",
						f.ID, ss[i].person, ss[i].first, ss[i].last, ss[j].person, ss[j].first, ss[j].last)
				}
			}
		}
	}
	t.Logf("%d face tracks, %d person tracks, owners %v", len(faces), len(persons), owner)
}
