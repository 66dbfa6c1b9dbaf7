package views

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/recognition"
	"facecase/ui/session"
)

// SettingsForm is the settings dialog; fields are exported for tests.
type SettingsForm struct {
	Detector  *widget.Select
	Threshold *widget.Entry
	Reviewer  *widget.Entry
	// Calibration shows, next to the threshold, the case's default
	// threshold and the FMR measured at it (empty outside a case).
	Calibration *widget.Label
	Dialog      dialog.Dialog
}

// Settings are the values typed in (valid once the form validates).
func (f *SettingsForm) Settings() session.Settings {
	s := session.DefaultSettings()
	s.Detector = f.Detector.Selected
	s.Threshold, _ = strconv.ParseFloat(strings.TrimSpace(f.Threshold.Text), 64)
	s.Reviewer = strings.TrimSpace(f.Reviewer.Text)
	return s
}

// ShowSettings shows the settings form: the photo detector, the match
// threshold and the reviewer's name. save gets the new settings.
func ShowSettings(win fyne.Window, cur session.Settings, save func(session.Settings)) *SettingsForm {
	return ShowCaseSettings(win, cur, casefile.Settings{}, save)
}

// ShowCaseSettings is ShowSettings in a case's window: next to the
// threshold it shows the case's default threshold and the FMR measured at
// it (see ThresholdNote), and says when the threshold typed differs.
func ShowCaseSettings(win fyne.Window, cur session.Settings, cs casefile.Settings, save func(session.Settings)) *SettingsForm {
	f := &SettingsForm{
		Detector:    widget.NewSelect(recognition.DetectorNames(), nil),
		Threshold:   widget.NewEntry(),
		Reviewer:    widget.NewEntry(),
		Calibration: widget.NewLabel(""),
	}
	f.Calibration.Wrapping = fyne.TextWrapWord
	f.Detector.SetSelected(cur.Detector)
	f.Threshold.SetText(strconv.FormatFloat(cur.Threshold, 'f', -1, 64))
	f.Threshold.Validator = validThreshold
	f.Threshold.OnChanged = func(string) { f.Calibration.SetText(calibrationText(cs, f.Threshold.Text)) }
	f.Calibration.SetText(calibrationText(cs, f.Threshold.Text))
	f.Reviewer.SetText(cur.Reviewer)
	f.Reviewer.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("your name is recorded with everything you do in a case")
		}
		return nil
	}
	help := widget.NewLabel(fmt.Sprintf("Searches return watchlist subjects whose descriptor distance is at most the threshold "+
		"(dlib's %.1f by default): a lower threshold gives fewer, closer candidates. The reviewer's name applies to cases opened from now on.",
		facedata.SameThreshold))
	help.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem("Photo detector", f.Detector),
		widget.NewFormItem("Match threshold", f.Threshold),
	}
	if cs.MatchThreshold > 0 {
		items = append(items, widget.NewFormItem("", f.Calibration))
	}
	items = append(items, widget.NewFormItem("Reviewer name", f.Reviewer), widget.NewFormItem("", help))
	f.Dialog = dialog.NewForm("Settings", "Save", "Cancel", items, func(ok bool) {
		if ok {
			save(f.Settings())
		}
	}, win)
	size := fyne.NewSize(560, 360)
	if cs.MatchThreshold > 0 {
		size = fyne.NewSize(640, 440)
	}
	f.Dialog.Resize(size)
	f.Dialog.Show()
	return f
}

func validThreshold(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(v > 0 && v <= casefile.MaxThreshold) {
		return fmt.Errorf("a distance between 0 and %d", casefile.MaxThreshold)
	}
	return nil
}

// calibrationText is the case's threshold note, with a warning when the
// threshold typed is not the case default.
func calibrationText(cs casefile.Settings, typed string) string {
	note := ThresholdNote(cs)
	if note == "" {
		return ""
	}
	if v, err := strconv.ParseFloat(strings.TrimSpace(typed), 64); err == nil && v != cs.MatchThreshold {
		note += "\nThe threshold above differs from it: searches use the threshold above once saved."
	}
	return note
}
