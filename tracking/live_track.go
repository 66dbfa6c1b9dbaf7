package tracking

import (
	"facecase/facedata"
)

// hit records that face f, detected in frame s, continues the track. clean
// is false when the face overlaps another detection, whose pixels may have
// leaked into the descriptor: then the appearance history is not updated.
func (tr *liveTrack) hit(s Stamp, f *facedata.Face, clean bool, cfg Config) {
	if tr.hits > 0 {
		tr.filter.update(f.Box)
		tr.fillGap(s, f.Box)
	}
	tr.Box = tr.filter.box()
	tr.Path = append(tr.Path, PathPoint{Frame: s.Index, Time: s.Time, Box: f.Box, Detected: true})
	tr.hits++
	tr.Detections++
	tr.missedRounds = 0
	tr.Visible = true
	tr.lastHit = s
	tr.lastBox = f.Box
	tr.Last = s
	if tr.hits == 1 || BetterFace(f, &tr.Best) {
		tr.Best = *f
		tr.BestAt = s
	}
	if f.Descriptor != nil && (clean || len(tr.Descriptors) == 0) {
		if len(tr.Descriptors) >= cfg.AppearanceHistory {
			// Keep the history's memory fresh without rewriting what
			// snapshots may still be reading.
			tr.Descriptors = append([]facedata.Descriptor(nil), tr.Descriptors[1:]...)
		}
		tr.Descriptors = append(tr.Descriptors, *f.Descriptor)
	}
}

// fillGap adds interpolated points for the frames between the last
// detection and frame s, where the face was not detected.
func (tr *liveTrack) fillGap(s Stamp, box facedata.Rect) {
	tr.Path = appendGap(tr.Path, tr.lastHit, s, tr.lastBox, box)
}

// appendGap appends to path one interpolated point for every frame strictly
// between from and to, moving from box a to box b.
func appendGap(path []PathPoint, from, to Stamp, a, b facedata.Rect) []PathPoint {
	n := to.Index - from.Index
	for k := 1; k < n; k++ {
		f := float64(k) / float64(n)
		path = append(path, PathPoint{
			Frame: from.Index + k,
			Time:  from.Time + scaleDuration(to.Time-from.Time, f),
			Box:   lerpRect(a, b, f),
		})
	}
	return path
}

// snapshot copies the public part of the track. The path and descriptor
// slices are capped at their current length, so the tracker's later
// appends never touch what the snapshot sees.
func (tr *liveTrack) entryKey() int { return tr.key }
func (tr *liveTrack) entryID() int  { return tr.ID }
func (tr *liveTrack) endNow() Track {
	tr.Visible = false
	return tr.snapshot()
}

func (tr *liveTrack) snapshot() Track {
	t := tr.Track
	t.Path = t.Path[:len(t.Path):len(t.Path)]
	t.Descriptors = t.Descriptors[:len(t.Descriptors):len(t.Descriptors)]
	return t
}
