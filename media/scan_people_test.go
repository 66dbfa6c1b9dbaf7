package media

import (
	"context"
	"sync"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/tracking"
)

// numberPeople "detects" people by reading the frame's number: the list
// for frame n comes from people(n).
type numberPeople struct {
	t      *testing.T
	people func(n int) []facedata.Person
	mu     sync.Mutex
	calls  int
}

func (p *numberPeople) FindPeople(ctx context.Context, m gocv.Mat) ([]facedata.Person, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := frameNumber(p.t, m)
	p.mu.Lock()
	p.calls++
	p.mu.Unlock()
	return p.people(n), nil
}

// walkingPerson is a person walking right whose face is movingFace's.
func walkingPerson(n int) facedata.Person {
	face := movingFace(n)[0].Box
	return facedata.Person{Box: facedata.Rect{X: face.X - 20, Y: face.Y - 10, W: 80, H: 200}, Score: 0.9, Detector: "test"}
}

type peopleLog struct {
	scanLog
	people  []ScanPerson
	persons []tracking.PersonTrack
}

func (l *peopleLog) opts(o ScanOptions) ScanOptions {
	o = l.scanLog.opts(o)
	o.OnPeople = func(p []ScanPerson) error { l.people = append(l.people, p...); return nil }
	o.OnPersonTrack = func(t tracking.PersonTrack) error { l.persons = append(l.persons, t); return nil }
	return o
}

func TestScanFollowsPeopleAndTheirFaces(t *testing.T) {
	src := openTest(t, writeNumberedVideo(t, "walk.avi", "MJPG", 30, 320, 240))
	an := &numberAnalyzer{t: t, faces: movingFace}
	// A weak false alarm in every frame, which must never become a person.
	pf := &numberPeople{t: t, people: func(n int) []facedata.Person {
		return []facedata.Person{walkingPerson(n), {Box: facedata.Rect{X: 250, Y: 0, W: 30, H: 60}, Score: 0.35}}
	}}
	var log peopleLog
	sum, err := Scan(context.Background(), src, an, log.opts(ScanOptions{Every: 2, People: pf}))
	if err != nil {
		t.Fatal(err)
	}
	if pf.calls != 15 || sum.PersonTracks != 1 || sum.People != 15 || sum.MostPeople != 1 {
		t.Fatalf("summary %+v after %d people searches", sum, pf.calls)
	}
	if len(log.persons) != 1 {
		t.Fatalf("%d person tracks", len(log.persons))
	}
	p := log.persons[0]
	if p.ID != 1 || len(p.Path) != 29 || p.First.Index != 0 || p.Last.Index != 28 {
		t.Fatalf("person track %d from %d to %d with %d path points", p.ID, p.First.Index, p.Last.Index, len(p.Path))
	}
	if len(p.Faces) != 1 || p.Faces[0].FaceID != 1 || p.Faces[0].Frames != 15 || !p.HasBest {
		t.Fatalf("face links %+v (best face: %v)", p.Faces, p.HasBest)
	}
	for _, d := range log.dets {
		if d.TrackID == 1 && d.At.Index >= 4 && d.PersonID != 1 {
			t.Fatalf("face at frame %d attached to person %d, want 1", d.At.Index, d.PersonID)
		}
	}
	if len(log.people) != 15 {
		t.Fatalf("%d people delivered, want 15 (the weak false alarm dropped)", len(log.people))
	}
}

func TestScanInfersThePersonOfAFaceWithoutBody(t *testing.T) {
	// A close-up: the person detector finds nothing, the face stands for
	// its person.
	src := openTest(t, writeNumberedVideo(t, "closeup.avi", "MJPG", 12, 320, 240))
	an := &numberAnalyzer{t: t, faces: movingFace}
	pf := &numberPeople{t: t, people: func(int) []facedata.Person { return nil }}
	var log peopleLog
	if _, err := Scan(context.Background(), src, an, log.opts(ScanOptions{Every: 1, People: pf})); err != nil {
		t.Fatal(err)
	}
	if len(log.persons) != 1 || len(log.persons[0].Faces) != 1 || log.persons[0].Faces[0].FaceID != 1 {
		t.Fatalf("person tracks %+v: the face's person is missing", log.persons)
	}
	for _, p := range log.people {
		if p.Person.Detector != "face" {
			t.Fatalf("person %+v not inferred from the face", p)
		}
	}
}

