package tracking

import (
	"math"

	"facecase/facedata"
)

// Tracker assigns identities to faces frame after frame. It is not safe for
// concurrent use: feed it from one goroutine and hand the snapshots it
// returns to others.
type Tracker struct {
	trackBook[Track, *liveTrack]
	cfg     Config
	last    Stamp
	started bool
	nextID  int
	nextKey int
}

// Assignment says which track a detected face went to.
type Assignment struct {
	// Key identifies the track from its first detection, tentative or
	// not; keys are unique within a tracker and never reused.
	Key int
	// ID is the track's id once confirmed, 0 while it is tentative.
	ID int
}

// liveTrack is a track being followed, confirmed or not.
type liveTrack struct {
	Track
	key          int
	filter       boxFilter
	hits         int
	missedRounds int
	lastHit      Stamp
	lastBox      facedata.Rect // last detected box
}

// New makes a tracker; zero fields of cfg take their defaults.
func New(cfg Config) *Tracker {
	return &Tracker{trackBook: newTrackBook[Track, *liveTrack](func(t Track) int { return t.ID }),
		cfg: cfg.withDefaults(), nextID: 1, nextKey: 1}
}

// Config is the configuration in use, defaults filled in.
func (t *Tracker) Config() Config { return t.cfg }

// Predict advances every track to frame s without a detection: boxes move
// by their predicted motion. Call it on frames where detection does not
// run; nothing is counted as missed.
func (t *Tracker) Predict(s Stamp) {
	t.advance(s)
}

// Update feeds the faces detected in frame s (every face the detector
// found; an empty slice when it found none). It returns, for each face, the
// track it went to. A face on a tentative track gets ID 0: ask IDOf later
// whether that track was confirmed or dropped.
func (t *Tracker) Update(s Stamp, faces []facedata.Face) []Assignment {
	t.advance(s)
	crowded := crowdedFaces(faces)
	matches := t.match(faces, crowded)
	matched := make([]bool, len(t.tracks))
	owner := make([]*liveTrack, len(faces))
	for fi, ti := range matches {
		if ti < 0 {
			continue
		}
		matched[ti] = true
		owner[fi] = t.tracks[ti]
		owner[fi].hit(s, &faces[fi], !crowded[fi], t.cfg)
	}
	kept := t.tracks[:0]
	for i, tr := range t.tracks {
		if !matched[i] {
			tr.missedRounds++
			tr.Visible = false
			if tr.ID == 0 && tr.missedRounds > t.cfg.MaxTentativeMisses {
				continue // a tentative track that did not persist
			}
			if tr.ID != 0 && s.Index-tr.lastHit.Index > t.cfg.MaxMissFrames && tr.missedRounds >= 2 {
				t.ended = append(t.ended, tr.snapshot())
				continue
			}
		}
		kept = append(kept, tr)
	}
	t.tracks = kept
	for fi, ti := range matches {
		if ti < 0 {
			owner[fi] = t.newTrack(s, &faces[fi], !crowded[fi])
			t.tracks = append(t.tracks, owner[fi])
		}
	}
	for _, tr := range t.tracks {
		if tr.ID == 0 && tr.hits >= t.cfg.MinHits {
			tr.ID = t.nextID
			tr.Color = Color(tr.ID)
			t.nextID++
			t.confirmed[tr.key] = tr.ID
		}
	}
	out := make([]Assignment, len(faces))
	for fi, tr := range owner {
		out[fi] = Assignment{Key: tr.key, ID: tr.ID}
	}
	return out
}

// advance moves the clock to s and predicts every track forward.
func (t *Tracker) advance(s Stamp) {
	if t.started {
		if dt := s.Index - t.last.Index; dt > 0 {
			for _, tr := range t.tracks {
				tr.filter.predict(float64(dt))
				tr.Box = tr.filter.box()
			}
		}
	}
	t.last, t.started = s, true
}

// match returns, for each face, the index of the track it continues or -1.
func (t *Tracker) match(faces []facedata.Face, crowded []bool) []int {
	out := make([]int, len(faces))
	for i := range out {
		out[i] = -1
	}
	if len(faces) == 0 || len(t.tracks) == 0 {
		return out
	}
	cost := make([][]float64, len(faces))
	for fi := range faces {
		cost[fi] = make([]float64, len(t.tracks))
		for ti, tr := range t.tracks {
			c := pairCost(tr, &faces[fi], crowded[fi], t.cfg)
			if tr.ID == 0 && !math.IsInf(c, 1) {
				c += 0.05 // prefer confirmed tracks on a tie
			}
			cost[fi][ti] = c
		}
	}
	return assign(cost)
}

// newTrack starts a tentative track from an unmatched face.
func (t *Tracker) newTrack(s Stamp, f *facedata.Face, clean bool) *liveTrack {
	tr := &liveTrack{key: t.nextKey, filter: newBoxFilter(f.Box)}
	t.nextKey++
	tr.First = s
	tr.hit(s, f, clean, t.cfg)
	return tr
}

// IDOf says what became of the track with the given key: its id once
// confirmed (0 while tentative or if it was dropped unconfirmed), and
// whether the tracker still follows it.
func (t *Tracker) IDOf(key int) (id int, alive bool) { return t.idOfKey(key) }

// Active returns snapshots of the confirmed tracks still being followed,
// visible or not, in order of id.
func (t *Tracker) Active() []Track { return t.active() }

// Ended returns the tracks that ended since the last call, in order of id,
// and forgets them.
func (t *Tracker) Ended() []Track { return t.collect() }

// Cut ends every track at a scene cut (an edited video switching camera):
// the people after the cut are new tracks, whatever their position.
// Confirmed tracks go to Ended; tentative ones are dropped.
func (t *Tracker) Cut() { t.endAll() }

// Finish ends every confirmed track (the source is over) and returns all
// ended tracks not yet collected with Ended. Tentative tracks are dropped.
func (t *Tracker) Finish() []Track {
	t.Cut()
	return t.Ended()
}
