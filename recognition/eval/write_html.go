package eval

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
)

//go:embed report.html.tmpl
var reportTemplateText string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"fig": formatFigure,
	"thr": formatThreshold,
	"kr":  func(key string, r Rate) keyedRate { return keyedRate{key, r} },
}).Parse(reportTemplateText))

// keyedRate is a rate with the data-key its table cell carries, so the
// numbers of the HTML can be checked against the JSON.
type keyedRate struct {
	Key string
	R   Rate
}

// figure is a rendered plot (Src) or the reason it is missing (Note).
type figure struct {
	Title string
	Src   template.URL
	Note  string
}

type htmlColumn struct {
	Col    *GroupColumn
	Ratio  figure
	DET    figure
	Scores []figure
}

type htmlView struct {
	S                *Summary
	Step             float64
	DET, ROC, Scores figure
	Columns          []htmlColumn
	// Fair holds the raw and normalised plots of every group column.
	Fair []figure
}

// WriteHTML writes the self-contained HTML report (plots embedded as PNG).
func WriteHTML(w io.Writer, r *Result) error {
	v := htmlView{S: &r.Summary, Step: ThresholdStep}
	var err error
	if v.DET, err = makeFigure("DET curve", func() ([]byte, error) { return r.PlotDET(overallColumn) }); err != nil {
		return err
	}
	if v.ROC, err = makeFigure("ROC curve", r.PlotROC); err != nil {
		return err
	}
	if v.Scores, err = makeFigure("Score distributions", func() ([]byte, error) { return r.PlotScores(overallColumn, overallColumn) }); err != nil {
		return err
	}
	for i := range r.Summary.Groups {
		col := &r.Summary.Groups[i]
		hc := htmlColumn{Col: col}
		if hc.Ratio, err = makeFigure("FMR ratio: "+col.Column, func() ([]byte, error) { return r.PlotFMRRatio(col.Column) }); err != nil {
			return err
		}
		if hc.DET, err = makeFigure("DET curves: "+col.Column, func() ([]byte, error) { return r.PlotDET(col.Column) }); err != nil {
			return err
		}
		for _, g := range col.Groups {
			f, err := makeFigure("Scores: "+col.Column+" = "+g.Group, func() ([]byte, error) { return r.PlotScores(col.Column, g.Group) })
			if err != nil {
				return err
			}
			hc.Scores = append(hc.Scores, f)
		}
		v.Columns = append(v.Columns, hc)
	}
	if r.HasFairness() {
		for _, c := range r.Summary.Dataset.GroupColumns {
			f, err := makeFigure("DET raw and normalised: "+c, func() ([]byte, error) { return r.PlotFairDET(c) })
			if err != nil {
				return err
			}
			g, err := makeFigure("Group FMR at each target: "+c, func() ([]byte, error) { return r.PlotFairFMR(c) })
			if err != nil {
				return err
			}
			v.Fair = append(v.Fair, f, g)
		}
	}
	if err := reportTemplate.Execute(w, v); err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	return nil
}

func makeFigure(title string, draw func() ([]byte, error)) (figure, error) {
	png, note, err := plotOrNote(draw())
	if err != nil {
		return figure{}, err
	}
	f := figure{Title: title, Note: note}
	if png != nil {
		f.Src = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	return f, nil
}
