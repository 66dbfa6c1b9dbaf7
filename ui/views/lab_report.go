package views

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/recognition/eval"
	"facecase/ui/dialogs"
	"facecase/ui/session"
)

// labPlotSize is the size a plot is shown at (eval renders 6 x 4 inches).
var labPlotSize = fyne.NewSize(480, 320)

// reportSection says where the HTML report was written, with buttons to
// open it and to copy its folder's path.
func (v *LabView) reportSection(out *session.LabOutcome) fyne.CanvasObject {
	if out.ReportDir == "" {
		return labText("No report was written: give a report folder to keep report.html, summary.json and the tables.")
	}
	report := filepath.Join(out.ReportDir, eval.ReportFile)
	where := labText("Report: " + report + " (with " + eval.SummaryFile + ", " + eval.GroupsFile + " and " + eval.SamplesFile + ")")
	open := widget.NewButtonWithIcon("Open report", theme.DocumentIcon(), func() {
		dialogs.OpenPath(v.win, "report", report)
	})
	copyPath := widget.NewButtonWithIcon("Copy folder path", theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(out.ReportDir)
		v.setStatus("Copied "+out.ReportDir, widget.MediumImportance)
	})
	return container.NewVBox(where, container.NewHBox(open, copyPath))
}

// labPlots shows the rendered plots in a wrapping grid; a plot with
// nothing to draw shows eval's reason in its place.
func labPlots(plots []session.LabPlot) fyne.CanvasObject {
	cells := make([]fyne.CanvasObject, 0, len(plots))
	for _, p := range plots {
		caption := widget.NewLabelWithStyle(p.Title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		caption.Truncation = fyne.TextTruncateEllipsis
		var body fyne.CanvasObject
		if p.Image != nil {
			img := canvas.NewImageFromImage(p.Image)
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(labPlotSize)
			body = img
		} else {
			body = labText(p.Note)
		}
		cells = append(cells, container.NewBorder(caption, nil, nil, nil, body))
	}
	return container.NewGridWrap(fyne.NewSize(labPlotSize.Width, labPlotSize.Height+40), cells...)
}
