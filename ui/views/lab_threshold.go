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

// thresholdSection lets the trainer pick a threshold, shows what it
// measured on this data (eval's rates at it, overall and per group) and
// makes it the case default. It starts at the threshold calibrated for the
// target FMR, or the operating threshold when none meets the target.
func (v *LabView) thresholdSection(out *session.LabOutcome) fyne.CanvasObject {
	s := &out.Result.Summary
	start := s.Threshold
	if len(s.Calibration) > 0 && s.Calibration[0].Threshold != nil {
		start = *s.Calibration[0].Threshold
	}
	v.choice = widget.NewEntry()
	v.choice.Validator = func(t string) error { _, err := parseGridThreshold(t); return err }
	v.choiceRates = labText("")
	v.choice.OnChanged = func(string) { v.updateChoice() }
	v.choice.SetText(thresholdText(start))
	v.useThreshold = widget.NewButtonWithIcon("Use this threshold as the case default", theme.ConfirmIcon(), v.ApplyThreshold)
	v.updateChoice()
	row := container.NewBorder(nil, nil, widget.NewLabel("Threshold"), v.useThreshold, v.choice)
	return container.NewVBox(labHeading("Threshold for this case"), row, v.choiceRates)
}

// updateChoice shows the rates at the threshold typed in.
func (v *LabView) updateChoice() {
	if v.outcome == nil || v.choiceRates == nil {
		return
	}
	t, err := parseGridThreshold(v.choice.Text)
	if err != nil {
		v.choiceRates.SetText("Threshold: " + err.Error())
		if v.useThreshold != nil {
			v.useThreshold.Disable()
		}
		return
	}
	r := v.outcome.Result
	var lines []string
	for _, col := range r.Columns() {
		groups, err := r.Groups(col)
		if err != nil {
			continue
		}
		for _, g := range groups {
			fmr, fnmr, err := r.RatesAt(col, g, t)
			if err != nil {
				continue
			}
			name := col + "=" + g
			if col == eval.OverallColumn {
				name = "all pairs"
			}
			lines = append(lines, fmt.Sprintf("%s: FMR %s, FNMR %s", name, rateText(fmr), rateText(fnmr)))
		}
	}
	v.choiceRates.SetText(fmt.Sprintf("At %s on %s — %s", thresholdText(t), v.outcome.Dataset, strings.Join(lines, "; ")))
	if v.useThreshold != nil {
		v.useThreshold.Enable()
	}
}

// ApplyThreshold makes the threshold typed in the case's default, with
// the FMR and FNMR measured at it on this run's dataset.
func (v *LabView) ApplyThreshold() {
	if v.outcome == nil {
		return
	}
	t, err := parseGridThreshold(v.choice.Text)
	if err != nil {
		v.setStatus("Threshold: "+err.Error(), widget.DangerImportance)
		return
	}
	target := 0.0
	if c := v.outcome.Result.Summary.Calibration; len(c) > 0 && c[0].Threshold != nil && *c[0].Threshold == t {
		target = c[0].TargetFMR
	}
	cal, err := session.LabCalibration(v.outcome, t, target)
	if err != nil {
		v.setStatus(explainLab(err), widget.DangerImportance)
		return
	}
	v.useThreshold.Disable()
	background("lab threshold", func() error { return v.backend.SetCaseThreshold(cal) }, func(err error) {
		v.useThreshold.Enable()
		if err != nil {
			v.setStatus("The threshold was not set: "+dialogs.Explain(err), widget.DangerImportance)
			return
		}
		v.setStatus(fmt.Sprintf("Threshold %s is now the case default; searches in this case use it.", thresholdText(t)), widget.SuccessImportance)
		v.refreshCaseDefault()
		if v.OnThresholdApplied != nil {
			v.OnThresholdApplied()
		}
	})
}

// refreshCaseDefault shows the case's default threshold and its
// measurement, under the Run button.
func (v *LabView) refreshCaseDefault() {
	cs, err := v.backend.Settings()
	switch {
	case err != nil:
		v.caseDefault.SetText("cannot read the case's settings: " + err.Error())
	case cs.MatchThreshold <= 0:
		v.caseDefault.SetText("The case has no default threshold of its own: searches use the threshold in Settings.")
	default:
		v.caseDefault.SetText(ThresholdNote(cs))
	}
}

// ThresholdNote describes a case's default threshold and how it was
// measured, as the Settings form shows it next to the threshold:
// "Case default: threshold 0.52 — measured FMR 1.0e-03 on people
// (2026-11-26) …". It is empty when the case has no default.
func ThresholdNote(cs casefile.Settings) string {
	if cs.MatchThreshold <= 0 {
		return ""
	}
	text := "Case default: threshold " + thresholdText(cs.MatchThreshold)
	cal := cs.Calibration
	if cal == (casefile.ThresholdCalibration{}) {
		return text + " (set without a measurement)"
	}
	fmr, _ := cal.FMR()
	text += fmt.Sprintf(" — measured FMR %s on %s (%s)", sciRate(fmr), cal.Dataset, cal.MeasuredAt.Local().Format("2006-01-02"))
	if fnmr, ok := cal.FNMR(); ok {
		text += ", FNMR " + sciRate(fnmr)
	}
	text += fmt.Sprintf("; %d of %d non-mated pairs matched", cal.FMRErrors, cal.FMRTrials)
	if cal.TargetFMR > 0 {
		text += fmt.Sprintf("; calibrated for a target FMR of %g", cal.TargetFMR)
	}
	return text + "."
}

// sciRate prints a rate as 1.0e-03.
func sciRate(r float64) string { return strconv.FormatFloat(r, 'e', 1, 64) }
