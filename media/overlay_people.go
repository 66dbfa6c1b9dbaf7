package media

import "facecase/tracking"

// PersonOverlay is the overlay of frame index for person tracks, drawn as
// TrackOverlay draws face tracks but as people: each person's path walked
// so far as dots through the foot points (bottom centre of the person
// box), one per frame in the person's colour, and a thin box labelled
// "P<id>" while the person is there. Draw it first and the faces' overlay
// over it, so that the face box shows inside the person box.
func PersonOverlay(people []tracking.PersonTrack, index int, opts TrackOverlayOptions) Overlay {
	opts.People = true
	return TrackOverlay(PeopleAsTracks(people), index, opts)
}

// PeopleAsTracks views person tracks as tracks (id, colour, frames, box and
// path), for the overlays and timelines that draw both.
func PeopleAsTracks(people []tracking.PersonTrack) []tracking.Track {
	out := make([]tracking.Track, len(people))
	for i, p := range people {
		out[i] = tracking.Track{ID: p.ID, Color: p.Color, First: p.First, Last: p.Last, Box: p.Box,
			Visible: p.Visible, Detections: p.Detections, Path: p.Path}
	}
	return out
}

// Merge appends o's paths and boxes after ov's: o is drawn over ov.
func (ov Overlay) Merge(o Overlay) Overlay {
	return Overlay{Boxes: append(ov.Boxes[:len(ov.Boxes):len(ov.Boxes)], o.Boxes...),
		Paths: append(ov.Paths[:len(ov.Paths):len(ov.Paths)], o.Paths...)}
}
