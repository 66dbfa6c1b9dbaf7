package eval

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HasFairness reports whether the run compared raw and normalised scores
// (Config.Normalizer was set).
func (r *Result) HasFairness() bool { return r.fair != nil }

// PlotFairDET draws, for every group of column, the DET curve of the raw
// distance (solid) and of the normalised score (dashed, same colour): where
// the normalisation works, the dashed curves of the groups lie closer
// together along the FMR axis. Points where either rate is 0 are left out.
func (r *Result) PlotFairDET(column string) ([]byte, error) {
	if r.fair == nil {
		return nil, fmt.Errorf("DET plot of %s: %w: the run had no normalised score", column, ErrNothingToPlot)
	}
	c, err := r.column(column)
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "DET, raw (solid) and normalised (dashed): " + column
	p.X.Label.Text = "FMR (false match rate)"
	p.Y.Label.Text = "FNMR (false non-match rate)"
	logAxes(p, true, true)
	lo, drawn := math.Inf(1), 0
	for g, name := range r.groupNames[c] {
		for kind, label := range []string{"raw", "normalised"} {
			l, err := detLine(column, name, r.fair.nonMated[kind][c][g], r.fair.mated[kind][c][g], &lo)
			if err != nil {
				return nil, err
			}
			if l == nil {
				continue
			}
			l.Color = plotutil.Color(g)
			if kind == kindNormalised {
				l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			}
			p.Add(l)
			p.Legend.Add(name+" ("+label+")", l)
			drawn++
		}
	}
	if drawn == 0 {
		return nil, fmt.Errorf("DET plot of %s: %w: no group has both false matches and false non-matches", column, ErrNothingToPlot)
	}
	lo = math.Pow(10, math.Floor(math.Log10(lo)))
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, 1, lo, 1
	p.Legend.Top = true
	return renderPNG(p)
}

// PlotFairFMR draws every group's FMR at each target, raw against
// normalised, on a log axis: a fair score puts every group at the target.
// Groups without a false match are left out (log axis).
func (r *Result) PlotFairFMR(column string) ([]byte, error) {
	f := r.Summary.Fairness
	if f == nil {
		return nil, fmt.Errorf("FMR plot of %s: %w: the run had no normalised score", column, ErrNothingToPlot)
	}
	p := plot.New()
	p.Title.Text = "Group FMR at each target, raw (○) and normalised (●): " + column
	p.X.Label.Text = "target FMR (overall)"
	p.Y.Label.Text = "FMR within the group"
	logAxes(p, true, true)
	lo, hi, drawn := math.Inf(1), math.Inf(-1), 0
	groups := map[string]int{}
	for _, pt := range f.Points {
		for kind, side := range []FairSide{pt.Raw, pt.Normalised} {
			for _, col := range side.Columns {
				if col.Column != column {
					continue
				}
				for _, g := range col.Groups {
					v, ok := g.FMR.Value()
					if !ok || v <= 0 {
						continue
					}
					i, seen := groups[g.Group]
					if !seen {
						i = len(groups)
						groups[g.Group] = i
					}
					s, err := plotter.NewScatter(plotter.XYs{{X: pt.TargetFMR, Y: v}})
					if err != nil {
						return nil, fmt.Errorf("FMR plot: %w", err)
					}
					s.Color = plotutil.Color(i)
					s.Shape = draw.GlyphDrawer(draw.RingGlyph{})
					if kind == kindNormalised {
						s.Shape = draw.CircleGlyph{}
					}
					s.Radius = vg.Points(3.5)
					p.Add(s)
					if kind == kindNormalised {
						p.Legend.Add(g.Group, s)
					}
					lo, hi = math.Min(lo, math.Min(v, pt.TargetFMR)), math.Max(hi, math.Max(v, pt.TargetFMR))
					drawn++
				}
			}
		}
	}
	if drawn == 0 {
		return nil, fmt.Errorf("FMR plot of %s: %w: no group has a false match", column, ErrNothingToPlot)
	}
	diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	if err != nil {
		return nil, fmt.Errorf("FMR plot: %w", err)
	}
	diag.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(diag)
	p.X.Min, p.X.Max = lo/2, hi*2
	p.Y.Min, p.Y.Max = lo/2, hi*2
	p.Legend.Top = true
	p.Legend.Left = true
	return renderPNG(p)
}
