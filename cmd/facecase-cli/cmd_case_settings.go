package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"facecase/casefile"
)

func init() {
	registerCaseSub(&command{
		name:    "settings",
		summary: "show or change the case's settings (changes are audited)",
		usage:   "[--two-reviewers=true|false] [--actor NAME] CASE",
		run:     runCaseSettings,
	})
}

func runCaseSettings(ctx context.Context, env *cliEnv, args []string) error {
	fs := caseFlags(env, "settings")
	two := fs.String("two-reviewers", "", "true: a match needs two different reviewers' confirmation; false: one")
	actor := actorFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: need exactly one case file", errUsage)
	}
	changing := false
	fs.Visit(func(f *flag.Flag) { changing = changing || f.Name == "two-reviewers" })
	var c *casefile.Case
	var err error
	if changing {
		c, err = openCase(fs.Arg(0), *actor)
	} else {
		c, err = openCaseReadOnly(fs.Arg(0), casefile.MediaCheckNone)
	}
	if err != nil {
		return err
	}
	defer closeCase(env, c)
	s, err := c.Settings()
	if err != nil {
		return err
	}
	if changing {
		v, err := strconv.ParseBool(*two)
		if err != nil {
			return fmt.Errorf("%w: --two-reviewers=%q is not true or false", errUsage, *two)
		}
		s.RequireTwoReviewers = v
		if err := c.SetSettings(s); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.stdout, "two-reviewers=%t\n", s.RequireTwoReviewers)
	if p, ok := s.Calibration.Point(); ok {
		fmr, _ := s.Calibration.FMR()
		fmt.Fprintf(env.stdout, "operating point: FMR %g, score <= %.4g (%s), measured FMR %.3g on %s\n",
			p.TargetFMR, p.Threshold, s.Calibration.Score, fmr, s.Calibration.Dataset)
	} else if s.MatchThreshold > 0 {
		fmt.Fprintf(env.stdout, "distance threshold %g from before scores were normalised (no longer used)\n", s.MatchThreshold)
	}
	return nil
}
