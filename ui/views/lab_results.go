package views

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"facecase/recognition/eval"
	"facecase/ui/session"
)

// showOutcome shows a finished run: the summary figures, the threshold
// choice, the report and the plots. Everything shown is read from eval's
// Summary and Result; nothing is computed here.
func (v *LabView) showOutcome(out *session.LabOutcome) {
	v.outcome = out
	s := &out.Result.Summary
	objs := []fyne.CanvasObject{
		labHeading(fmt.Sprintf("%s (%s): %d images of %d identities · model %s", out.Dataset, s.Dataset.Kind,
			s.Dataset.Images, s.Dataset.Identities, s.Model)),
		labText(fmt.Sprintf("Enrolled %d of %d images; failure to enrol %d (FTE %s); unreadable %d. Skipped while reading: %s.",
			s.Enrolment.Enrolled, s.Enrolment.Images, s.Enrolment.NoFace, s.Enrolment.FTE, s.Enrolment.Unreadable,
			out.Result.Dataset.Skipped.Summary())),
		labText(verificationText(s)),
		labHeading("Threshold calibration"),
	}
	objs = append(objs, calibrationRows(s)...)
	for i := range s.Groups {
		objs = append(objs, groupTable(&s.Groups[i], s.Threshold)...)
	}
	objs = append(objs, fairnessRows(s.Fairness)...)
	for _, n := range append(append([]string{}, s.Notes...), out.Notes...) {
		note := labText("Note: " + n)
		note.Importance = widget.WarningImportance
		objs = append(objs, note)
	}
	objs = append(objs, widget.NewSeparator(), v.thresholdSection(out), widget.NewSeparator(), v.reportSection(out),
		widget.NewSeparator(), labHeading("Plots"), labPlots(out.Plots))
	v.results.Objects = objs
	v.results.Refresh()
}

func labHeading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

func labText(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// rateText is a rate with its counts: "0.001 (12/12000)", or "n/a".
func rateText(r eval.Rate) string {
	if !r.Defined() {
		return r.String()
	}
	return fmt.Sprintf("%s (%d/%d)", r, r.Errors, r.Trials)
}

func thresholdText(t float64) string { return strconv.FormatFloat(t, 'f', -1, 64) }

// verificationText is the overall 1:1 figures at the operating threshold.
func verificationText(s *eval.Summary) string {
	v := &s.Verification
	text := fmt.Sprintf("%d mated and %d non-mated pairs. At the operating threshold %s: FMR %s, FNMR %s.",
		v.MatedPairs, v.NonMatedPairs, thresholdText(s.Threshold), rateText(v.FMR), rateText(v.FNMR))
	if v.EER != nil && v.EERThreshold != nil {
		text += fmt.Sprintf(" EER %.4g at threshold %s.", *v.EER, thresholdText(*v.EERThreshold))
	} else {
		text += " EER not available."
	}
	if f := v.Folds; f != nil {
		text += fmt.Sprintf(" %d-fold accuracy %.4f ± %.4f.", f.Folds, f.Mean, f.StdDev)
	}
	return text
}

// calibrationRows show, per target FMR, the threshold that meets it and
// the FNMR it costs each group.
func calibrationRows(s *eval.Summary) []fyne.CanvasObject {
	var objs []fyne.CanvasObject
	for _, c := range s.Calibration {
		if c.Threshold == nil {
			objs = append(objs, labText(fmt.Sprintf("Target FMR %g: %s", c.TargetFMR, c.Note)))
			continue
		}
		line := labText(fmt.Sprintf("Target FMR %g: threshold %s gives FMR %s and FNMR %s overall.",
			c.TargetFMR, thresholdText(*c.Threshold), rateText(c.FMR), rateText(c.FNMR)))
		objs = append(objs, line)
		if !c.Reliable {
			warn := labText(c.Note)
			warn.Importance = widget.WarningImportance
			objs = append(objs, warn)
		}
		if len(c.Groups) == 0 {
			continue
		}
		cells := []string{"Column", "Group", "FMR at " + thresholdText(*c.Threshold), "FNMR (cost) at " + thresholdText(*c.Threshold)}
		for _, g := range c.Groups {
			cells = append(cells, g.Column, g.Group, rateText(g.FMR), rateText(g.FNMR))
		}
		objs = append(objs, labGrid(4, cells))
	}
	return objs
}

// groupTable is one group column's figures at the operating threshold.
func groupTable(col *eval.GroupColumn, threshold float64) []fyne.CanvasObject {
	title := fmt.Sprintf("By %s, at the operating threshold %s", col.Column, thresholdText(threshold))
	if col.LowestFMRGroup != "" {
		title += fmt.Sprintf(" (FMR ratio to the lowest group, %s)", col.LowestFMRGroup)
	}
	cells := []string{"Group", "Images", "Enrolled", "FTE", "FMR", "FNMR", "FMR ratio"}
	for _, g := range col.Groups {
		cells = append(cells, g.Group, strconv.Itoa(g.Images), strconv.Itoa(g.Enrolled),
			rateText(g.FTE), rateText(g.FMR), rateText(g.FNMR), g.FMRRatio.String())
	}
	objs := []fyne.CanvasObject{labHeading(title), labGrid(7, cells)}
	cross := []string{"One image in", "the other in", "FMR of non-mated pairs across groups"}
	for _, c := range col.Cross {
		if c.A != c.B {
			cross = append(cross, c.A, c.B, rateText(c.FMR))
		}
	}
	if len(cross) > 3 {
		objs = append(objs, labGrid(3, cross))
	}
	if col.MixedMatedPairs > 0 {
		objs = append(objs, labText(fmt.Sprintf("%d mated pairs with different %s values count only overall.", col.MixedMatedPairs, col.Column)))
	}
	return objs
}

// labGrid lays cells out in rows of n, the first row bold.
func labGrid(n int, cells []string) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(cells))
	for i, c := range cells {
		l := widget.NewLabel(c)
		l.Truncation = fyne.TextTruncateEllipsis
		if i < n {
			l.TextStyle = fyne.TextStyle{Bold: true}
		}
		objs[i] = l
	}
	return container.NewGridWithColumns(n, objs...)
}
