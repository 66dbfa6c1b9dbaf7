package tracking

import (
	"math"

	"facecase/facedata"
)

// PersonTracker follows whole people frame after frame with the face
// tracker's motion model (a Kalman filter per box coordinate) and
// assignment (the Hungarian algorithm on a gated cost), adding the colours
// of a person's clothes as the appearance cue that keeps an identity
// through an occlusion. Faces found in the same frames are attached to the
// person whose upper body holds them (AttachFaces). Not safe for concurrent
// use.
type PersonTracker struct {
	trackBook[PersonTrack, *livePerson]
	cfg     PersonConfig
	last    Stamp
	started bool
	nextID  int
	nextKey int
	// faceOwner maps a face track's key to the key of the person track
	// it belongs to (see AttachFaces).
	faceOwner map[int]int
}

// livePerson is a person track being followed, confirmed or not.
type livePerson struct {
	PersonTrack
	key          int
	filter       boxFilter
	hits         int
	missedRounds int
	lastHit      Stamp
	lastBox      facedata.Rect
	clothes      *facedata.ClothesColour // remembered appearance; nil until measured
	faceIndex    map[int]int             // face key -> index in Faces
}

// NewPersonTracker makes a person tracker; zero fields of cfg take their
// defaults.
func NewPersonTracker(cfg PersonConfig) *PersonTracker {
	return &PersonTracker{trackBook: newTrackBook[PersonTrack, *livePerson](func(p PersonTrack) int { return p.ID }),
		cfg: cfg.withDefaults(), nextID: 1, nextKey: 1, faceOwner: map[int]int{}}
}

// Config is the configuration in use, defaults filled in.
func (t *PersonTracker) Config() PersonConfig { return t.cfg }

// Predict advances every track to frame s without a detection.
func (t *PersonTracker) Predict(s Stamp) { t.advance(s) }

// Update feeds the people detected in frame s (all of them, weak ones
// too; an empty slice when none) and returns, for each, the track it went
// to (ID 0 while the track is tentative). Association runs in two rounds,
// as ByteTrack does (Zhang et al., ECCV 2022): people scored at least
// Config.MinScore are matched to every track on motion and clothes; the
// weaker ones, often people half hidden behind someone or something, may
// then only continue confirmed tracks left without a match, on motion
// alone, and never start a track. A weak person no track took gets the
// zero Assignment (Key 0).
func (t *PersonTracker) Update(s Stamp, people []facedata.Person) []Assignment {
	t.advance(s)
	crowded := crowdedPeople(people)
	var strong, weak []int
	for i := range people {
		if people[i].Score >= t.cfg.MinScore {
			strong = append(strong, i)
		} else {
			weak = append(weak, i)
		}
	}
	matched := make([]bool, len(t.tracks))
	owner := make([]*livePerson, len(people))
	for k, ti := range t.match(people, strong, crowded, matched, false) {
		if ti >= 0 {
			pi := strong[k]
			matched[ti] = true
			owner[pi] = t.tracks[ti]
			owner[pi].hit(s, &people[pi], !crowded[pi], t.cfg)
		}
	}
	for k, ti := range t.match(people, weak, crowded, matched, true) {
		if ti >= 0 {
			pi := weak[k]
			matched[ti] = true
			owner[pi] = t.tracks[ti]
			owner[pi].hit(s, &people[pi], false, t.cfg)
		}
	}
	kept := t.tracks[:0]
	for i, tr := range t.tracks {
		if !matched[i] {
			tr.missedRounds++
			tr.Visible = false
			if tr.ID == 0 && tr.missedRounds > t.cfg.MaxTentativeMisses {
				continue
			}
			if tr.ID != 0 && s.Time-tr.lastHit.Time > t.cfg.MaxMissTime && tr.missedRounds >= 2 {
				t.ended = append(t.ended, tr.snapshot())
				continue
			}
		}
		kept = append(kept, tr)
	}
	t.tracks = kept
	for _, pi := range strong {
		if owner[pi] == nil {
			owner[pi] = t.newTrack(s, &people[pi], !crowded[pi])
			t.tracks = append(t.tracks, owner[pi])
		}
	}
	for _, tr := range t.tracks {
		if tr.ID == 0 && tr.hits >= t.cfg.MinHits {
			tr.ID = t.nextID
			tr.Color = PersonColor(tr.ID)
			t.nextID++
			t.confirmed[tr.key] = tr.ID
		}
	}
	out := make([]Assignment, len(people))
	for pi, tr := range owner {
		if tr != nil {
			out[pi] = Assignment{Key: tr.key, ID: tr.ID}
		}
	}
	return out
}

