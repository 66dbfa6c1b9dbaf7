package main

import (
	"context"
	"fmt"

	"facecase/casefile"
)

func init() {
	registerCaseSub(&command{
		name:    "log",
		summary: "print the audit log (its hash chain is checked first)",
		usage:   "[--json] CASE",
		run:     runCaseLog,
	})
}

func runCaseLog(ctx context.Context, env *cliEnv, args []string) error {
	fs := caseFlags(env, "log")
	asJSON := fs.Bool("json", false, "print each entry as stored (JSON lines)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: need exactly one case file", errUsage)
	}
	c, err := openCaseReadOnly(fs.Arg(0), casefile.MediaCheckNone)
	if err != nil {
		return err
	}
	defer c.Close()
	entries, err := c.AuditLog()
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	for _, e := range entries {
		if *asJSON {
			fmt.Fprintf(env.stdout, "%s\n", e.Raw)
			continue
		}
		fmt.Fprintf(env.stdout, "%5d  %s  %-16s %-20s %s\n", e.Seq, e.Time.Format("2006-01-02 15:04:05Z"), e.Action, e.Actor, e.Details)
	}
	if !*asJSON && len(entries) > 0 {
		fmt.Fprintf(env.stdout, "hash chain intact; newest entry SHA-256 %s\n", entries[len(entries)-1].Hash)
	}
	return nil
}
