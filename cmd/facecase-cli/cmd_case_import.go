package main

import (
	"context"
	"fmt"

	"facecase/casefile"
)

func init() {
	registerCaseSub(&command{
		name: "import",
		summary: "verify an export bundle and make it a new read-only case for review; the redacted photos of a bundle " +
			"exported with --media go into NEWCASE.media/ and verify checks them; original evidence files are never in a " +
			"bundle, so verify lists them as not included, not as missing",
		usage: "[--actor NAME] BUNDLE.zip NEWCASE[.facecase]",
		run:   runCaseImport,
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
	if len(info.Media) > 0 {
		fmt.Fprintf(env.stdout, "%d redacted photo copies in %s (the original evidence files are not in a bundle)\n", len(info.Media), c.MediaDir())
	} else {
		fmt.Fprintln(env.stdout, "no media: the bundle was exported without --media (the original evidence files are never in a bundle)")
	}
	return nil
}
