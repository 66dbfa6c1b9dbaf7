package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"facecase/casefile"
	"facecase/internal/fsutil"
	"facecase/media"
	"facecase/progress"
)

func init() {
	register(&command{
		name:    "export",
		summary: "write a case's export bundle (snapshot, manifest, audit log, report, redacted photos)",
		usage:   exportUsage,
		run:     runExport,
	})
	registerCaseSub(&command{name: "export", summary: "same as facecase-cli export", usage: exportUsage, run: runExport})
}

const exportUsage = "[--media] [--force] [--actor NAME] [--json] CASE OUT.zip"

func runExport(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, commands["export"])
	withMedia := fs.Bool("media", false, "add copies of the photos with every face that is not a confirmed match blurred")
	force := fs.Bool("force", false, "replace OUT.zip if it exists")
	asJSON := fs.Bool("json", false, "print the result as JSON (progress as JSON lines on stderr)")
	actor := actorFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("%w: need a case and an output file", errUsage)
	}
	c, err := openCase(fs.Arg(0), *actor)
	if err != nil {
		return err
	}
	defer c.Close()
	rep, done := exportProgress(env, *asJSON)
	res, err := casefile.Export(ctx, c, fs.Arg(1), casefile.ExportOptions{Media: *withMedia, Redactor: media.RedactPhoto, Force: *force}, rep)
	done()
	if errors.Is(err, casefile.ErrExists) {
		return &exitError{code: 1, err: fmt.Errorf("%w (use --force to replace it)", err)}
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env.stdout, res)
	}
	fmt.Fprintf(env.stdout, "wrote %s\n", res.Path)
	for _, m := range res.Members {
		fmt.Fprintf(env.stdout, "  %-40s %12d  %s\n", m.Name, m.Size, m.SHA256)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(env.stdout, "  not included: evidence %d (%s): %s\n", s.EvidenceID, fsutil.ShowPath(s.Name), s.Reason)
	}
	fmt.Fprintf(env.stdout, "audit log: %d entries, newest SHA-256 %s (note it to prove later that the bundle is unchanged)\n", res.AuditHead.Seq, res.AuditHead.SHA256)
	return nil
}

// exportProgress reports on stderr: JSON lines, or text on a terminal.
func exportProgress(env *cliEnv, asJSON bool) (progress.Reporter, func()) {
	if asJSON {
		return newJSONProgress(env.stderr), func() {}
	}
	if env.stderr == os.Stderr && isTerminal(os.Stderr) {
		p := newTextProgress(env.stderr)
		return p, p.Finish
	}
	return progress.Discard, func() {}
}
