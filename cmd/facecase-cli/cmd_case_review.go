package main

import (
	"context"
	"fmt"

	"facecase/casefile"
)

func init() {
	registerCaseSub(&command{
		name:    "review",
		summary: "record a review decision on a candidate of a search",
		usage:   "--search ID --subject ID --decision confirm|reject|inconclusive [--note TEXT] [--actor NAME] CASE",
		run:     runCaseReview,
	})
}

func runCaseReview(ctx context.Context, env *cliEnv, args []string) error {
	fs := caseFlags(env, "review")
	search := newUint64Flag(fs, "search", "ID", 0, idRange, "the search")
	subject := newUint64Flag(fs, "subject", "ID", 0, idRange, "the candidate subject")
	decision := fs.String("decision", "", "confirm, reject or inconclusive")
	note := fs.String("note", "", "the reviewer's reasons")
	actor := actorFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *search == 0 || *subject == 0 || *decision == "" {
		return fmt.Errorf("%w: need --search, --subject, --decision and one case file", errUsage)
	}
	d, err := casefile.ParseDecision(*decision)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	c, err := openCase(fs.Arg(0), *actor)
	if err != nil {
		return err
	}
	defer closeCase(env, c)
	rec, err := c.Review(casefile.ReviewRequest{SearchID: *search, SubjectID: *subject, Decision: d, Note: *note})
	if err != nil {
		return err
	}
	st, err := c.CandidateStatus(*search, *subject)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "review %d: %s by %s on subject %d of search %d\nstatus: %s (%d of %d confirmations)\n",
		rec.ID, rec.Decision, rec.Reviewer, rec.SubjectID, rec.SearchID, st.Status, st.Confirmations, st.Required)
	return nil
}
