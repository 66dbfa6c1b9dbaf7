package main

import (
	"context"
	"fmt"

	"facecase/casefile"
)

func init() {
	registerCaseSub(&command{
		name:    "import",
		summary: "verify an export bundle and make it a new read-only case for review",
		usage:   "[--actor NAME] BUNDLE.zip NEWCASE[.facecase]",
		run:     runCaseImport,
	})
}

func runCaseImport(ctx context.Context, env *cliEnv, args []string) error {
	fs := caseFlags(env, "import")
	actor := actorFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("%w: need a bundle and a new case file", errUsage)
	}
	rep, done := exportProgress(env, false)
	c, err := casefile.ImportBundle(ctx, fs.Arg(0), casePathArg(fs.Arg(1)), *actor, rep)
	done()
	if err != nil {
		return err
	}
	defer c.Close()
	info, _, err := c.ImportInfo()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "imported %s (SHA-256 %s, exported %s by %s) as read-only case %s\n",
		info.Bundle, info.BundleSHA256, info.ExportedAt.Format("2006-01-02 15:04:05Z"), info.ExportedBy, c.Path())
	return nil
}
