package eval

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// ErrNothingToPlot is returned when a plot has no data to draw (for
// example a DET curve without any false match).
var ErrNothingToPlot = errors.New("nothing to plot")

// Plot size in the report.
const (
	plotWidth  = 6 * vg.Inch
	plotHeight = 4 * vg.Inch
)

// histogramBinWidth is the width of the bins of score histogram plots, in
// grid steps (0.02).
const histogramBinWidth = 200

// PlotDET draws the DET curves (FNMR against FMR, both on log axes) of every
// group of column as PNG; the overall curve is drawn for reference. Points
// where either rate is 0 cannot be shown on log axes and are left out.
func (r *Result) PlotDET(column string) ([]byte, error) {
	c, err := r.column(column)
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "DET: " + column
	p.X.Label.Text = "FMR (false match rate)"
	p.Y.Label.Text = "FNMR (false non-match rate)"
	logAxes(p, true, true)
	groups := []struct {
		c, g int
		name string
	}{{0, 0, "all"}}
	if c != 0 {
		for g, name := range r.groupNames[c] {
			groups = append(groups, struct {
				c, g int
				name string
			}{c, g, name})
		}
	}
	lo := math.Inf(1)
	drawn := 0
	for i, gr := range groups {
		l, err := detLine(r.columns[gr.c], gr.name, r.nonMated[gr.c][gr.g], r.mated[gr.c][gr.g], &lo)
		if err != nil {
			return nil, err
		}
		if l == nil {
			continue
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		if gr.c == 0 && c != 0 {
			l.Color = color.Gray{Y: 90}
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		p.Add(l)
		p.Legend.Add(gr.name, l)
		drawn++
	}
	if drawn == 0 {
		return nil, fmt.Errorf("DET plot of %s: %w: no threshold gives both false matches and false non-matches", column, ErrNothingToPlot)
	}
	lo = math.Pow(10, math.Floor(math.Log10(lo)))
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, 1, lo, 1
	p.Legend.Top = true
	return renderPNG(p)
}

// detLine is the DET curve of non-mated histogram nm and mated histogram
// m as a line of the points where both rates are above 0 (log axes), or
// nil when there is none; lo is lowered to the smallest rate drawn.
func detLine(column, group string, nm, m *Histogram, lo *float64) (*plotter.Line, error) {
	cv, ok := makeCurve(column, group, nm, m)
	if !ok {
		return nil, nil
	}
	var pts plotter.XYs
	for k := range cv.Threshold {
		if cv.FMR[k] > 0 && cv.FNMR[k] > 0 {
			pts = append(pts, plotter.XY{X: cv.FMR[k], Y: cv.FNMR[k]})
			*lo = math.Min(*lo, math.Min(cv.FMR[k], cv.FNMR[k]))
		}
	}
	if len(pts) == 0 {
		return nil, nil
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, fmt.Errorf("DET plot: %w", err)
	}
	l.Width = vg.Points(1.5)
	return l, nil
}

// PlotROC draws the overall ROC curve: true match rate (1 - FNMR) against
// FMR on a log axis.
func (r *Result) PlotROC() ([]byte, error) {
	cv, ok := makeCurve(overallColumn, overallColumn, r.nonMated[0][0], r.mated[0][0])
	if !ok {
		return nil, fmt.Errorf("ROC plot: %w: needs mated and non-mated pairs", ErrNothingToPlot)
	}
	var pts plotter.XYs
	lo := 1.0
	for k := range cv.Threshold {
		if cv.FMR[k] > 0 {
			pts = append(pts, plotter.XY{X: cv.FMR[k], Y: 1 - cv.FNMR[k]})
			lo = math.Min(lo, cv.FMR[k])
		}
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("ROC plot: %w: no false match at any threshold", ErrNothingToPlot)
	}
	p := plot.New()
	p.Title.Text = "ROC"
	p.X.Label.Text = "FMR (false match rate)"
	p.Y.Label.Text = "TMR (1 - FNMR)"
	logAxes(p, true, false)
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, fmt.Errorf("ROC plot: %w", err)
	}
	l.Color = plotutil.Color(0)
	l.Width = vg.Points(1.5)
	p.Add(l)
	p.X.Min, p.X.Max = math.Pow(10, math.Floor(math.Log10(lo))), 1
	p.Y.Min, p.Y.Max = 0, 1
	return renderPNG(p)
}

// PlotScores draws the mated and non-mated score distributions of a group
// (share of pairs per 0.02 bin) with the operating threshold marked.
func (r *Result) PlotScores(column, group string) ([]byte, error) {
	c, g, err := r.group(column, group)
	if err != nil {
		return nil, err
	}
	m, nm := r.mated[c][g], r.nonMated[c][g]
	if m.Total() == 0 && nm.Total() == 0 {
		return nil, fmt.Errorf("score plot of %s=%s: %w: no pairs", column, group, ErrNothingToPlot)
	}
	p := plot.New()
	p.Title.Text = "Scores: " + column + " = " + group
	if c == 0 {
		p.Title.Text = "Scores: all pairs"
	}
	p.X.Label.Text = "distance (match at or below the threshold)"
	p.Y.Label.Text = "share of pairs"
	last, top := 0, 0.0
	for i, h := range []*Histogram{m, nm} {
		if h.Total() == 0 {
			continue
		}
		bins := h.Bins(histogramBinWidth)
		pts := make(plotter.XYs, len(bins)+1)
		for b, n := range bins {
			pts[b] = plotter.XY{X: float64(b) * histogramBinWidth * ThresholdStep, Y: float64(n) / float64(h.Total())}
			if n > 0 && b+1 > last {
				last = b + 1
			}
			top = math.Max(top, pts[b].Y)
		}
		pts[len(bins)] = plotter.XY{X: float64(len(bins)) * histogramBinWidth * ThresholdStep, Y: 0}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("score plot: %w", err)
		}
		l.StepStyle = plotter.PostStep
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add([]string{"mated", "non-mated"}[i]+fmt.Sprintf(" (%d)", h.Total()), l)
	}
	xMax := float64(last+1) * histogramBinWidth * ThresholdStep
	if t := r.Summary.Threshold; t+0.1 > xMax {
		xMax = t + 0.1
	}
	top *= 1.1
	thr, err := plotter.NewLine(plotter.XYs{{X: r.Summary.Threshold, Y: 0}, {X: r.Summary.Threshold, Y: top}})
	if err != nil {
		return nil, fmt.Errorf("score plot: %w", err)
	}
	thr.Color = color.Gray{Y: 60}
	thr.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(thr)
	p.Legend.Add("threshold "+formatThreshold(r.Summary.Threshold), thr)
	p.X.Min, p.X.Max = 0, xMax
	p.Y.Min, p.Y.Max = 0, top
	p.Legend.Top = true
	return renderPNG(p)
}

