package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"facecase/casefile"
	"facecase/internal/fsutil"
)

func init() {
	registerCaseSub(&command{
		name:    "info",
		summary: "show a case: record, settings, evidence (re-verified), counts, audit head",
		usage:   "[--quick] [--json] CASE",
		run:     runCaseInfo,
	})
}

// caseInfoRecord is what case info prints.
type caseInfoRecord struct {
	Case        casefile.CaseInfo         `json:"case"`
	Settings    casefile.Settings         `json:"settings"`
	Imported    *casefile.ImportInfo      `json:"imported,omitempty"`
	Evidence    []casefile.Evidence       `json:"evidence"`
	Checks      []casefile.EvidenceCheck  `json:"evidence_checks"`
	Detections  uint64                    `json:"detections"`
	Subjects    int                       `json:"subjects"`
	Watchlist   uint64                    `json:"watchlist_version"`
	Searches    int                       `json:"searches"`
	Reviews     int                       `json:"reviews"`
	Confirmed   []casefile.ConfirmedMatch `json:"confirmed_matches"`
	AuditHead   casefile.AuditHead        `json:"audit_head"`
	MediaFolder string                    `json:"media_folder"`
	// Damage is what the check on open found wrong (the case is then
	// read-only).
	Damage []casefile.Problem `json:"damage,omitempty"`
	// Pending lists the evidence whose analysis never finished.
	Pending []casefile.AnalysisStatus `json:"analysis_pending,omitempty"`
}

func runCaseInfo(ctx context.Context, env *cliEnv, args []string) error {
	fs := caseFlags(env, "info")
	quick := fs.Bool("quick", false, "check evidence files by presence and size only, not by SHA-256")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: need exactly one case file", errUsage)
	}
	check := casefile.MediaCheckHash
	if *quick {
		check = casefile.MediaCheckPresence
	}
	c, err := openCaseReadOnly(fs.Arg(0), check)
	if err != nil {
		return err
	}
	defer c.Close()
	rec, err := readCaseInfo(c)
	if err != nil {
		if derr := damageErr(c); derr != nil {
			return derr
		}
		return err
	}
	if *asJSON {
		if err := printJSON(env.stdout, rec); err != nil {
			return err
		}
		return damageErr(c)
	}
	w := env.stdout
	fmt.Fprintf(w, "case %s: %s\n", rec.Case.Number, rec.Case.Title)
	fmt.Fprintf(w, "investigator: %s\npurpose: %s\nauthorisation: %s\ncreated: %s\n", rec.Case.Investigator, rec.Case.Purpose, rec.Case.Authorisation, rec.Case.Created.Format("2006-01-02 15:04:05 MST"))
	rule := "one reviewer confirms a match"
	if rec.Settings.RequireTwoReviewers {
		rule = "two different reviewers must confirm a match"
	}
	fmt.Fprintf(w, "review rule: %s\n", rule)
	if rec.Imported != nil {
		fmt.Fprintf(w, "read-only review copy imported from %s (SHA-256 %s) by %s\n", rec.Imported.Bundle, rec.Imported.BundleSHA256, rec.Imported.ImportedBy)
	}
	fmt.Fprintf(w, "\nevidence: %d items (media folder %s)\n", len(rec.Evidence), rec.MediaFolder)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tFILE\tKIND\tSIZE\tSHA-256\tFILE CHECK")
	for i, ev := range rec.Evidence {
		state := string(rec.Checks[i].State)
		if rec.Checks[i].Detail != "" {
			state += ": " + rec.Checks[i].Detail
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%d\t%s\t%s\n", ev.ID, fsutil.ShowPath(ev.Name), ev.Kind, ev.Size, ev.SHA256, state)
	}
	tw.Flush()
	fmt.Fprintf(w, "\ndetections: %d\nwatchlist: %d subjects (version %d)\nsearches: %d, review decisions: %d, confirmed matches: %d\n",
		rec.Detections, rec.Subjects, rec.Watchlist, rec.Searches, rec.Reviews, len(rec.Confirmed))
	fmt.Fprintf(w, "audit log: %d entries, newest SHA-256 %s\n", rec.AuditHead.Seq, rec.AuditHead.SHA256)
	for _, ch := range rec.Checks {
		if !ch.Usable() && ch.State != casefile.EvidenceUnchecked && ch.State != casefile.EvidenceNotIncluded {
			fmt.Fprintf(env.stderr, "warning: evidence %d (%s) is %s: %s\n", ch.EvidenceID, fsutil.ShowPath(ch.Name), ch.State, ch.Detail)
		}
	}
	for _, p := range rec.Pending {
		fmt.Fprintf(env.stderr, "warning: evidence %d: its analysis never finished (%d faces stored so far); run 'facecase-cli case add %s' to finish it\n",
			p.EvidenceID, p.Stored, c.Path())
	}
	return damageErr(c)
}

func readCaseInfo(c *casefile.Case) (*caseInfoRecord, error) {
	rec := &caseInfoRecord{MediaFolder: c.MediaDir(), Damage: c.Damage()}
	var err error
	if rec.Case, err = c.Info(); err != nil {
		return nil, err
	}
	if rec.Settings, err = c.Settings(); err != nil {
		return nil, err
	}
	if info, ok, err := c.ImportInfo(); err != nil {
		return nil, err
	} else if ok {
		rec.Imported = &info
	}
	if rec.Evidence, err = c.EvidenceList(); err != nil {
		return nil, err
	}
	for _, ev := range rec.Evidence {
		rec.Checks = append(rec.Checks, c.EvidenceCheckFor(ev.ID))
	}
	if rec.Detections, err = c.DetectionCount(0); err != nil {
		return nil, err
	}
	subjects, err := c.Subjects()
	if err != nil {
		return nil, err
	}
	rec.Subjects = len(subjects)
	if rec.Watchlist, err = c.WatchlistVersion(); err != nil {
		return nil, err
	}
	searches, err := c.Searches()
	if err != nil {
		return nil, err
	}
	rec.Searches = len(searches)
	reviews, err := c.Reviews(0)
	if err != nil {
		return nil, err
	}
	rec.Reviews = len(reviews)
	if rec.Confirmed, err = c.ConfirmedMatches(); err != nil {
		return nil, err
	}
	if rec.Pending, err = c.PendingAnalyses(); err != nil {
		return nil, err
	}
	rec.AuditHead, err = c.AuditHead()
	return rec, err
}