func TestScanInfersAPersonForEachOfTwoCloseFaces(t *testing.T) {
	// Two close-ups side by side, no body found: the body inferred from
	// one face (three faces wide) reaches the other face's centre, which
	// must still get a person of its own, and each face track stays on
	// one person.
	src := openTest(t, writeNumberedVideo(t, "twoshot.avi", "MJPG", 12, 320, 240))
	an := &numberAnalyzer{t: t, faces: func(n int) []facedata.Face {
		return []facedata.Face{
			{Box: facedata.Rect{X: 100, Y: 60, W: 40, H: 40}, Score: 0.9},
			{Box: facedata.Rect{X: 160, Y: 62, W: 40, H: 40}, Score: 0.9},
		}
	}}
	pf := &numberPeople{t: t, people: func(int) []facedata.Person { return nil }}
	var log peopleLog
	if _, err := Scan(context.Background(), src, an, log.opts(ScanOptions{Every: 1, People: pf})); err != nil {
		t.Fatal(err)
	}
	if len(log.tracks) != 2 || len(log.persons) != 2 {
		t.Fatalf("%d face tracks and %d person tracks, want 2 and 2", len(log.tracks), len(log.persons))
	}
	owners := map[int][]int{}
	for _, p := range log.persons {
		if len(p.Faces) != 1 {
			t.Fatalf("person %d has face links %+v, want one face", p.ID, p.Faces)
		}
		owners[p.Faces[0].FaceID] = append(owners[p.Faces[0].FaceID], p.ID)
	}
	for _, f := range log.tracks {
		if len(owners[f.ID]) != 1 {
			t.Fatalf("face track %d is on persons %v, want exactly one", f.ID, owners[f.ID])
		}
	}
}

func TestScanCountsACrowdWithoutCap(t *testing.T) {
	src := openTest(t, writeNumberedVideo(t, "crowd.avi", "MJPG", 6, 640, 480))
	an := &numberAnalyzer{t: t, faces: func(int) []facedata.Face { return nil }}
	pf := &numberPeople{t: t, people: func(n int) []facedata.Person {
		var out []facedata.Person
		for i := 0; i < 130; i++ {
			x, y := float64(5+48*(i%13)), float64(5+46*(i/13))
			out = append(out, facedata.Person{Box: facedata.Rect{X: x + float64(n), Y: y, W: 20, H: 44}, Score: 0.8})
		}
		return out
	}}
	var log peopleLog
	sum, err := Scan(context.Background(), src, an, log.opts(ScanOptions{Every: 1, People: pf}))
	if err != nil {
		t.Fatal(err)
	}
	if sum.MostPeople != 130 || sum.PersonTracks != 130 || len(log.persons) != 130 {
		t.Fatalf("summary %+v with %d person tracks, want 130 people in a frame and 130 tracks", sum, len(log.persons))
	}
}

func TestScanWithoutPeopleLeavesFacesAlone(t *testing.T) {
	src := openTest(t, writeNumberedVideo(t, "walk.avi", "MJPG", 10, 320, 240))
	an := &numberAnalyzer{t: t, faces: movingFace}
	var log peopleLog
	sum, err := Scan(context.Background(), src, an, log.opts(ScanOptions{Every: 1}))
	if err != nil {
		t.Fatal(err)
	}
	if sum.People != 0 || sum.PersonTracks != 0 || len(log.persons) != 0 || log.dets[0].PersonID != 0 {
		t.Fatalf("summary %+v, persons %+v", sum, log.persons)
	}
}
