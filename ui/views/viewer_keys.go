package views

import (
	"time"

	"fyne.io/fyne/v2"

	"facecase/ui/widgets"
)

// HandleKey applies the viewer's keyboard map, as forensic players have
// it, and reports whether the key was the viewer's:
//
//	Space           play / pause
//	← / →           one frame back / forward (pauses)
//	Shift+← / →     one second back / forward
//	Home / End      first / last frame
//	+ / − (or =)    zoom in / out; 0 shows the whole picture
//
// (the zoom keys arrive as characters, see HandleRune). The case window
// sends it the keys no focused widget took while the Viewer tab is shown.
func (v *ViewerView) HandleKey(key fyne.KeyName, shift bool) bool {
	switch key {
	case fyne.KeySpace:
		v.TogglePlay()
	case fyne.KeyLeft, fyne.KeyRight:
		dir := 1
		if key == fyne.KeyLeft {
			dir = -1
		}
		if shift {
			v.StepTime(time.Duration(dir) * time.Second)
		} else {
			v.Step(dir)
		}
	case fyne.KeyHome:
		v.pause()
		v.Seek(0)
	case fyne.KeyEnd:
		v.pause()
		v.Seek(v.frames - 1)
	default:
		return false
	}
	return true
}

// HandleRune takes the zoom keys, which arrive as characters ('+' needs
// Shift on many keyboards; the keypad's + and - come the same way).
func (v *ViewerView) HandleRune(r rune) bool {
	switch r {
	case '+', '=':
		v.faces.SetZoom(v.faces.Zoom() * widgets.ZoomStep)
	case '-':
		v.faces.SetZoom(v.faces.Zoom() / widgets.ZoomStep)
	case '0':
		v.faces.ResetZoom()
	default:
		return false
	}
	return true
}

func (v *ViewerView) pause() {
	if v.playing && v.player != nil {
		v.player.Pause()
		v.setPlaying(false)
	}
}
