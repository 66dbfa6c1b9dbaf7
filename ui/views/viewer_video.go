package views

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2/theme"

	"facecase/casefile"
	"facecase/media"
	"facecase/ui/async"
	"facecase/ui/dialogs"
	"facecase/ui/widgets"
)

func (v *ViewerView) openVideo(ev casefile.Evidence, seq int64, loaded func(error)) error {
	ts, err := v.backend.Tracks(ev.ID)
	if err != nil {
		return err
	}
	vt := newVideoTracks(ts)
	best, err := v.backend.TrackBestFaces(ev.ID)
	if err != nil {
		return err
	}
	ps, err := v.backend.PersonTracks(ev.ID)
	if err != nil {
		return err
	}
	vp := newVideoPeople(ps)
	src, err := media.Open(v.ctx, v.backend.EvidencePath(ev), media.SourceOptions{})
	if err != nil {
		return err
	}
	info := src.Info()
	overlay := func(f media.Frame) widgets.Scene {
		dets, _ := v.backend.FrameDetections(ev.ID, uint32(f.Index))
		return widgets.Scene{Faces: v.marksAt(vt, vp, f.Index, dets), Paths: append(vp.pathsAt(f.Index, vt.cuts), vt.pathsAt(f.Index)...)}
	}
	first := true
	show := func(f shownFrame, shown func()) {
		async.Do("viewer frame", func() {
			defer shown()
			if v.loadSeq.Load() != seq {
				return
			}
			v.showFrame(f, nil)
			if first {
				first = false
				if loaded != nil {
					loaded(nil)
				}
			}
		})
	}
	ended := func(err error) {
		async.Do("viewer playback ended", func() {
			if v.loadSeq.Load() != seq {
				return
			}
			v.setPlaying(false)
			if err != nil {
				dialogs.ShowError(v.win, err)
			}
		})
	}
	async.DoAndWait("viewer video", func() {
		if v.loadSeq.Load() != seq {
			src.Close()
			return
		}
		v.ev, v.loaded, v.frames, v.fps, v.vt, v.vp, v.best = ev, true, info.FrameCount, info.FPS, vt, vp, best
		people := ""
		if len(vp.tracks) > 0 {
			people = fmt.Sprintf(" · %d people", len(vp.tracks))
		}
		v.title.SetText(fmt.Sprintf("%s · video %dx%d · %.1f fps · %d frames%s · %d face tracks · %d scene cuts",
			ev.Name, info.Width, info.Height, info.FPS, info.FrameCount, people, len(vt.tracks), len(vt.cuts)))
		v.timeline.SetTracks(max(1, info.FrameCount), v.lanes())
		v.people.Set(ev, vp.stored)
		v.timeline.SetCuts(vt.cuts)
		v.controls.Show()
		v.content.Refresh() // lay the picture out again above the controls
		v.setPlaying(false)
		v.player = startPlayer(v.ctx, src, overlay, show, ended)
	})
	return nil
}

// marksAt are the boxes of frame index: the people's thin boxes first, then
// its detections and the boxes the tracker carried between detections
// over them.
func (v *ViewerView) marksAt(vt videoTracks, vp videoPeople, index int, dets []casefile.Detection) []widgets.FaceMark {
	states := v.states.Load()
	marks := vp.marksAt(index, states)
	marks = append(marks, faceMarks(dets, states)...)
	return append(marks, trackMarks(vt.tracks, index, dets, states)...)
}

// lanes are the timeline's lanes: the people's, then the faces'.
func (v *ViewerView) lanes() []widgets.TimelineTrack {
	states := v.states.Load()
	return append(v.vp.timelineTracks(states), v.vt.timelineTracks(states, v.best)...)
}

// TogglePlay plays or pauses a video.
func (v *ViewerView) TogglePlay() {
	if v.player == nil {
		return
	}
	if v.playing {
		v.player.Pause()
		v.setPlaying(false)
		return
	}
	if v.frames > 0 && v.frame >= v.frames-1 {
		v.player.Seek(0)
	}
	v.player.Play()
	v.setPlaying(true)
}

// Play starts playback (videos).
func (v *ViewerView) Play() {
	if !v.playing {
		v.TogglePlay()
	}
}

// Seek shows frame index (videos), clamped to the video.
func (v *ViewerView) Seek(index int) {
	if v.player != nil {
		if v.frames > 0 {
			index = min(index, v.frames-1)
		}
		v.player.Seek(max(0, index))
	}
}

// Step shows the next (+1) or previous (-1) frame and pauses.
func (v *ViewerView) Step(dir int) {
	if v.player == nil {
		return
	}
	v.setPlaying(false)
	v.player.Step(dir)
}

// StepTime pauses and moves by d (a second back or forward with
// Shift+arrow), in frames at the video's rate.
func (v *ViewerView) StepTime(d time.Duration) {
	if v.player == nil {
		return
	}
	fps := v.fps
	if fps <= 0 {
		fps = 25
	}
	if v.playing {
		v.player.Pause()
		v.setPlaying(false)
	}
	v.Seek(v.frame + int(d.Seconds()*fps+0.5*sign(d)))
}

func sign(d time.Duration) float64 {
	if d < 0 {
		return -1
	}
	return 1
}

func (v *ViewerView) setPlaying(on bool) {
	v.playing = on
	if on {
		v.playBtn.SetIcon(theme.MediaPauseIcon())
	} else {
		v.playBtn.SetIcon(theme.MediaPlayIcon())
	}
}

func (v *ViewerView) stopPlayer() {
	if v.player != nil {
		p := v.player
		v.player = nil
		v.setPlaying(false)
		// Closing waits for the player goroutine, which may be waiting to
		// post a frame to this goroutine: close it elsewhere.
		go p.Close()
	}
	v.loaded = false
}

// Close stops playback.
func (v *ViewerView) Close() { v.stopPlayer() }

// SetUnpaced makes playback run as fast as frames reach the screen,
// ignoring timestamps and dropping nothing: it measures the viewer's
// throughput (the tour and the benchmarks use it).
func (v *ViewerView) SetUnpaced(on bool) {
	if v.player != nil {
		v.player.unpaced.Store(on)
	}
}

// Playing reports whether the video is playing (UI goroutine).
func (v *ViewerView) Playing() bool { return v.playing }
