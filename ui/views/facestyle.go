package views

import (
	"fmt"
	"image/color"
	"sort"
	"strings"
	"time"

	"facecase/casefile"
	"facecase/media"
	"facecase/tracking"
	"facecase/ui/session"
	"facecase/ui/widgets"
)

// Box colours by face state. Track colours (trackPalette) never come near
// them, and a box's label says its state in words as well.
var (
	colorUnknown   = color.RGBA{R: 0xf0, G: 0xf0, B: 0xf0, A: 0xff}
	colorCandidate = color.RGBA{R: 0xff, G: 0xa0, B: 0x00, A: 0xff}
	colorConfirmed = color.RGBA{R: 0x30, G: 0xd0, B: 0x60, A: 0xff}
)

// trackPalette colours tracks' paths and timeline lanes: blues, purples,
// pinks and a red, well apart from the status colours (white, orange,
// green) and from each other.
var trackPalette = []color.RGBA{
	{R: 0x3d, G: 0x7d, B: 0xff, A: 0xff}, // blue
	{R: 0xe0, G: 0x40, B: 0xfb, A: 0xff}, // magenta
	{R: 0x00, G: 0xc8, B: 0xf0, A: 0xff}, // cyan
	{R: 0xff, G: 0x45, B: 0x70, A: 0xff}, // rose red
	{R: 0x90, G: 0x60, B: 0xff, A: 0xff}, // violet
	{R: 0x10, G: 0x40, B: 0xb0, A: 0xff}, // navy
	{R: 0xff, G: 0x80, B: 0xd0, A: 0xff}, // pink
	{R: 0x80, G: 0xa8, B: 0xff, A: 0xff}, // light blue
}

// trackColor is track id's colour in the viewer.
func trackColor(id int) color.RGBA {
	if id < 0 {
		id = -id
	}
	return trackPalette[(id+len(trackPalette)-1)%len(trackPalette)]
}

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

// faceStates is a snapshot of face matches: by detection, and by track
// (a track takes the match of its most advanced searched detection).
type faceStates struct {
	byDetection map[uint64]session.FaceMatch
	byTrack     map[uint64]session.FaceMatch
}

func (s *faceStates) of(d *casefile.Detection) session.FaceMatch {
	if s == nil {
		return session.FaceMatch{}
	}
	m := s.byDetection[d.ID]
	if t, ok := s.byTrack[d.TrackID]; d.TrackID != 0 && ok && t.State > m.State {
		m = t
	}
	return m
}

func (s *faceStates) ofTrack(id uint64) session.FaceMatch {
	if s == nil {
		return session.FaceMatch{}
	}
	return s.byTrack[id]
}

// markLabel is a box's tab: its track and its state in words, with the
// subject's name once confirmed ("#3 · confirmed: Subject A").
func markLabel(trackID uint64, m session.FaceMatch) string {
	var parts []string
	if trackID != 0 {
		parts = append(parts, fmt.Sprintf("#%d", trackID))
	}
	switch m.State {
	case session.FaceCandidate:
		parts = append(parts, "candidate")
	case session.FaceConfirmed:
		parts = append(parts, "confirmed: "+m.Subject)
	}
	return strings.Join(parts, " · ")
}

// matchDetail is the hover card of a searched face: who it is, and each
// review of that candidate with reviewer, time and note.
func matchDetail(m session.FaceMatch) string {
	switch m.State {
	case session.FaceConfirmed:
		lines := []string{fmt.Sprintf("Confirmed: %s (search %d)", m.Subject, m.SearchID)}
		for _, r := range m.Reviews {
			lines = append(lines, session.ReviewLine(r))
		}
		return strings.Join(lines, "\n")
	case session.FaceCandidate:
		return fmt.Sprintf("Candidate %s awaiting review (search %d)", m.Subject, m.SearchID)
	}
	return ""
}

