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
	"facecase/recognition/scorenorm"
	"facecase/ui/session"
)

// SettingsForm is the settings dialog; fields are exported for tests.
type SettingsForm struct {
	Detector *widget.Select
	// SearchFMR and VerifyFMR are the operating points, as target false
	// match rates; a rate outside the cohort's calibrated range does not
	// validate, and the form says why.
	SearchFMR *widget.Entry
	VerifyFMR *widget.Entry
	Reviewer  *widget.Entry
	// Calibration shows the case's own operating point, from its Lab, and
	// the thresholds the rates typed map to.
	Calibration *widget.Label
	Dialog      dialog.Dialog
}

// Settings are the values typed in (valid once the form validates).
func (f *SettingsForm) Settings() session.Settings {
	s := session.DefaultSettings()
	s.Detector = facedata.DetectorName(f.Detector.Selected)
	s.SearchFMR, _ = strconv.ParseFloat(strings.TrimSpace(f.SearchFMR.Text), 64)
	s.VerifyFMR, _ = strconv.ParseFloat(strings.TrimSpace(f.VerifyFMR.Text), 64)
	s.Reviewer = strings.TrimSpace(f.Reviewer.Text)
	return s
}

// ShowSettings shows the settings form: the photo detector, the operating
// points and the reviewer's name. save gets the new settings.
func ShowSettings(win fyne.Window, cur session.Settings, save func(session.Settings)) *SettingsForm {
	return ShowCaseSettings(win, cur, casefile.Settings{}, save)
}

// ShowCaseSettings is ShowSettings in a case's window: it also shows the
// case's own operating point, measured in its Lab (see ThresholdNote).
func ShowCaseSettings(win fyne.Window, cur session.Settings, cs casefile.Settings, save func(session.Settings)) *SettingsForm {
	f := &SettingsForm{
		Detector:    widget.NewSelect(detectorChoices(), nil),
		SearchFMR:   widget.NewEntry(),
		VerifyFMR:   widget.NewEntry(),
		Reviewer:    widget.NewEntry(),
		Calibration: widget.NewLabel(""),
	}
	f.Calibration.Wrapping = fyne.TextWrapWord
	f.Detector.SetSelected(string(cur.Detector))
	f.SearchFMR.SetText(fmrText(cur.SearchFMR))
	f.VerifyFMR.SetText(fmrText(cur.VerifyFMR))
	f.SearchFMR.Validator, f.VerifyFMR.Validator = validFMR, validFMR
	update := func(string) { f.Calibration.SetText(operatingPointText(cs, f.SearchFMR.Text, f.VerifyFMR.Text)) }
	f.SearchFMR.OnChanged, f.VerifyFMR.OnChanged = update, update
	update("")
	f.Reviewer.SetText(cur.Reviewer)
	f.Reviewer.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("your name is recorded with everything you do in a case")
		}
		return nil
	}
	help := widget.NewLabel("Operating points are false match rates: a watchlist search returns subjects whose normalised score " +
		"is as alike as one stranger in that many (" + fmrText(scorenorm.DefaultSearchFMR) + " by default); a 1:1 comparison calls " +
		"a pair a possible match at " + fmrText(scorenorm.DefaultVerifyFMR) + " by default. Scores are normalised so that every group " +
		"of people meets the same rate; each change is written to the open cases' audit logs. The reviewer's name applies to cases opened from now on.")
	help.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem("Photo detector", f.Detector),
		widget.NewFormItem("Watchlist search FMR", f.SearchFMR),
		widget.NewFormItem("Verification FMR", f.VerifyFMR),
		widget.NewFormItem("", f.Calibration),
		widget.NewFormItem("Reviewer name", f.Reviewer),
		widget.NewFormItem("", help),
	}
	f.Dialog = dialog.NewForm("Settings", "Save", "Cancel", items, func(ok bool) {
		if ok {
			save(f.Settings())
		}
	}, win)
	f.Dialog.Resize(fyne.NewSize(660, 480))
	f.Dialog.Show()
	return f
}

// fmrText prints a rate as 1e-04 style text that parses back exactly.
func fmrText(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// validFMR accepts a false match rate inside the cohort's calibrated
// range, or says why not.
func validFMR(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return fmt.Errorf("a false match rate such as 1e-4")
	}
	c, err := session.Cohort()
	if err != nil {
		return err
	}
	return c.Calibration().Check(v)
}

// operatingPointText says what the rates typed map to with the shipped
// cohort's calibration, and the case's own operating point when it has
// one.
func operatingPointText(cs casefile.Settings, search, verify string) string {
	var lines []string
	c, err := session.Cohort()
	if err != nil {
		return "The score normalisation cohort cannot be used: " + err.Error()
	}
	cal := c.Calibration()
	lines = append(lines, fmt.Sprintf("Calibrated range: FMR %s to %s (%s).", scorenorm.FormatFMR(cal.MinFMR), scorenorm.FormatFMR(cal.MaxFMR), cal.Source))
	for _, x := range []struct{ name, text string }{{"Verification", verify}, {"Search", search}} {
		if v, err := strconv.ParseFloat(strings.TrimSpace(x.text), 64); err == nil {
			if p, err := cal.Point(v); err == nil {
				lines = append(lines, fmt.Sprintf("%s: score ≤ %.3f with the shipped cohort's calibration.", x.name, p.Threshold))
			}
		}
	}
	lines = append(lines, fmt.Sprintf("A watchlist of %d descriptors or more is its own cohort and calibration.", scorenorm.MinDomainFaces))
	if note := ThresholdNote(cs); note != "" {
		lines = append(lines, note)
	}
	return strings.Join(lines, "\n")
}

// detectorChoices are the face detectors the form offers, default first.
func detectorChoices() []string {
	var out []string
	for _, n := range facedata.DetectorNames() {
		out = append(out, string(n))
	}
	return out
}
