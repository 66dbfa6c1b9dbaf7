package views

import (
	"facecase/casefile"
	"facecase/facedata"
	"facecase/ui/async"
	"facecase/ui/dialogs"
	"facecase/ui/session"
)

// SelectMark opens the face panel for a box on screen: a detection, or a
// box the tracker carried (negative ids, see trackMarks).
func (v *ViewerView) SelectMark(id int) {
	if p := personOfMark(id); p != 0 {
		v.SelectPerson(p, true)
		return
	}
	v.sideTabs.SelectIndex(0) // the face panel
	if id < 0 {
		v.SelectTrack(uint64(-id))
	} else {
		v.SelectFace(uint64(id))
	}
}

// SelectFace opens the face panel for a detection of the frame on screen.
func (v *ViewerView) SelectFace(detectionID uint64) {
	var det casefile.Detection
	found := false
	for _, d := range v.dets {
		if d.ID == detectionID {
			det, found = d, true
		}
	}
	if !found {
		all, err := v.backend.FrameDetections(v.ev.ID, uint32(v.frame))
		if err != nil {
			dialogs.ShowError(v.win, err)
			return
		}
		for _, d := range all {
			if d.ID == detectionID {
				det, found = d, true
			}
		}
		v.dets = all
	}
	if !found {
		return
	}
	v.faces.Select(int(detectionID))
	v.panel.Show(v.ev, det, cropRGBA(v.image, det), v.shownPosition())
}

// trackSearchFrames is how far from the frame on screen SelectTrack looks
// for a detection of the track (media.Scan detects on every frame, or
// every Nth with N at most 8 by default).
const trackSearchFrames = 8

// SelectTrack opens the face panel for the detection of a track nearest
// the frame on screen (the box there was carried by the tracker).
func (v *ViewerView) SelectTrack(trackID uint64) {
	var box facedata.Rect
	for _, m := range v.faces.Scene().Faces {
		if m.ID == -int(trackID) {
			box = m.Box
		}
	}
	for k := 1; k <= trackSearchFrames; k++ {
		for _, f := range []int{v.frame - k, v.frame + k} {
			if f < 0 {
				continue
			}
			dets, err := v.backend.FrameDetections(v.ev.ID, uint32(f))
			if err != nil {
				continue
			}
			for _, d := range dets {
				if d.TrackID == trackID {
					v.faces.Select(-int(trackID))
					crop := d
					crop.Box = box
					v.panel.Show(v.ev, d, cropRGBA(v.image, crop), v.shownPosition())
					return
				}
			}
		}
	}
}

// shownPosition is the frame on screen, for the face panel.
func (v *ViewerView) shownPosition() screenPos {
	return screenPos{Frame: v.frame, Time: v.shownAt, Video: v.frames > 1}
}

// reloadStates re-reads face states after a search, enrolment or review
// (UI goroutine) and redraws the frame's boxes, those the tracker carried
// included, and the timeline's lane labels.
func (v *ViewerView) reloadStates() {
	if !v.loaded {
		return
	}
	id := v.ev.ID
	go func() {
		v.reloadStatesNow(id)
		async.Do("viewer states", func() {
			if v.ev.ID != id || !v.loaded {
				return
			}
			s := v.faces.Scene()
			dets, err := v.backend.FrameDetections(id, uint32(v.frame))
			if err != nil {
				return
			}
			s.Faces = v.marksAt(v.vt, v.vp, v.frame, dets)
			v.faces.SetScene(s)
			if v.frames > 1 {
				v.timeline.SetTracks(v.frames, v.lanes())
				v.people.SetStates(v.states.Load())
			}
		})
	}()
}

// Reload re-reads face states (another view searched or reviewed).
func (v *ViewerView) Reload() { v.reloadStates() }

// reloadStatesNow reads face states (off the UI goroutine).
func (v *ViewerView) reloadStatesNow(evidenceID uint64) {
	byDet, err := v.backend.FaceStates(evidenceID)
	if err != nil {
		return
	}
	st := &faceStates{byDetection: byDet, byTrack: map[uint64]session.FaceMatch{}}
	for id, m := range byDet {
		if d, err := v.backend.Detection(id); err == nil && d.TrackID != 0 && m.State > st.byTrack[d.TrackID].State {
			st.byTrack[d.TrackID] = m
		}
	}
	v.states.Store(st)
}

// SelectPerson opens the face panel on a person's best face (the face to
// search with for the whole person), cut from its own frame, and selects
// the person in the People list; showFace brings the face panel to the
// front. A person whose face was never seen has nothing to search with:
// only the list follows.
func (v *ViewerView) SelectPerson(personID uint64, showFace bool) {
	v.people.Select(personID)
	var p *casefile.PersonTrack
	for i := range v.vp.stored {
		if v.vp.stored[i].ID == personID {
			p = &v.vp.stored[i]
		}
	}
	if p == nil {
		return
	}
	v.faces.Select(personMarkID(personID))
	ev, pos := v.ev, v.shownPosition()
	person := *p
	go func() {
		det, ok := bestFaceOf(v.backend, ev.ID, &person)
		if !ok {
			return
		}
		chip, err := v.backend.PersonCrop(v.ctx, ev.ID, *person.BestFace, 150)
		if err != nil {
			chip = nil
		}
		async.Do("viewer person face", func() {
			if v.ev.ID == ev.ID {
				v.panel.Show(ev, det, chip, pos)
				if showFace {
					v.sideTabs.SelectIndex(0)
				}
			}
		})
	}()
}
