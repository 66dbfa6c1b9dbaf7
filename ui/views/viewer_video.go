package views

import (
	"fmt"

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
	tracks := trackingTracks(ts)
	src, err := media.Open(v.ctx, v.backend.EvidencePath(ev), media.SourceOptions{})
	if err != nil {
		return err
	}
	info := src.Info()
	overlay := func(f media.Frame) widgets.Scene {
		dets, _ := v.backend.FrameDetections(ev.ID, uint32(f.Index))
		states := v.states.Load()
		marks := append(faceMarks(dets, states), trackMarks(tracks, f.Index, dets, states)...)
		return widgets.Scene{Faces: marks, Paths: pathsAt(tracks, f.Index)}
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
		v.ev, v.loaded, v.frames, v.tracks = ev, true, info.FrameCount, tracks
		v.title.SetText(fmt.Sprintf("%s · video %dx%d · %.1f fps · %d frames · %d tracks",
			ev.Name, info.Width, info.Height, info.FPS, info.FrameCount, len(tracks)))
		v.timeline.SetTracks(max(1, info.FrameCount), timelineTracks(tracks))
		v.controls.Show()
		v.setPlaying(false)
		v.player = startPlayer(v.ctx, src, overlay, show, ended)
	})
	return nil
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

// Seek shows frame index (videos).
func (v *ViewerView) Seek(index int) {
	if v.player != nil {
		v.player.Seek(index)
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
