package views

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"facecase/recognition/eval"
)

// fairnessRows show the raw distance and the normalised score side by
// side, as eval's Summary.Fairness has them: for each target FMR, each
// score's threshold on this data, and per group the FMR, the FNMR and the
// FMR over the lowest group's, with the max/min ratio and its interval.
func fairnessRows(f *eval.Fairness) []fyne.CanvasObject {
	if f == nil {
		return nil
	}
	objs := []fyne.CanvasObject{
		labHeading("Fair matching: raw distance and normalised score"),
		labText("The same pairs scored by the raw distance and by the normalised score (" + f.Normalisation + "). " +
			"At each target FMR each score gets the threshold that meets it on this data; a fair score gives every group " +
			"that FMR, so its max/min ratio is 1. No group label is used by the normalisation, only to measure it here."),
	}
	if f.Note != "" {
		objs = append(objs, labText("Note: "+f.Note))
	}
	for _, p := range f.Points {
		line := fmt.Sprintf("Target FMR %g — raw: %s; normalised: %s.", p.TargetFMR, fairSideText(p.Raw), fairSideText(p.Normalised))
		objs = append(objs, labText(line))
		if !p.Reliable {
			warn := labText(fmt.Sprintf("Too few non-mated pairs to support FMR %g (at least %d are needed): read these figures with their intervals.", p.TargetFMR, p.MinNonMatedPairs))
			warn.Importance = widget.WarningImportance
			objs = append(objs, warn)
		}
		for c := range p.Raw.Columns {
			if c >= len(p.Normalised.Columns) {
				break
			}
			objs = append(objs, fairColumnGrid(&p.Raw.Columns[c], &p.Normalised.Columns[c]))
		}
	}
	return objs
}

// fairSideText is one score's threshold and overall rates.
func fairSideText(s eval.FairSide) string {
	if s.Threshold == nil {
		return s.Note
	}
	return fmt.Sprintf("threshold %s, FMR %s, FNMR %s", thresholdText(*s.Threshold), rateText(s.FMR), rateText(s.FNMR))
}

// fairColumnGrid is one column's groups, raw and normalised side by side.
func fairColumnGrid(raw, norm *eval.FairColumn) fyne.CanvasObject {
	cells := []string{raw.Column, "FMR raw", "FMR normalised", "FNMR raw", "FNMR normalised", "ratio raw", "ratio normalised"}
	for g := range raw.Groups {
		if g >= len(norm.Groups) {
			break
		}
		r, n := raw.Groups[g], norm.Groups[g]
		cells = append(cells, r.Group, rateText(r.FMR), rateText(n.FMR), rateText(r.FNMR), rateText(n.FNMR), ratioText(r.FMRRatio), ratioText(n.FMRRatio))
	}
	cells = append(cells, "max / min", raw.Highest+" / "+raw.Lowest, norm.Highest+" / "+norm.Lowest, "", "", ratioText(raw.MaxMinRatio), ratioText(norm.MaxMinRatio))
	return labGrid(7, cells)
}

// ratioText is a ratio with its interval: "3.2 [1.9–6.1]", or "n/a".
func ratioText(r eval.Ratio) string {
	if r.CI == nil {
		return r.String()
	}
	return fmt.Sprintf("%s [%.3g–%.3g]", r, r.CI.Low, r.CI.High)
}
