package main

import (
	"context"
	"fmt"

	"facecase/casefile"
)

func init() {
	registerCaseSub(&command{
		name:    "new",
		summary: "create a case file",
		usage:   "--number N --title T --investigator NAME [--purpose P] [--authorisation REF] [--two-reviewers] CASE[.facecase]",
		run:     runCaseNew,
	})
}

func runCaseNew(ctx context.Context, env *cliEnv, args []string) error {
	fs := caseFlags(env, "new")
	var info casefile.CaseInfo
	fs.StringVar(&info.Number, "number", "", "case or crime reference number (required)")
	fs.StringVar(&info.Title, "title", "", "short description (required)")
	fs.StringVar(&info.Investigator, "investigator", defaultActor(), "who runs the case (required; default $FACECASE_ACTOR or the login name)")
	fs.StringVar(&info.Purpose, "purpose", "", "why faces are searched in this case")
	fs.StringVar(&info.Authorisation, "authorisation", "", "reference of the authorisation to search")
	twoReviewers := fs.Bool("two-reviewers", false, "a match is confirmed only when two different reviewers confirm it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: need exactly one case file", errUsage)
	}
	if info.Number == "" || info.Title == "" || info.Investigator == "" {
		return fmt.Errorf("%w: --number, --title and --investigator are required", errUsage)
	}
	c, err := casefile.Create(casePathArg(fs.Arg(0)), info)
	if err != nil {
		return err
	}
	defer closeCase(env, c)
	if *twoReviewers {
		if err := c.SetSettings(casefile.Settings{RequireTwoReviewers: true}); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.stdout, "created case %s (%s) at %s\nmedia folder: %s\n", info.Number, info.Title, c.Path(), c.MediaDir())
	return nil
}
