package views

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
	"facecase/recognition/eval"
	"facecase/ui/dialogs"
	"facecase/ui/session"
)

// thresholdSection lets the trainer pick an operating point for the case
// as a target FMR: it shows the normalised score threshold that meets it
// on this run's data and what that threshold gives each group, and makes
// it the case's own (an FMR plus its score threshold). It starts at the
// run's target FMR.
func (v *LabView) thresholdSection(out *session.LabOutcome) fyne.CanvasObject {
	s := &out.Result.Summary
	start := DefaultLabTargetFMR
	if len(s.Calibration) > 0 {
		start = s.Calibration[0].TargetFMR
	}
	v.choice = widget.NewEntry()
	v.choice.Validator = func(t string) error { _, err := parseTargetFMR(t); return err }
	v.choiceRates = labText("")
	v.choice.OnChanged = func(string) { v.updateChoice() }
	v.choice.SetText(strconv.FormatFloat(start, 'g', -1, 64))
	v.useThreshold = widget.NewButtonWithIcon("Use this operating point for the case", theme.ConfirmIcon(), v.ApplyThreshold)
	v.updateChoice()
	row := container.NewBorder(nil, nil, widget.NewLabel("Target FMR"), v.useThreshold, v.choice)
	return container.NewVBox(labHeading("Operating point for this case (normalised score)"), row, v.choiceRates)
}

// updateChoice shows the normalised threshold of the target FMR typed in
// and the rates at it.
func (v *LabView) updateChoice() {
	if v.outcome == nil || v.choiceRates == nil {
		return
	}
	disable := func(text string) {
		v.choiceRates.SetText(text)
		if v.useThreshold != nil {
			v.useThreshold.Disable()
		}
	}
	fmr, err := parseTargetFMR(v.choice.Text)
	if err != nil {
		disable("Target FMR: " + err.Error())
		return
	}
	r := v.outcome.Result
	t, _, _, err := r.NormalisedThreshold(fmr)
	if err != nil {
		disable(fmt.Sprintf("FMR %g cannot be calibrated on this data: %s", fmr, explainLab(err)))
		return
	}
	var lines []string
	for _, col := range r.Columns() {
		groups, err := r.Groups(col)
		if err != nil {
			continue
		}
		for _, g := range groups {
			f, fn, err := r.NormalisedRatesAt(col, g, t)
			if err != nil {
				continue
			}
			name := col + "=" + g
			if col == eval.OverallColumn {
				name = "all pairs"
			}
			lines = append(lines, fmt.Sprintf("%s: FMR %s, FNMR %s", name, rateText(f), rateText(fn)))
		}
	}
	v.choiceRates.SetText(fmt.Sprintf("FMR %g is score ≤ %s on %s — %s", fmr, thresholdText(t), v.outcome.Dataset, strings.Join(lines, "; ")))
	if v.useThreshold != nil {
		v.useThreshold.Enable()
	}
}

// ApplyThreshold makes the target FMR typed in, with the normalised
// threshold that met it on this run's data and the rates there, the case's
// own operating point.
func (v *LabView) ApplyThreshold() {
	if v.outcome == nil {
		return
	}
	fmr, err := parseTargetFMR(v.choice.Text)
	if err != nil {
		v.setStatus("Target FMR: "+err.Error(), widget.DangerImportance)
		return
	}
	cal, err := session.LabCalibration(v.outcome, fmr)
	if err != nil {
		v.setStatus(explainLab(err), widget.DangerImportance)
		return
	}
	v.useThreshold.Disable()
	background("lab threshold", func() error { return v.backend.SetCaseThreshold(cal) }, func(err error) {
		v.useThreshold.Enable()
		if err != nil {
			v.setStatus("The operating point was not set: "+dialogs.Explain(err), widget.DangerImportance)
			return
		}
		v.setStatus(fmt.Sprintf("FMR %g (score ≤ %s) is now the case's operating point; searches in this case use it.", fmr, thresholdText(cal.Threshold)), widget.SuccessImportance)
		v.refreshCaseDefault()
		if v.OnThresholdApplied != nil {
			v.OnThresholdApplied()
		}
	})
}

// refreshCaseDefault shows the case's own operating point and its
// measurement, under the Run button.
func (v *LabView) refreshCaseDefault() {
	cs, err := v.backend.Settings()
	switch {
	case err != nil:
		v.caseDefault.SetText("cannot read the case's settings: " + err.Error())
	case ThresholdNote(cs) == "":
		v.caseDefault.SetText("The case has no operating point of its own: searches use the FMR in Settings.")
	default:
		v.caseDefault.SetText(ThresholdNote(cs))
	}
}

// ThresholdNote describes a case's own operating point and how it was
// measured, as the Settings form shows it: "Case operating point: FMR
// 0.001, score ≤ -1.87 — measured FMR 1.0e-03 on people (2026-11-26) …".
// A distance threshold from before normalisation is named as such. It is
// empty when the case has neither.
func ThresholdNote(cs casefile.Settings) string {
	cal := cs.Calibration
	switch {
	case cal.Normalised():
		text := fmt.Sprintf("Case operating point: FMR %g, score ≤ %s (%s)", cal.TargetFMR, thresholdText(cal.Threshold), cal.Score)
		return text + measuredText(cal) + "."
	case cs.MatchThreshold > 0:
		text := "Case default from before scores were normalised: distance " + thresholdText(cs.MatchThreshold)
		if cal != (casefile.ThresholdCalibration{}) {
			text += measuredText(cal)
		} else {
			text += " (set without a measurement)"
		}
		return text + "; no longer used for searching: calibrate an FMR in the Lab."
	}
	return ""
}

// measuredText is " — measured FMR 1.0e-03 on people (2026-11-26), FNMR
// …; 12 of 12000 non-mated pairs matched".
func measuredText(cal casefile.ThresholdCalibration) string {
	fmr, _ := cal.FMR()
	text := fmt.Sprintf(" — measured FMR %s on %s (%s)", sciRate(fmr), cal.Dataset, cal.MeasuredAt.Local().Format("2006-01-02"))
	if fnmr, ok := cal.FNMR(); ok {
		text += ", FNMR " + sciRate(fnmr)
	}
	return text + fmt.Sprintf("; %d of %d non-mated pairs matched", cal.FMRErrors, cal.FMRTrials)
}

// sciRate prints a rate as 1.0e-03.
func sciRate(r float64) string { return strconv.FormatFloat(r, 'e', 1, 64) }
