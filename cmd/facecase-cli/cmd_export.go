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

const exportUsage = "[--media] [--force] [--receipt FILE] [--actor NAME] [--json] CASE OUT.zip"

func runExport(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, commands["export"])
	withMedia := fs.Bool("media", false, "add copies of the photos with every face that is not a confirmed match blurred")
	force := fs.Bool("force", false, "replace OUT.zip if it exists (never the case file, anything in its media folder or an evidence file: those are refused)")
	asJSON := fs.Bool("json", false, "print the result as JSON (progress as JSON lines on stderr)")
	receiptOut := fs.String("receipt", "", "also write the bundle's signed receipt to this new file (keep it apart from the bundle)")
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
	defer closeCase(env, c)
	key, keyDir, err := installationKey()
	if err != nil {
		return err
	}
	rep, done := exportProgress(env, *asJSON)
	res, err := casefile.Export(ctx, c, fs.Arg(1), casefile.ExportOptions{Media: *withMedia, Redactor: media.RedactPhoto, Force: *force, Signer: key}, rep)
	done()
	if errors.Is(err, casefile.ErrExists) {
		return &exitError{code: 1, err: fmt.Errorf("%w (use --force to replace it)", err)}
	}
	if err != nil {
		return err
	}
	receipt, err := res.Receipt.Indented()
	if err != nil {
		return err
	}
	if _, err := casefile.AppendJournal(keyDir, res.Receipt); err != nil {
		fmt.Fprintf(env.stderr, "warning: %v\n", err)
	}
	if *receiptOut != "" {
		if err := writeNewFile(*receiptOut, receipt); err != nil {
			return fmt.Errorf("the bundle was written, but not the receipt: %w", err)
		}
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
	fmt.Fprintf(env.stdout, "audit log: %d entries, newest SHA-256 %s\n", res.AuditHead.Seq, res.AuditHead.SHA256)
	fmt.Fprintf(env.stdout, "\nreceipt (also in the bundle as %s; keep a copy apart from the bundle: 'facecase-cli verify --receipt FILE' checks the case or the bundle against it):\n%s",
		casefile.MemberReceipt, receipt)
	return nil
}

// writeNewFile writes a file that must not exist yet.
func writeNewFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
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
