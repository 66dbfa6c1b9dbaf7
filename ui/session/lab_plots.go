package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"time"

	"facecase/progress"
	"facecase/recognition/eval"
)

// LabPlot is one plot of a Lab run: rendered by recognition/eval exactly
// as in the HTML report, or the reason it could not be drawn.
type LabPlot struct {
	// Title names the plot as the report does.
	Title string
	// PNG is the plot as eval renders it; Image is it decoded. Both are
	// nil when Note says why there is nothing to draw.
	PNG   []byte
	Image image.Image
	Note  string
}

// labPlotSpec is a plot to draw.
type labPlotSpec struct {
	title  string
	render func() ([]byte, error)
}

// labPlotSpecs lists the plots of the HTML report in its order: the
// overall DET, ROC and score plots, then per group column the FMR ratio
// chart, the DET curves and each group's scores; then, when the run had a
// normalised score, per column the raw and normalised DET curves and group
// FMRs.
func labPlotSpecs(r *eval.Result) []labPlotSpec {
	all := eval.OverallColumn
	specs := []labPlotSpec{
		{"DET curve", func() ([]byte, error) { return r.PlotDET(all) }},
		{"ROC curve", r.PlotROC},
		{"Score distributions", func() ([]byte, error) { return r.PlotScores(all, all) }},
	}
	for _, col := range r.Summary.Groups {
		column := col.Column
		specs = append(specs,
			labPlotSpec{"FMR ratio: " + column, func() ([]byte, error) { return r.PlotFMRRatio(column) }},
			labPlotSpec{"DET curves: " + column, func() ([]byte, error) { return r.PlotDET(column) }})
		for _, g := range col.Groups {
			group := g.Group
			specs = append(specs, labPlotSpec{"Scores: " + column + " = " + group,
				func() ([]byte, error) { return r.PlotScores(column, group) }})
		}
	}
	if r.HasFairness() {
		for _, col := range r.Summary.Groups {
			column := col.Column
			specs = append(specs,
				labPlotSpec{"DET raw and normalised: " + column, func() ([]byte, error) { return r.PlotFairDET(column) }},
				labPlotSpec{"Group FMR at each target: " + column, func() ([]byte, error) { return r.PlotFairFMR(column) }})
		}
	}
	return specs
}

// RenderLabPlots draws the report's plots of a result (off the UI
// goroutine: each takes tens of milliseconds). A plot with nothing to draw
// carries eval's reason instead; any other failure is an error.
func RenderLabPlots(ctx context.Context, r *eval.Result, rep progress.Reporter) ([]LabPlot, error) {
	if rep == nil {
		rep = progress.Discard
	}
	specs := labPlotSpecs(r)
	start := time.Now()
	plots := make([]LabPlot, 0, len(specs))
	for i, sp := range specs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rep.Report(progress.Update{Stage: "plots", Done: int64(i), Total: int64(len(specs)), Unit: "plots",
			Item: sp.title, Elapsed: time.Since(start)})
		p := LabPlot{Title: sp.title}
		data, err := sp.render()
		switch {
		case errors.Is(err, eval.ErrNothingToPlot):
			p.Note = err.Error()
		case err != nil:
			return nil, fmt.Errorf("%s: %w", sp.title, err)
		default:
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("%s: decode the plot: %w", sp.title, err)
			}
			p.PNG, p.Image = data, img
		}
		plots = append(plots, p)
	}
	rep.Report(progress.Update{Stage: "plots", Done: int64(len(specs)), Total: int64(len(specs)), Unit: "plots", Elapsed: time.Since(start)})
	return plots, nil
}
