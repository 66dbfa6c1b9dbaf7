package views

import (
	"fmt"
	"strings"

	"facecase/casefile"
	"facecase/media"
	"facecase/tracking"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// personMarkBase offsets the mark ids of person boxes: detections have
// positive ids, tracks' carried boxes small negative ones.
const personMarkBase = -1 << 30

// personMarkID is the FaceMark id of person track id, and personOfMark
// its inverse (0 for a face's mark).
func personMarkID(id uint64) int { return personMarkBase - int(id) }

func personOfMark(mark int) uint64 {
	if mark > personMarkBase {
		return 0
	}
	return uint64(personMarkBase - mark)
}

// personColorOffset keeps people's colours apart from the face tracks'
// of the same number.
const personColorOffset = 5

// videoPeople are a video's stored person tracks ready for drawing.
type videoPeople struct {
	stored []casefile.PersonTrack
	tracks []tracking.Track // the same as tracks: colours, boxes, paths
}

func newVideoPeople(ps []casefile.PersonTrack) videoPeople {
	vp := videoPeople{stored: ps, tracks: make([]tracking.Track, len(ps))}
	for i, p := range ps {
		t := tracking.Track{ID: int(p.ID), Color: trackColor(int(p.ID) + personColorOffset),
			First: tracking.Stamp{Index: int(p.FirstFrame)}, Last: tracking.Stamp{Index: int(p.LastFrame)}}
		for _, pt := range p.Path {
			t.Path = append(t.Path, tracking.PathPoint{Frame: int(pt.Frame), Time: pt.Time, Box: pt.Box, Detected: true})
		}
		if n := len(p.Path); n > 0 {
			t.First.Time, t.Last.Time = p.Path[0].Time, p.Path[n-1].Time
		}
		vp.tracks[i] = t
	}
	return vp
}

// personMatch is who a person is: the most advanced state of their faces
// (a person is confirmed when one of their faces is), over the whole path.
func personMatch(p *casefile.PersonTrack, states *faceStates) session.FaceMatch {
	var m session.FaceMatch
	for _, f := range p.Faces {
		if fm := states.ofTrack(f.TrackID); fm.State > m.State {
			m = fm
		}
	}
	return m
}

// personLabel is a person box's tab: "P3", and their identity in words.
func personLabel(id uint64, m session.FaceMatch) string {
	label := fmt.Sprintf("P%d", id)
	switch m.State {
	case session.FaceCandidate:
		label += " · candidate " + m.Subject
	case session.FaceConfirmed:
		label += " · confirmed: " + m.Subject
	}
	return label
}

// pathsAt are the people's paths on screen at frame index, through their
// foot points, alive and fading as the faces' are.
func (vp videoPeople) pathsAt(index int, cuts []int) []media.OverlayPath {
	return media.TrackOverlay(vp.tracks, index, media.TrackOverlayOptions{NoLabels: true, Tail: pathTail, Cuts: cuts, People: true}).Paths
}

// marksAt are the thin person boxes of frame index, coloured by the
// person's identity (as faces are), their track colour while unknown.
func (vp videoPeople) marksAt(index int, states *faceStates) []widgets.FaceMark {
	var out []widgets.FaceMark
	for i := range vp.tracks {
		ov := media.TrackOverlay(vp.tracks[i:i+1], index, media.TrackOverlayOptions{NoLabels: true})
		if len(ov.Boxes) == 0 {
			continue
		}
		p := &vp.stored[i]
		m := personMatch(p, states)
		col := vp.tracks[i].Color
		if m.State != session.FaceUnknown {
			col = StateColor(m.State)
		}
		out = append(out, widgets.FaceMark{ID: personMarkID(p.ID), Box: ov.Boxes[0].Box, Color: col, Thin: true,
			Label: personLabel(p.ID, m), Detail: personDetail(p, m)})
	}
	return out
}

// personDetail is the card of a person box or lane.
func personDetail(p *casefile.PersonTrack, m session.FaceMatch) string {
	first, last := frameTime(0, int(p.FirstFrame)), frameTime(0, int(p.LastFrame))
	if n := len(p.Path); n > 0 {
		first, last = frameTime(p.Path[0].Time, int(p.FirstFrame)), frameTime(p.Path[n-1].Time, int(p.LastFrame))
	}
	lines := []string{fmt.Sprintf("Person P%d", p.ID), "first " + first, "last " + last,
		fmt.Sprintf("walked %.0f px", p.PathLength())}
	var faces []string
	for _, f := range p.Faces {
		faces = append(faces, fmt.Sprintf("#%d", f.TrackID))
	}
	if len(faces) > 0 {
		lines = append(lines, "faces "+strings.Join(faces, ", "))
	} else {
		lines = append(lines, "face never seen")
	}
	if s := matchDetail(m); s != "" {
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}

// timelineTracks are the people's lanes: "P3" and who they are, with the
// spans they were on screen.
func (vp videoPeople) timelineTracks(states *faceStates) []widgets.TimelineTrack {
	out := make([]widgets.TimelineTrack, 0, len(vp.tracks))
	for i, t := range vp.tracks {
		p := &vp.stored[i]
		m := personMatch(p, states)
		tl := widgets.TimelineTrack{ID: personMarkID(p.ID), Color: t.Color, Label: fmt.Sprintf("P%d", p.ID), Detail: personDetail(p, m)}
		switch m.State {
		case session.FaceCandidate:
			tl.Label += " ? " + m.Subject
		case session.FaceConfirmed:
			tl.Label += " ✓ " + m.Subject
		}
		for k, pt := range t.Path {
			if k > 0 && pt.Frame == t.Path[k-1].Frame+1 {
				tl.Spans[len(tl.Spans)-1][1] = pt.Frame
				continue
			}
			tl.Spans = append(tl.Spans, [2]int{pt.Frame, pt.Frame})
		}
		out = append(out, tl)
	}
	return out
}

// bestFaceOf finds the detection of a person's best face, for the face
// panel (searching from a person searches with their best face).
func bestFaceOf(backend ViewerBackend, evidenceID uint64, p *casefile.PersonTrack) (casefile.Detection, bool) {
	if p.BestFace == nil {
		return casefile.Detection{}, false
	}
	dets, err := backend.FrameDetections(evidenceID, p.BestFace.Frame)
	if err != nil {
		return casefile.Detection{}, false
	}
	for _, d := range dets {
		if d.TrackID == p.BestFace.FaceTrackID {
			return d, true
		}
	}
	return casefile.Detection{}, false
}