func (t *PersonTracker) advance(s Stamp) {
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

// match returns, for each of the people picked (indices into people), the
// index of the track it continues or -1, among the tracks not taken yet.
// Weak people are matched to confirmed tracks only, on motion alone.
func (t *PersonTracker) match(people []facedata.Person, pick []int, crowded, taken []bool, weak bool) []int {
	out := make([]int, len(pick))
	for i := range out {
		out[i] = -1
	}
	if len(pick) == 0 || len(t.tracks) == 0 {
		return out
	}
	// Each person may also stay unmatched, at the cost NoMatchCost (a
	// column of its own): a plausible pair is never given up for two
	// implausible ones, as a matching of the most pairs would.
	n := len(t.tracks)
	cost := make([][]float64, len(pick))
	for k, pi := range pick {
		cost[k] = make([]float64, n+len(pick))
		for j := n; j < len(cost[k]); j++ {
			cost[k][j] = math.Inf(1)
		}
		cost[k][n+k] = t.cfg.NoMatchCost
		for ti, tr := range t.tracks {
			var c float64
			switch {
			case taken[ti] || (weak && tr.ID == 0):
				c = math.Inf(1)
			case weak:
				c = weakPairCost(tr, &people[pi], t.cfg)
			default:
				c = personPairCost(tr, &people[pi], crowded[pi], t.cfg)
				if tr.ID == 0 && !math.IsInf(c, 1) {
					c += 0.05 // prefer confirmed tracks on a tie
				}
			}
			cost[k][ti] = c
		}
	}
	for k, ti := range assign(cost) {
		if ti < n {
			out[k] = ti
		}
	}
	return out
}

func (t *PersonTracker) newTrack(s Stamp, p *facedata.Person, clean bool) *livePerson {
	tr := &livePerson{key: t.nextKey, filter: newBoxFilter(p.Box), faceIndex: map[int]int{}}
	t.nextKey++
	tr.First = s
	tr.hit(s, p, clean, t.cfg)
	return tr
}

// hit records that person p, detected in frame s, continues the track.
// The clothes memory learns only from detections that overlap nobody.
func (tr *livePerson) hit(s Stamp, p *facedata.Person, clean bool, cfg PersonConfig) {
	if tr.hits > 0 {
		tr.filter.update(p.Box)
		tr.Path = appendGap(tr.Path, tr.lastHit, s, tr.lastBox, p.Box)
	}
	tr.Box = tr.filter.box()
	tr.Path = append(tr.Path, PathPoint{Frame: s.Index, Time: s.Time, Box: p.Box, Detected: true})
	tr.hits++
	tr.Detections++
	tr.missedRounds = 0
	tr.Visible = true
	tr.lastHit, tr.lastBox, tr.Last = s, p.Box, s
	if tr.hits == 1 || (p.Box.H > tr.BodyBox.H && p.Score >= 0.5) {
		tr.BodyAt, tr.BodyBox = s, p.Box
	}
	if p.Clothes != nil && (clean || tr.clothes == nil) {
		tr.clothes = blendClothes(tr.clothes, p.Clothes, cfg.ClothesMemory)
	}
}

// blendClothes is the remembered appearance after seeing c: c itself the
// first time, then memory·old + (1-memory)·c.
func blendClothes(old, c *facedata.ClothesColour, memory float64) *facedata.ClothesColour {
	if old == nil {
		cc := *c
		return &cc
	}
	out := *old
	m := float32(memory)
	for i := range out.Upper {
		out.Upper[i] = m*out.Upper[i] + (1-m)*c.Upper[i]
		out.Lower[i] = m*out.Lower[i] + (1-m)*c.Lower[i]
	}
	return &out
}

func (tr *livePerson) entryKey() int { return tr.key }
func (tr *livePerson) entryID() int  { return tr.ID }
func (tr *livePerson) endNow() PersonTrack {
	tr.Visible = false
	return tr.snapshot()
}

// snapshot copies the public part of the track; slices are capped so the
// tracker's later appends never touch what the snapshot sees.
func (tr *livePerson) snapshot() PersonTrack {
	p := tr.PersonTrack
	p.Path = p.Path[:len(p.Path):len(p.Path)]
	p.Faces = append([]FaceLink(nil), p.Faces...)
	return p
}

// IDOf says what became of the person track with the given key: its id
// once confirmed (0 while tentative or if it was dropped unconfirmed), and
// whether the tracker still follows it.
func (t *PersonTracker) IDOf(key int) (id int, alive bool) { return t.idOfKey(key) }

// Active returns snapshots of the confirmed person tracks still being
// followed, in order of id.
func (t *PersonTracker) Active() []PersonTrack { return t.active() }

// Ended returns the person tracks that ended since the last call, in order
// of id, and forgets them.
func (t *PersonTracker) Ended() []PersonTrack { return t.collect() }

// Cut ends every track at a scene cut.
func (t *PersonTracker) Cut() {
	t.endAll()
	clear(t.faceOwner)
}

// Finish ends every confirmed track and returns all ended tracks not yet
// collected with Ended.
func (t *PersonTracker) Finish() []PersonTrack {
	t.Cut()
	return t.Ended()
}

// crowdedPeople marks people whose boxes overlap another's by more than a
// tenth of the smaller box: their clothes colours mix.
func crowdedPeople(people []facedata.Person) []bool {
	out := make([]bool, len(people))
	for i := range people {
		for j := i + 1; j < len(people); j++ {
			in := people[i].Box.Intersect(people[j].Box).Area()
			if in > 0.1*math.Min(people[i].Box.Area(), people[j].Box.Area()) {
				out[i], out[j] = true, true
			}
		}
	}
	return out
}