// faceMarks turns a frame's detections into boxes coloured by state and
// labelled with their track and state.
func faceMarks(dets []casefile.Detection, states *faceStates) []widgets.FaceMark {
	marks := make([]widgets.FaceMark, len(dets))
	for i := range dets {
		d := &dets[i]
		m := states.of(d)
		marks[i] = widgets.FaceMark{ID: int(d.ID), Box: d.Box, Color: StateColor(m.State), Label: markLabel(d.TrackID, m),
			Landmarks: d.Landmarks, Detail: matchDetail(m)}
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
		m := states.ofTrack(uint64(t[0].ID))
		out = append(out, widgets.FaceMark{ID: -t[0].ID, Box: ov.Boxes[0].Box, Color: StateColor(m.State),
			Label: markLabel(uint64(t[0].ID), m), Detail: matchDetail(m)})
	}
	return out
}

// videoTracks are a video's stored tracks ready for drawing: each with its
// viewer colour, and the scene cuts that ended any of them.
type videoTracks struct {
	tracks []tracking.Track
	cuts   []int
}

// newVideoTracks converts stored tracks for media.TrackOverlay and the
// timeline.
func newVideoTracks(ts []casefile.Track) videoTracks {
	out := videoTracks{tracks: make([]tracking.Track, len(ts))}
	seen := map[int]bool{}
	for i, t := range ts {
		tt := tracking.Track{ID: int(t.ID), Color: trackColor(int(t.ID)),
			First: tracking.Stamp{Index: int(t.FirstFrame)}, Last: tracking.Stamp{Index: int(t.LastFrame)}}
		for _, p := range t.Path {
			tt.Path = append(tt.Path, tracking.PathPoint{Frame: int(p.Frame), Time: p.Time, Box: p.Box, Detected: true})
		}
		if len(t.Path) > 0 {
			tt.First.Time, tt.Last.Time = t.Path[0].Time, t.Path[len(t.Path)-1].Time
		}
		out.tracks[i] = tt
		if c := int(t.CutFrame); c > 0 && !seen[c] {
			seen[c] = true
			out.cuts = append(out.cuts, c)
		}
	}
	sort.Ints(out.cuts)
	return out
}

// pathTail is how many frames a path stays on screen, fading, after its
// track ended (about half a second at 25 fps; the tracker keeps a lost
// track 30 frames, so every cut inside the tail is known).
const pathTail = 12

// pathsAt are the paths on screen at frame index: tracks alive then, and
// the fading tails of those just ended, stopped at scene cuts.
func (vt videoTracks) pathsAt(index int) []media.OverlayPath {
	return media.TrackOverlay(vt.tracks, index, media.TrackOverlayOptions{NoLabels: true, Tail: pathTail, Cuts: vt.cuts}).Paths
}

// timelineTracks are the lanes of the timeline: for each track the spans
// of consecutive path frames, its number and, when known, the subject,
// with a card giving its first and last frame and its best face.
func (vt videoTracks) timelineTracks(states *faceStates, best map[uint64]casefile.Detection) []widgets.TimelineTrack {
	out := make([]widgets.TimelineTrack, 0, len(vt.tracks))
	for _, t := range vt.tracks {
		m := states.ofTrack(uint64(t.ID))
		tl := widgets.TimelineTrack{ID: t.ID, Color: t.Color, Label: fmt.Sprintf("#%d", t.ID)}
		switch m.State {
		case session.FaceCandidate:
			tl.Label += " ? " + m.Subject
		case session.FaceConfirmed:
			tl.Label += " ✓ " + m.Subject
		}
		lines := []string{fmt.Sprintf("Track #%d", t.ID),
			"first " + frameTime(t.First.Time, t.First.Index), "last " + frameTime(t.Last.Time, t.Last.Index)}
		if d, ok := best[uint64(t.ID)]; ok {
			lines = append(lines, fmt.Sprintf("best face: %s, eye distance %.0f px, %s", frameTime(d.Time, int(d.Frame)),
				d.Quality.Size, usableWord(d.Quality.Usable)))
		}
		if s := matchDetail(m); s != "" {
			lines = append(lines, s)
		}
		tl.Detail = strings.Join(lines, "\n")
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

func usableWord(ok bool) string {
	if ok {
		return "usable for searching"
	}
	return "not usable for searching"
}

// frameTime is how the app shows a moment of a video: its time as
// hh:mm:ss.mmm and its frame number ("00:00:08.642 · frame 216").
func frameTime(d time.Duration, frame int) string {
	return fmt.Sprintf("%s · frame %d", clockTime(d), frame)
}

// clockTime is d as hh:mm:ss.mmm.
func clockTime(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}
