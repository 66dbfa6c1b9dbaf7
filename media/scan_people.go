package media

import (
	"context"
	"fmt"

	"facecase/facedata"
	"facecase/tracking"
)

// scanPeople is the person side of a Scan: people found on detection
// frames, their tracker, and the person detections held until their track
// is decided. Every method is a no-op on a nil *scanPeople (a scan without
// person tracking).
type scanPeople struct {
	finder  PeopleFinder
	tr      *tracking.PersonTracker
	opts    ScanOptions
	pending map[int][]ScanPerson // by track key, for tentative tracks
}

func newScanPeople(opts ScanOptions) *scanPeople {
	return &scanPeople{finder: opts.People, tr: tracking.NewPersonTracker(opts.PersonTracking), opts: opts, pending: map[int][]ScanPerson{}}
}

// find detects the people of a detection frame (nil without person
// tracking).
func (p *scanPeople) find(ctx context.Context, f *Frame) ([]facedata.Person, error) {
	if p == nil {
		return nil, nil
	}
	people, err := p.finder.FindPeople(ctx, f.Mat)
	if err != nil {
		return nil, fmt.Errorf("frame %d: people: %w", f.Index, err)
	}
	return people, nil
}

// track feeds a detection frame's people to the person tracker. A face that
// no confidently found person could carry (a close-up, a head above a
// crowd) stands for its person: a body box is inferred from it (Detector
// "face"), so that every face belongs to a person.
func (p *scanPeople) track(at tracking.Stamp, f *Frame, people []facedata.Person, faces []facedata.Face, sf *ScanFrame, sum *ScanSummary) error {
	if p == nil {
		return nil
	}
	strong := p.tr.Config().MinScore
	for i := range faces {
		held := false
		for j := range people {
			if people[j].Score >= strong && people[j].Box.Holds(faces[i].Box) {
				held = true
				break
			}
		}
		if !held {
			body := faces[i].Box.BodyFromFace(f.Mat.Cols(), f.Mat.Rows())
			if body.W >= 1 && body.H >= 1 {
				people = append(people, facedata.Person{Box: body, Score: max(faces[i].Score, 1), Detector: facedata.PersonFromFace})
			}
		}
	}
	as := p.tr.Update(at, people)
	// Weak detections no track took are dropped: they were only offered
	// to the tracker to keep half-hidden people followed.
	var kept []facedata.Person
	var keptAs []tracking.Assignment
	for i, a := range as {
		if a.Key != 0 {
			kept = append(kept, people[i])
			keptAs = append(keptAs, a)
		}
	}
	sf.People, sf.PersonAssignments = kept, keptAs
	sum.People += len(kept)
	sum.MostPeople = max(sum.MostPeople, len(kept))
	return p.deliver(at, kept, keptAs)
}

// deliver hands out this frame's people on confirmed tracks, holds the
// others, and releases held ones whose track has been decided.
func (p *scanPeople) deliver(at tracking.Stamp, people []facedata.Person, as []tracking.Assignment) error {
	var now []ScanPerson
	for key, held := range p.pending {
		id, alive := p.tr.IDOf(key)
		if id != 0 || !alive {
			now = append(now, withPersonTrack(held, id)...)
			delete(p.pending, key)
		}
	}
	for i, a := range as {
		d := ScanPerson{At: at, Person: people[i], TrackID: a.ID}
		if a.ID != 0 {
			now = append(now, d)
		} else {
			p.pending[a.Key] = append(p.pending[a.Key], d)
		}
	}
	return p.send(now)
}

func withPersonTrack(ps []ScanPerson, id int) []ScanPerson {
	for i := range ps {
		ps[i].TrackID = id
	}
	return ps
}

func (p *scanPeople) send(ps []ScanPerson) error {
	if len(ps) == 0 || p.opts.OnPeople == nil {
		return nil
	}
	sortPeople(ps)
	return p.opts.OnPeople(ps)
}

func sortPeople(ps []ScanPerson) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].At.Index < ps[j-1].At.Index; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// attach ties a detection frame's faces to the people followed and returns
// the person id of each face (0: none or a person not yet confirmed); nil
// without person tracking.
func (p *scanPeople) attach(at tracking.Stamp, faces []facedata.Face, as []tracking.Assignment) []int {
	if p == nil {
		return nil
	}
	keys := p.tr.AttachFaces(at, faces, as)
	ids := make([]int, len(keys))
	for i, k := range keys {
		if k != 0 {
			ids[i], _ = p.tr.IDOf(k)
		}
	}
	return ids
}

func (p *scanPeople) predict(at tracking.Stamp) {
	if p != nil {
		p.tr.Predict(at)
	}
}

func (p *scanPeople) cut() {
	if p != nil {
		p.tr.Cut()
	}
}

func (p *scanPeople) active() []tracking.PersonTrack {
	if p == nil {
		return nil
	}
	return p.tr.Active()
}

// ended reports the person tracks that ended, their face links resolved
// with the face tracker faces.
func (p *scanPeople) ended(faces *tracking.Tracker, sum *ScanSummary) error {
	if p == nil {
		return nil
	}
	return p.report(p.tr.Ended(), faces, sum)
}

func (p *scanPeople) report(tracks []tracking.PersonTrack, faces *tracking.Tracker, sum *ScanSummary) error {
	idOf := func(key int) int { id, _ := faces.IDOf(key); return id }
	for _, t := range tracks {
		sum.PersonTracks++
		if p.opts.OnPersonTrack != nil {
			if err := p.opts.OnPersonTrack(t.ResolveFaceIDs(idOf)); err != nil {
				return err
			}
		}
	}
	return nil
}

// finish ends every person track and delivers the people still held.
func (p *scanPeople) finish(faces *tracking.Tracker, sum *ScanSummary) error {
	if p == nil {
		return nil
	}
	tracks := p.tr.Finish()
	var rest []ScanPerson
	for key, held := range p.pending {
		id, _ := p.tr.IDOf(key)
		rest = append(rest, withPersonTrack(held, id)...)
	}
	p.pending = nil
	err := p.send(rest)
	if rerr := p.report(tracks, faces, sum); err == nil {
		err = rerr
	}
	return err
}
