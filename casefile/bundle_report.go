package casefile

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"time"
)

//go:embed report.html.tmpl
var reportTemplateText string

// reportTemplate escapes every value (html/template), so names and notes
// typed by users cannot inject markup into the report.
var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"time": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
	"duration": func(d time.Duration) string {
		return fmt.Sprintf("%02d:%02d:%06.3f", int(d.Hours()), int(d.Minutes())%60, (d % time.Minute).Seconds())
	},
}).Parse(reportTemplateText))

// reportData feeds the report template.
type reportData struct {
	Notice    string
	Info      CaseInfo
	Settings  Settings
	Export    AuditEntry
	Details   ExportDetails
	Head      AuditHead
	Evidence  []ManifestEvidence
	Watchlist ManifestWatchlist
	Searches  []ManifestSearch
	Reviews   []ReviewRecord
	Confirmed []ManifestConfirmed
	People    []ReportPerson
}

// writeReport renders the HTML case report for a view.
func writeReport(v *caseView, w io.Writer) error {
	return reportTemplate.Execute(w, reportData{
		Notice: Notice, Info: v.info, Settings: v.settings, Export: v.export, Details: v.details, Head: v.head,
		Evidence: v.evidence, Watchlist: v.watchlist, Searches: v.searches, Reviews: v.reviews, Confirmed: v.confirmed,
		People: v.people,
	})
}