// PlotFMRRatio draws each group's FMR over the lowest group's FMR at the
// operating threshold, with bootstrap intervals when computed.
func (r *Result) PlotFMRRatio(column string) ([]byte, error) {
	var col *GroupColumn
	for i := range r.Summary.Groups {
		if r.Summary.Groups[i].Column == column {
			col = &r.Summary.Groups[i]
		}
	}
	if col == nil {
		return nil, fmt.Errorf("%w: no group column %q", ErrUnknownGroup, column)
	}
	var names []string
	var vals plotter.Values
	var bars errorBars
	for _, g := range col.Groups {
		if !g.FMRRatio.Defined {
			continue
		}
		names = append(names, g.Group)
		vals = append(vals, g.FMRRatio.Value)
		e := errorBar{x: float64(len(vals) - 1), y: g.FMRRatio.Value}
		if ci := g.FMRRatio.CI; ci != nil {
			e.low, e.high, e.ok = g.FMRRatio.Value-ci.Low, ci.High-g.FMRRatio.Value, true
		}
		bars = append(bars, e)
	}
	if len(vals) == 0 {
		return nil, fmt.Errorf("FMR ratio plot of %s: %w: no ratio is defined", column, ErrNothingToPlot)
	}
	p := plot.New()
	p.Title.Text = "FMR / lowest group FMR: " + column
	p.Y.Label.Text = "FMR ratio at threshold " + formatThreshold(r.Summary.Threshold)
	bc, err := plotter.NewBarChart(vals, vg.Points(28))
	if err != nil {
		return nil, fmt.Errorf("FMR ratio plot: %w", err)
	}
	bc.Color = plotutil.Color(0)
	bc.LineStyle.Width = 0
	p.Add(bc)
	if eb := bars.withCI(); eb.Len() > 0 {
		yb, err := plotter.NewYErrorBars(eb)
		if err != nil {
			return nil, fmt.Errorf("FMR ratio plot: %w", err)
		}
		p.Add(yb)
	}
	one, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: 1}, {X: float64(len(vals)) - 0.5, Y: 1}})
	if err != nil {
		return nil, fmt.Errorf("FMR ratio plot: %w", err)
	}
	one.Color = color.Gray{Y: 60}
	one.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(one)
	p.NominalX(names...)
	p.Y.Min = 0
	return renderPNG(p)
}

// errorBar is one bar's interval, as distances below and above the value.
type errorBar struct {
	x, y, low, high float64
	ok              bool
}

type errorBars []errorBar

func (e errorBars) withCI() errorBars {
	var out errorBars
	for _, b := range e {
		if b.ok {
			out = append(out, b)
		}
	}
	return out
}

// Len, XY and YError make errorBars a plotter.XYer and plotter.YErrorer.
func (e errorBars) Len() int                        { return len(e) }
func (e errorBars) XY(i int) (float64, float64)     { return e[i].x, e[i].y }
func (e errorBars) YError(i int) (float64, float64) { return e[i].low, e[i].high }

// logAxes puts the chosen axes on a log scale and adds a grid.
func logAxes(p *plot.Plot, x, y bool) {
	if x {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	if y {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	p.Add(plotter.NewGrid())
}

// renderPNG draws the plot as PNG bytes.
func renderPNG(p *plot.Plot) ([]byte, error) {
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	w, err := p.WriterTo(plotWidth, plotHeight, "png")
	if err != nil {
		return nil, fmt.Errorf("render plot: %w", err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("render plot: %w", err)
	}
	return buf.Bytes(), nil
}
