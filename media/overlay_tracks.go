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
		if end > start {
			pts := make([]facedata.Point, 0, end-start)
			for _, p := range path[start:end] {
				pts = append(pts, p.Center())
			}
			ov.Paths = append(ov.Paths, OverlayPath{Points: pts, Color: t.Color})
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
		}
		ov.Boxes = append(ov.Boxes, OverlayBox{Box: box, Color: t.Color, Label: label})
	}
	return ov
}
