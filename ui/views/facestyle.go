package views

import (
	"fmt"
	"image/color"

	"facecase/casefile"
	"facecase/media"
	"facecase/tracking"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// Box colours by face state.
var (
	colorUnknown   = color.RGBA{R: 0xf0, G: 0xf0, B: 0xf0, A: 0xff}
	colorCandidate = color.RGBA{R: 0xff, G: 0xa0, B: 0x00, A: 0xff}
	colorConfirmed = color.RGBA{R: 0x30, G: 0xd0, B: 0x60, A: 0xff}
)

// StateColor is the box colour of a face state.
func StateColor(st session.FaceState) color.RGBA {
	switch st {
	case session.FaceCandidate:
		return colorCandidate
	case session.FaceConfirmed:
		return colorConfirmed
	}
	return colorUnknown
}

// faceStates is a snapshot of face states: by detection, and by track
// (a track takes the state of its most advanced searched detection).
type faceStates struct {
	byDetection map[uint64]session.FaceState
	byTrack     map[uint64]session.FaceState
}

func (s *faceStates) of(d *casefile.Detection) session.FaceState {
	if s == nil {
		return session.FaceUnknown
	}
	st := s.byDetection[d.ID]
	if d.TrackID != 0 {
		st = max(st, s.byTrack[d.TrackID])
	}
	return st
}

// faceMarks turns a frame's detections into boxes coloured by state and
// labelled with their track.
func faceMarks(dets []casefile.Detection, states *faceStates) []widgets.FaceMark {
	marks := make([]widgets.FaceMark, len(dets))
	for i := range dets {
		d := &dets[i]
		st := states.of(d)
		label := ""
		if d.TrackID != 0 {
			label = fmt.Sprintf("#%d", d.TrackID)
		}
		if st != session.FaceUnknown {
			if label != "" {
				label += " "
			}
			label += st.String()
		}
		marks[i] = widgets.FaceMark{ID: int(d.ID), Box: d.Box, Color: StateColor(st), Label: label, Landmarks: d.Landmarks}
	}
	return marks
}

// trackMarks are the boxes the tracker carried for tracks without a
// detection in frame index (detection may run on every Nth frame only).
// Their IDs are minus the track id.
func trackMarks(tracks []tracking.Track, index int, dets []casefile.Detection, states *faceStates) []widgets.FaceMark {
	detected := map[uint64]bool{}
	for _, d := range dets {
		detected[d.TrackID] = true
	}
	var out []widgets.FaceMark
	for i := range tracks {
		t := tracks[i : i+1]
		if detected[uint64(t[0].ID)] {
			continue
		}
		ov := media.TrackOverlay(t, index, media.TrackOverlayOptions{NoLabels: true})
		if len(ov.Boxes) == 0 {
			continue
		}
		st := session.FaceUnknown
		if states != nil {
			st = states.byTrack[uint64(t[0].ID)]
		}
		label := fmt.Sprintf("#%d", t[0].ID)
		if st != session.FaceUnknown {
			label += " " + st.String()
		}
		out = append(out, widgets.FaceMark{ID: -t[0].ID, Box: ov.Boxes[0].Box, Color: StateColor(st), Label: label})
	}
	return out
}

// trackingTracks converts stored tracks for media.TrackOverlay and the
// timeline: each gets its tracker colour.
func trackingTracks(ts []casefile.Track) []tracking.Track {
	out := make([]tracking.Track, len(ts))
	for i, t := range ts {
		tt := tracking.Track{ID: int(t.ID), Color: tracking.Color(int(t.ID)),
			First: tracking.Stamp{Index: int(t.FirstFrame)}, Last: tracking.Stamp{Index: int(t.LastFrame)}}
		for _, p := range t.Path {
			tt.Path = append(tt.Path, tracking.PathPoint{Frame: int(p.Frame), Time: p.Time, Box: p.Box, Detected: true})
		}
		out[i] = tt
	}
	return out
}

// pathsAt are the dots of every track's path up to frame index.
func pathsAt(tracks []tracking.Track, index int) []media.OverlayPath {
	return media.TrackOverlay(tracks, index, media.TrackOverlayOptions{NoLabels: true}).Paths
}

// timelineTracks are the spans in which each track is on screen: runs of
// consecutive path frames.
func timelineTracks(tracks []tracking.Track) []widgets.TimelineTrack {
	out := make([]widgets.TimelineTrack, 0, len(tracks))
	for _, t := range tracks {
		tl := widgets.TimelineTrack{ID: t.ID, Color: t.Color}
		for i, p := range t.Path {
			if i > 0 && p.Frame == t.Path[i-1].Frame+1 {
				tl.Spans[len(tl.Spans)-1][1] = p.Frame
				continue
			}
			tl.Spans = append(tl.Spans, [2]int{p.Frame, p.Frame})
		}
		out = append(out, tl)
	}
	return out
}
