package media

import (
	"fmt"
	"sort"

	"facecase/facedata"
	"facecase/tracking"
)

// TrackOverlayOptions choose what of each track is drawn.
type TrackOverlayOptions struct {
	// Trail limits the path to the points of the last Trail frames; 0
	// draws the whole path walked so far.
	Trail int
	// NoLabels leaves out the "#id" tabs.
	NoLabels bool
	// Tail, when above 0, draws a path only while its track is alive
	// (from its first to its last frame) and for Tail frames after, fading
	// out; 0 keeps every path walked so far on screen.
	Tail int
	// Cuts are the frames that start a new shot, in order: a fading tail
	// never reaches past a cut into the next shot.
	Cuts []int
	// People draws the tracks as people (see PersonOverlay): paths
	// through the boxes' foot points, thin boxes, "P" labels.
	People bool
}

// tailFade is how far a track's path has faded at frame index: 0 while the
// track is alive, rising to 1 Tail frames after its last frame, and 1 once
// a cut lies between its end and index.
func (o TrackOverlayOptions) tailFade(t *tracking.Track, index int) float64 {
	last := t.Last.Index
	if n := len(t.Path); n > 0 {
		last = max(last, t.Path[n-1].Frame)
	}
	if o.Tail <= 0 || index <= last || t.Visible {
		return 0
	}
	k := sort.SearchInts(o.Cuts, last+1)
	if k < len(o.Cuts) && o.Cuts[k] <= index {
		return 1
	}
	return min(1, float64(index-last)/float64(o.Tail+1))
}

// TrackOverlay is the overlay of frame index for tracks: each track's path
// up to that frame as dots of its colour, and its box when the face is
// there. It serves live tracks (between detections a visible track's
// predicted box is drawn) and finished ones (a viewer seeking through a
// scanned video draws the box recorded for the frame).
func TrackOverlay(tracks []tracking.Track, index int, opts TrackOverlayOptions) Overlay {
	var ov Overlay
	for i := range tracks {
		t := &tracks[i]
		if index < t.First.Index {
			continue
		}
		path := t.Path
		end := sort.Search(len(path), func(k int) bool { return path[k].Frame > index })
		start := 0
		if opts.Trail > 0 {
			start = sort.Search(end, func(k int) bool { return path[k].Frame > index-opts.Trail })
		}
		if fade := opts.tailFade(t, index); end > start && fade < 1 {
			pts := make([]facedata.Point, 0, end-start)
			for _, p := range path[start:end] {
				if opts.People {
					pts = append(pts, p.Box.Foot())
				} else {
					pts = append(pts, p.Center())
				}
			}
			ov.Paths = append(ov.Paths, OverlayPath{Points: pts, Color: t.Color, Fade: fade})
		}
		var box facedata.Rect
		switch {
		case end > 0 && path[end-1].Frame == index:
			box = path[end-1].Box
		case t.Visible && index >= t.Last.Index:
			box = t.Box
		default:
			continue
		}
		label := ""
		if !opts.NoLabels {
			label = fmt.Sprintf("#%d", t.ID)
			if opts.People {
				label = fmt.Sprintf("P%d", t.ID)
			}
		}
		ov.Boxes = append(ov.Boxes, OverlayBox{Box: box, Color: t.Color, Label: label, Thin: opts.People})
	}
	return ov
}
