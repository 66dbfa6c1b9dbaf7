package tracking

import "sort"

// liveEntry is a track being followed by one of the trackers (faces or
// people): T is the value it reports.
type liveEntry[T any] interface {
	// entryKey is the track's key from its first detection; entryID its id
	// once confirmed, 0 while tentative.
	entryKey() int
	entryID() int
	// endNow marks the track not visible (it ends now) and returns its
	// snapshot.
	endNow() T
	snapshot() T
}

// trackBook keeps what both trackers keep alike: the tracks being
// followed, those ended and not yet collected, and the id every track ever
// confirmed got.
type trackBook[T any, L liveEntry[T]] struct {
	tracks    []L
	ended     []T
	confirmed map[int]int // key -> id of every track ever confirmed
	idOf      func(T) int
}

func newTrackBook[T any, L liveEntry[T]](idOf func(T) int) trackBook[T, L] {
	return trackBook[T, L]{confirmed: map[int]int{}, idOf: idOf}
}

// idOfKey says what became of the track with the given key: its id once
// confirmed (0 while tentative or if it was dropped unconfirmed), and
// whether the tracker still follows it.
func (b *trackBook[T, L]) idOfKey(key int) (id int, alive bool) {
	for _, tr := range b.tracks {
		if tr.entryKey() == key {
			return tr.entryID(), true
		}
	}
	return b.confirmed[key], false
}

// active returns snapshots of the confirmed tracks still followed, in
// order of id.
func (b *trackBook[T, L]) active() []T {
	var out []T
	for _, tr := range b.tracks {
		if tr.entryID() != 0 {
			out = append(out, tr.snapshot())
		}
	}
	b.sortByID(out)
	return out
}

// collect returns the tracks ended since the last call, in order of id,
// and forgets them.
func (b *trackBook[T, L]) collect() []T {
	out := b.ended
	b.ended = nil
	b.sortByID(out)
	return out
}

// endAll ends every confirmed track and drops the tentative ones.
func (b *trackBook[T, L]) endAll() {
	for _, tr := range b.tracks {
		if tr.entryID() != 0 {
			b.ended = append(b.ended, tr.endNow())
		}
	}
	b.tracks = nil
}

func (b *trackBook[T, L]) sortByID(ts []T) {
	sort.SliceStable(ts, func(i, j int) bool { return b.idOf(ts[i]) < b.idOf(ts[j]) })
}
