package eval

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"

	"facecase/internal/fsutil"
)

// Names of the files WriteReport writes in the output folder (ScoresFile
// is written during Run when asked for).
const (
	ReportFile  = "report.html"
	SummaryFile = "summary.json"
	GroupsFile  = "groups.csv"
	SamplesFile = "samples.csv"
	ScoresFile  = "scores.csv"
)

// WriteReport writes the HTML report, the JSON summary and the group and
// sample tables into dir, which must exist. Each file is written to a
// temporary name and renamed, so an interrupted run leaves no half file.
func WriteReport(dir string, r *Result) error {
	writers := []struct {
		name  string
		write func(io.Writer) error
	}{
		{SummaryFile, func(w io.Writer) error { return WriteSummaryJSON(w, &r.Summary) }},
		{GroupsFile, func(w io.Writer) error { return WriteGroupsCSV(w, &r.Summary) }},
		{SamplesFile, func(w io.Writer) error { return WriteSamplesCSV(w, r) }},
		{ReportFile, func(w io.Writer) error { return WriteHTML(w, r) }},
	}
	for _, f := range writers {
		var buf bytes.Buffer
		if err := f.write(&buf); err != nil {
			return err
		}
		if err := fsutil.WriteFileAtomic(filepath.Join(dir, f.name), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// plotOrNote renders a plot; when there is nothing to draw it returns the
// reason instead, any other failure is an error.
func plotOrNote(png []byte, err error) (data []byte, note string, _ error) {
	if errors.Is(err, ErrNothingToPlot) {
		return nil, err.Error(), nil
	}
	return png, "", err
}
